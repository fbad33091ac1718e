// Release of mail held over the send limit; see limit_release.h.
#include "admind/delivery/limit_release.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>
#include <set>
#include <vector>

#include "core/base/log.h"
#include "core/base/metrics.h"
#include "policy/store/send_counters.h"

namespace ark::admind::delivery {
namespace {

using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

constexpr int64_t kReleaseAgainUs = 60'000'000;  // a requested release still held after 1 min

}  // namespace

struct LimitRelease::Held {
  std::string message_id;
  std::string tenant_id;
  std::string queue_id;
  int64_t emails = 0;
  bool requested = false;  // release_requested_at is set
  int64_t requested_us = 0;
};

LimitRelease::LimitRelease(LimitReleaseSettings s, storage::DbPool& db, const base::Clock& clock,
                           RunFn run)
    : s_(std::move(s)), db_(db), clock_(clock), run_(std::move(run)) {}

void LimitRelease::start() {
  periodic_.start("limit_release", std::chrono::milliseconds(s_.poll_ms), [this] {
    auto r = run_once();
    if (!r) {
      base::log_warn("limit_release_error", {{"reason", r.error().message}});
    }
  });
}

void LimitRelease::stop() {
  periodic_.stop();
}

Result<bool> LimitRelease::count_in(const Held& h) {
  bool counted = false;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    counted = false;
    Stmt cur(c.prepareStatement(
        "SELECT release_requested_at IS NULL AND held_at IS NOT NULL FROM messages "
        "WHERE id = ? FOR UPDATE"));
    cur->setString(1, h.message_id);
    Rows rs(cur->executeQuery());
    if (!rs->next() || !rs->getBoolean(1)) {
      return {};  // released meanwhile (retry, operator, another pass)
    }
    int64_t now_s = clock_.now_s();
    std::vector<policy::Window> windows =
        policy::send_windows(now_s, policy::tenant_limits(c, h.tenant_id, s_.defaults));
    std::vector<policy::Window*> ptrs;
    for (policy::Window& w : windows) {
      ptrs.push_back(&w);
    }
    if (!ptrs.empty()) {
      policy::read_counters(c, h.tenant_id, ptrs, true);
      if (!policy::check_limits(windows, h.emails).fits) {
        return {};
      }
      policy::add_to_counters(c, h.tenant_id, ptrs, h.emails);
    }
    Stmt mark(c.prepareStatement("UPDATE messages SET release_requested_at = ? WHERE id = ?"));
    mark->setString(1, base::format_sql_datetime(clock_.now_us()));
    mark->setString(2, h.message_id);
    mark->executeUpdate();
    counted = true;
    return {};
  });
  if (!st) {
    return st.error();
  }
  return counted;
}

bool LimitRelease::release(const Held& h) {
  std::vector<std::string> argv{s_.postsuper};
  if (!s_.postfix_config_dir.empty()) {
    argv.insert(argv.end(), {"-c", s_.postfix_config_dir});
  }
  argv.insert(argv.end(), {"-H", h.queue_id});
  std::string output;
  int rc = run_(argv, &output);
  if (rc != 0) {
    base::log_warn("limit_release_failed",
                   {{"message", h.message_id}, {"qid", h.queue_id}, {"output", output}});
    return false;
  }
  base::Metrics::global().add("ark_limit_released_total");
  base::log_info("limit_release",
                 {{"message", h.message_id}, {"tenant", h.tenant_id}, {"emails", h.emails}});
  return true;
}

Result<LimitReleaseStats> LimitRelease::run_once() {
  std::vector<Held> held;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT m.id, m.tenant_id, m.queue_id, COUNT(*) AS n, m.release_requested_at "
        "FROM messages m JOIN emails e ON e.message_id = m.id "
        "WHERE m.node = ? AND m.held_at IS NOT NULL AND m.queue_id IS NOT NULL "
        "GROUP BY m.id, m.tenant_id, m.queue_id, m.release_requested_at, m.held_at "
        "HAVING SUM(e.held_reason = 'send_limit_exceeded' AND e.status IN ('pending', 'held')) "
        " = COUNT(*) "
        "ORDER BY m.held_at, m.id LIMIT ?"));
    ps->setString(1, s_.node);
    ps->setInt(2, s_.batch);
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      Held h;
      h.message_id = rs->getString(1);
      h.tenant_id = rs->getString(2);
      h.queue_id = rs->getString(3);
      h.emails = rs->getInt64(4);
      h.requested = !rs->isNull(5);
      if (h.requested) {
        base::parse_sql_datetime(rs->getString(5), &h.requested_us);
      }
      held.push_back(std::move(h));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  LimitReleaseStats stats;
  std::set<std::string> full;  // tenants whose oldest held message does not fit
  int64_t now = clock_.now_us();
  for (const Held& h : held) {
    if (h.requested) {
      if (now - h.requested_us >= kReleaseAgainUs) {
        release(h) ? ++stats.again : ++stats.failed;
      }
      continue;
    }
    if (full.count(h.tenant_id) != 0) {
      ++stats.waiting;
      continue;
    }
    auto counted = count_in(h);
    if (!counted) {
      return counted.error();
    }
    if (!*counted) {
      full.insert(h.tenant_id);
      ++stats.waiting;
      continue;
    }
    release(h) ? ++stats.released : ++stats.failed;
  }
  return stats;
}

}  // namespace ark::admind::delivery
