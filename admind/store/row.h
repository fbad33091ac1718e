// Small helpers for reading Connector/C++ result rows. Used only inside store adapters.
#pragma once

#include <cppconn/resultset.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/clock.h"

namespace ark::admind::store {

inline std::string col_string(sql::ResultSet& rs, const char* name) {
  return rs.isNull(name) ? std::string() : std::string(rs.getString(name));
}

inline std::optional<std::string> col_opt_string(sql::ResultSet& rs, const char* name) {
  if (rs.isNull(name)) {
    return std::nullopt;
  }
  return std::string(rs.getString(name));
}

inline int64_t col_time_us(sql::ResultSet& rs, const char* name) {
  int64_t us = 0;
  if (!rs.isNull(name)) {
    base::parse_sql_datetime(std::string(rs.getString(name)), &us);
  }
  return us;
}

}  // namespace ark::admind::store
