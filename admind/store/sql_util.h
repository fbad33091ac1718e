// Helpers shared by the resource stores (credentials, domains, suppressions, webhooks,
// deliveries, track domains) and the list stores (emails, request logs): optional columns,
// binding optional values and filter arguments, last insert id, JSON string arrays. Used only
// inside store adapters.
#pragma once

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "admind/store/row.h"
#include "core/base/clock.h"

namespace ark::admind::store {

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

inline std::optional<int64_t> col_opt_time_us(sql::ResultSet& rs, const char* name) {
  if (rs.isNull(name)) {
    return std::nullopt;
  }
  return col_time_us(rs, name);
}

inline std::optional<int64_t> col_opt_int(sql::ResultSet& rs, const char* name) {
  if (rs.isNull(name)) {
    return std::nullopt;
  }
  return rs.getInt64(name);
}

inline void bind_opt(sql::PreparedStatement& ps, int i, const std::optional<std::string>& v) {
  v ? ps.setString(i, *v) : ps.setNull(i, 0);
}

inline void bind_opt(sql::PreparedStatement& ps, int i, const std::optional<int64_t>& v) {
  v ? ps.setInt64(i, *v) : ps.setNull(i, 0);
}

inline void bind_opt(sql::PreparedStatement& ps, int i, const std::optional<int>& v) {
  v ? ps.setInt(i, *v) : ps.setNull(i, 0);
}

inline void bind_opt(sql::PreparedStatement& ps, int i, const std::optional<bool>& v) {
  v ? ps.setInt(i, *v ? 1 : 0) : ps.setNull(i, 0);
}

// One argument of a WHERE clause built from optional filters, bound in order.
using SqlArg = std::variant<std::string, int64_t>;

inline void bind_args(sql::PreparedStatement& ps, const std::vector<SqlArg>& args) {
  int i = 0;
  for (const auto& a : args) {
    if (const auto* s = std::get_if<std::string>(&a)) {
      ps.setString(++i, *s);
    } else {
      ps.setInt64(++i, std::get<int64_t>(a));
    }
  }
}

inline std::string sql_time(int64_t us) {
  return base::format_sql_datetime(us);
}

inline int64_t last_insert_id(sql::Connection& c) {
  Stmt ps(c.prepareStatement("SELECT LAST_INSERT_ID()"));
  Rows rs(ps->executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

// ["a","b"] for names made of letters only (event type names); no escaping needed, but
// anything else is dropped rather than written unescaped.
std::string json_name_array(const std::vector<std::string>& names);
// The inverse for arrays written by json_name_array (and by MySQL's JSON functions).
std::vector<std::string> parse_name_array(const std::string& json);

}  // namespace ark::admind::store
