// Shared send counters; see send_counters.h.
#include "policy/store/send_counters.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>
#include <optional>

#include "core/base/clock.h"

namespace ark::policy {
namespace {

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

std::string sql_time_s(int64_t unix_s) {
  return base::format_sql_datetime(unix_s * 1000000);
}

std::optional<int64_t> opt_int(sql::ResultSet& rs, int col) {
  if (rs.isNull(col)) {
    return std::nullopt;
  }
  return rs.getInt64(col);
}

// "(?, ?), (?, ?), ..." for the (period, window_start) pairs of `windows`.
std::string pairs(size_t n, const char* one) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += (i ? ", " : "") + std::string(one);
  }
  return out;
}

// Binds (period, window_start) of each window from parameter index `first` on.
int bind_windows(sql::PreparedStatement& ps, int first, const std::vector<Window*>& windows,
                 const std::string* tenant) {
  for (const Window* w : windows) {
    if (tenant != nullptr) {
      ps.setString(first++, *tenant);
    }
    ps.setString(first++, std::string(to_string(w->period)));
    ps.setString(first++, sql_time_s(w->start_s));
  }
  return first;
}

}  // namespace

Limits tenant_limits(sql::Connection& c, const std::string& tenant,
                     const policy::Limits& defaults) {
  Stmt ps(c.prepareStatement(
      "SELECT hourly, daily, monthly FROM tenant_send_limits WHERE tenant_id = ?"));
  ps->setString(1, tenant);
  Rows rs(ps->executeQuery());
  LimitOverrides o;
  if (rs->next()) {
    o = {opt_int(*rs, 1), opt_int(*rs, 2), opt_int(*rs, 3)};
  }
  return effective_limits(defaults, o);
}

// Reads the windows' counts (lock = false), or creates the missing counter rows and locks
// all of them (lock = true): one multi-row INSERT (rows locked in the windows' order, the
// same in every transaction, so two admissions never wait on each other crosswise) and one
// locking read.
void read_counters(sql::Connection& c, const std::string& tenant,
                   const std::vector<Window*>& windows, bool lock) {
  if (lock) {
    Stmt up(c.prepareStatement(
        "INSERT INTO send_counters (tenant_id, period, window_start, used) VALUES " +
        pairs(windows.size(), "(?, ?, ?, 0)") + " ON DUPLICATE KEY UPDATE used = used"));
    bind_windows(*up, 1, windows, &tenant);
    up->executeUpdate();
  }
  Stmt ps(c.prepareStatement(
      "SELECT period, used FROM send_counters WHERE tenant_id = ? AND (period, window_start) "
      "IN (" +
      pairs(windows.size(), "(?, ?)") + ")" + (lock ? " FOR UPDATE" : "")));
  ps->setString(1, tenant);
  bind_windows(*ps, 2, windows, nullptr);
  Rows rs(ps->executeQuery());
  while (rs->next()) {
    std::string period = rs->getString(1);
    for (Window* w : windows) {
      if (to_string(w->period) == period) {
        w->used = rs->getInt64(2);
      }
    }
  }
}

void add_to_counters(sql::Connection& c, const std::string& tenant,
                     const std::vector<Window*>& windows, int64_t n) {
  Stmt ps(c.prepareStatement(
      "UPDATE send_counters SET used = used + ? WHERE tenant_id = ? AND (period, window_start) "
      "IN (" +
      pairs(windows.size(), "(?, ?)") + ")"));
  ps->setInt64(1, n);
  ps->setString(2, tenant);
  bind_windows(*ps, 3, windows, nullptr);
  ps->executeUpdate();
}

}  // namespace ark::policy
