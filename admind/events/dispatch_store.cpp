#include "admind/events/dispatch_store.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>

#include <algorithm>
#include <set>

#include "admind/events/text.h"
#include "core/crypto/crypto.h"

namespace ark::events {

using base::Error;
using base::Result;
using base::Status;

namespace {

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

std::string sql_time(int64_t us) {
  return base::format_sql_datetime(us);
}

std::string col(sql::ResultSet& rs, const char* name) {
  return rs.isNull(name) ? std::string() : std::string(rs.getString(name));
}

int64_t col_time(sql::ResultSet& rs, const char* name) {
  int64_t us = 0;
  if (!rs.isNull(name)) {
    base::parse_sql_datetime(std::string(rs.getString(name)), &us);
  }
  return us;
}

// Row locks only, no gap locks: the log follower keeps inserting outbox rows while a
// dispatcher holds its claimed ones. Must be the first statement of the transaction.
void read_committed(sql::Connection& c) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  st->execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

std::string placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += i == 0 ? "?" : ",?";
  }
  return out;
}

std::vector<OutboxEvent> claim_events(sql::Connection& c, int limit) {
  Stmt ps(c.prepareStatement(
      "SELECT id, uuid, tenant_id, type, payload, occurred_at FROM events "
      "WHERE dispatch_state = 'pending' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED"));
  ps->setInt(1, limit);
  Rows rs(ps->executeQuery());
  std::vector<OutboxEvent> out;
  while (rs->next()) {
    out.push_back({rs->getInt64("id"), col(*rs, "uuid"), col(*rs, "tenant_id"), col(*rs, "type"),
                   col(*rs, "payload"), col_time(*rs, "occurred_at")});
  }
  return out;
}

std::vector<Subscription> platform_subscriptions(sql::Connection& c) {
  Stmt ps(c.prepareStatement("SELECT id, events FROM platform_webhooks WHERE enabled = 1"));
  Rows rs(ps->executeQuery());
  std::vector<Subscription> out;
  while (rs->next()) {
    out.push_back({col(*rs, "id"), parse_event_list(col(*rs, "events")), false});
  }
  return out;
}

std::vector<Subscription> tenant_subscriptions(sql::Connection& c, const std::string& tenant) {
  Stmt ps(c.prepareStatement(
      "SELECT id, events, all_events FROM webhooks WHERE tenant_id = ? AND enabled = 1"));
  ps->setString(1, tenant);
  Rows rs(ps->executeQuery());
  std::vector<Subscription> out;
  while (rs->next()) {
    out.push_back(
        {col(*rs, "id"), parse_event_list(col(*rs, "events")), rs->getBoolean("all_events")});
  }
  return out;
}

void insert_job(sql::Connection& c, const OutboxEvent& e, const JobSpec& j, int64_t now_us) {
  Stmt ps(c.prepareStatement(
      "INSERT IGNORE INTO dispatch_jobs (event_id, event_uuid, event, tenant_id, target, body, "
      "signature, kid, occurred_at, attempt, state, due_at, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'pending', ?, ?, ?)"));
  ps->setInt64(1, e.id);
  ps->setString(2, e.uuid);
  ps->setString(3, e.type);
  ps->setString(4, e.tenant_id);
  ps->setString(5, j.target);
  ps->setString(6, j.body);
  j.signature ? ps->setString(7, j.signature->base64) : ps->setNull(7, 0);
  j.signature ? ps->setString(8, j.signature->kid) : ps->setNull(8, 0);
  ps->setString(9, sql_time(e.occurred_us));
  for (int i = 10; i <= 12; ++i) {
    ps->setString(i, sql_time(now_us));
  }
  ps->executeUpdate();
}

void mark_dispatched(sql::Connection& c, int64_t id, int64_t now_us) {
  Stmt ps(c.prepareStatement(
      "UPDATE events SET dispatch_state = 'dispatched', dispatched_at = ? WHERE id = ?"));
  ps->setString(1, sql_time(now_us));
  ps->setInt64(2, id);
  ps->executeUpdate();
}

// The subscribed webhook ids of one event.
void subscribers(const OutboxEvent& e, const std::vector<Subscription>& tenant_hooks,
                 const std::vector<Subscription>& platform_hooks, std::vector<std::string>* tenant,
                 std::vector<std::string>* platform) {
  for (const Subscription& s : tenant_hooks) {
    if (tenant_webhook_wants(s, e.type)) {
      tenant->push_back(s.id);
    }
  }
  for (const Subscription& s : platform_hooks) {
    if (platform_webhook_wants(s, e.type)) {
      platform->push_back(s.id);
    }
  }
}

Job read_job(sql::ResultSet& rs) {
  Job j;
  j.id = rs.getInt64("id");
  j.attempt = rs.getInt("attempt");
  j.target = col(rs, "target");
  j.event = col(rs, "event");
  j.event_uuid = col(rs, "event_uuid");
  j.tenant_id = col(rs, "tenant_id");
  j.body = col(rs, "body");
  j.signature = col(rs, "signature");
  j.kid = col(rs, "kid");
  j.occurred_us = col_time(rs, "occurred_at");
  return j;
}

// The target filter of a claim: the kinds this process can send, minus saturated targets.
std::string claim_where(const ClaimRequest& r, std::vector<std::string>* params) {
  std::vector<std::string> kinds;
  if (r.webhooks) {
    kinds.push_back("target LIKE 'tenant:%' OR target LIKE 'platform:%'");
  }
  if (!r.sinks.empty()) {
    kinds.push_back("target IN (" + placeholders(r.sinks.size()) + ")");
    for (const std::string& s : r.sinks) {
      params->push_back(Target{Target::Kind::Sink, s}.text());
    }
  }
  std::string where = "(" + kinds[0] + (kinds.size() > 1 ? " OR " + kinds[1] : "") + ")";
  std::vector<std::string> full;
  for (const auto& [target, n] : r.in_flight) {
    if (n >= r.per_target_max) {
      full.push_back(target);
    }
  }
  if (!full.empty()) {
    where += " AND target NOT IN (" + placeholders(full.size()) + ")";
    params->insert(params->end(), full.begin(), full.end());
  }
  return where;
}

void insert_attempt(sql::Connection& c, const AttemptRecord& r) {
  std::string table = r.platform ? "platform_webhook_deliveries" : "webhook_deliveries";
  Stmt ps(c.prepareStatement(
      "INSERT INTO " + table +
      " (id, webhook_id, tenant_id, kind, replay_of, event, event_uuid, url, attempt, "
      "status_code, success, will_retry, request_headers, payload, response_body, error, "
      "duration_ms, created_at, attempted_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ps->setString(1, r.id);
  ps->setString(2, r.webhook_id);
  r.tenant_id ? ps->setString(3, *r.tenant_id) : ps->setNull(3, 0);
  ps->setString(4, r.kind);
  r.replay_of ? ps->setString(5, *r.replay_of) : ps->setNull(5, 0);
  ps->setString(6, r.event);
  ps->setString(7, r.event_uuid);
  ps->setString(8, r.url);
  ps->setInt(9, r.attempt);
  r.status_code ? ps->setInt(10, *r.status_code) : ps->setNull(10, 0);
  ps->setInt(11, r.success ? 1 : 0);
  ps->setInt(12, r.will_retry ? 1 : 0);
  ps->setString(13, r.request_headers_json);
  ps->setString(14, r.payload);
  r.response_body ? ps->setString(15, valid_utf8(*r.response_body, 65000)) : ps->setNull(15, 0);
  r.error ? ps->setString(16, valid_utf8(*r.error, 1000)) : ps->setNull(16, 0);
  ps->setInt64(17, r.duration_ms);
  ps->setString(18, sql_time(r.attempted_us));
  ps->setString(19, sql_time(r.attempted_us));
  ps->executeUpdate();
}

// Moves the job on, if it is still ours.
void update_job(sql::Connection& c, const Job& job, const std::string& owner, const JobUpdate& u,
                int64_t now_us) {
  const std::string mine = " WHERE id = ? AND attempt = ? AND claimed_by = ?";
  Stmt ps;
  int n = 1;
  if (u.fate == JobFate::Delivered) {
    ps.reset(c.prepareStatement("DELETE FROM dispatch_jobs" + mine));
  } else if (u.fate == JobFate::Retry) {
    ps.reset(c.prepareStatement(
        "UPDATE dispatch_jobs SET attempt = attempt + 1, due_at = ?, lease_until = NULL, "
        "claimed_by = NULL, last_error = ?, updated_at = ?" +
        mine));
    ps->setString(n++, sql_time(u.next_due_us));
  } else {
    ps.reset(c.prepareStatement(
        "UPDATE dispatch_jobs SET state = 'failed', lease_until = NULL, claimed_by = NULL, "
        "last_error = ?, updated_at = ?" +
        mine));
  }
  if (u.fate != JobFate::Delivered) {
    ps->setString(n++, valid_utf8(u.error, 1000));
    ps->setString(n++, sql_time(now_us));
  }
  ps->setInt64(n++, job.id);
  ps->setInt(n++, job.attempt);
  ps->setString(n, owner);
  ps->executeUpdate();
}

}  // namespace

std::vector<size_t> select_claimable(const std::vector<std::string>& targets,
                                     const ClaimRequest& request) {
  std::map<std::string, int> busy = request.in_flight;
  std::vector<size_t> out;
  for (size_t i = 0; i < targets.size() && static_cast<int>(out.size()) < request.limit; ++i) {
    int& n = busy[targets[i]];
    if (n < request.per_target_max) {
      ++n;
      out.push_back(i);
    }
  }
  return out;
}

std::string new_delivery_id(bool platform) {
  return (platform ? "pwd_" : "whr_") + crypto::random_alnum(16, false);
}

Result<int> MysqlDispatchStore::fan_out(int limit, int64_t now_us, const JobPlanner& plan) {
  int handled = 0;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    read_committed(c);
    std::vector<OutboxEvent> events = claim_events(c, limit);
    if (events.empty()) {
      return {};
    }
    std::vector<Subscription> platform_hooks = platform_subscriptions(c);
    std::map<std::string, std::vector<Subscription>> tenant_hooks;
    for (const OutboxEvent& e : events) {
      if (tenant_hooks.count(e.tenant_id) == 0) {
        tenant_hooks[e.tenant_id] = tenant_subscriptions(c, e.tenant_id);
      }
      std::vector<std::string> tenant;
      std::vector<std::string> platform;
      subscribers(e, tenant_hooks[e.tenant_id], platform_hooks, &tenant, &platform);
      auto jobs = plan(e, tenant, platform);
      if (!jobs) {
        return Error{jobs.error().kind, "event " + e.uuid + ": " + jobs.error().message, {}};
      }
      for (const JobSpec& j : *jobs) {
        insert_job(c, e, j, now_us);
      }
      mark_dispatched(c, e.id, now_us);
    }
    handled = static_cast<int>(events.size());
    return {};
  });
  if (!st) {
    return st.error();
  }
  return handled;
}

Result<std::vector<Job>> MysqlDispatchStore::claim(const ClaimRequest& r) {
  std::vector<Job> claimed;
  if (r.limit <= 0 || (!r.webhooks && r.sinks.empty())) {
    return claimed;
  }
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    read_committed(c);
    std::vector<std::string> params;
    std::string where = claim_where(r, &params);
    Stmt ps(c.prepareStatement(
        "SELECT id, attempt, target, event, event_uuid, tenant_id, body, signature, kid, "
        "occurred_at FROM dispatch_jobs WHERE state = 'pending' AND due_at <= ? AND " +
        where + " ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED"));
    int n = 1;
    ps->setString(n++, sql_time(r.now_us));
    for (const std::string& p : params) {
      ps->setString(n++, p);
    }
    ps->setInt(n, r.limit * 4);  // room to skip the jobs of busy targets
    Rows rs(ps->executeQuery());
    std::vector<Job> candidates;
    std::vector<std::string> targets;
    while (rs->next()) {
      candidates.push_back(read_job(*rs));
      targets.push_back(candidates.back().target);
    }
    Stmt lease(c.prepareStatement(
        "UPDATE dispatch_jobs SET due_at = ?, lease_until = ?, claimed_by = ?, updated_at = ? "
        "WHERE id = ?"));
    for (size_t i : select_claimable(targets, r)) {
      lease->setString(1, sql_time(r.lease_until_us));
      lease->setString(2, sql_time(r.lease_until_us));
      lease->setString(3, r.owner);
      lease->setString(4, sql_time(r.now_us));
      lease->setInt64(5, candidates[i].id);
      lease->executeUpdate();
      claimed.push_back(std::move(candidates[i]));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return claimed;
}

Result<std::optional<WebhookEndpoint>> MysqlDispatchStore::endpoint(const Target& target) {
  std::optional<WebhookEndpoint> out;
  if (!target.is_webhook()) {
    return out;
  }
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        std::string("SELECT id, name, url, enabled FROM ") +
        (target.kind == Target::Kind::Tenant ? "webhooks" : "platform_webhooks") +
        " WHERE id = ?"));
    ps->setString(1, target.id);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      out = WebhookEndpoint{col(*rs, "id"), col(*rs, "name"), col(*rs, "url"),
                            rs->getBoolean("enabled")};
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Status MysqlDispatchStore::finish(const Job& job, const std::string& owner, const JobUpdate& u,
                                  const AttemptRecord* record, int64_t now_us) {
  return db_.run_tx([&](sql::Connection& c) -> Status {
    if (record != nullptr) {
      insert_attempt(c, *record);
    }
    update_job(c, job, owner, u, now_us);
    return {};
  });
}

Status MysqlDispatchStore::record(const AttemptRecord& r) {
  return db_.run([&](sql::Connection& c) -> Status {
    insert_attempt(c, r);
    return {};
  });
}

Status MysqlDispatchStore::release(const std::vector<Job>& jobs, const std::string& owner,
                                   int64_t now_us) {
  if (jobs.empty()) {
    return {};
  }
  return db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "UPDATE dispatch_jobs SET due_at = ?, lease_until = NULL, claimed_by = NULL "
        "WHERE id = ? AND attempt = ? AND claimed_by = ?"));
    for (const Job& j : jobs) {
      ps->setString(1, sql_time(now_us));
      ps->setInt64(2, j.id);
      ps->setInt(3, j.attempt);
      ps->setString(4, owner);
      ps->executeUpdate();
    }
    return {};
  });
}

Result<int> MysqlDispatchStore::reclaim_own_leases(const std::string& owner, int64_t now_us) {
  int n = 0;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "UPDATE dispatch_jobs SET due_at = ?, lease_until = NULL, claimed_by = NULL "
        "WHERE claimed_by = ? AND lease_until IS NOT NULL AND state = 'pending'"));
    ps->setString(1, sql_time(now_us));
    ps->setString(2, owner);
    n = ps->executeUpdate();
    return {};
  });
  if (!st) {
    return st.error();
  }
  return n;
}

Result<int64_t> MysqlDispatchStore::purge_before(int64_t before_us, int batch) {
  static const char* const kStatements[] = {
      "DELETE FROM webhook_deliveries WHERE attempted_at < ? ORDER BY attempted_at LIMIT ?",
      "DELETE FROM platform_webhook_deliveries WHERE attempted_at < ? ORDER BY attempted_at "
      "LIMIT ?",
      "DELETE FROM dispatch_jobs WHERE state = 'failed' AND updated_at < ? LIMIT ?",
      // Outbox rows are needed until fanned out (jobs carry their own body); dispatched
      // ones go with the attempt records.
      "DELETE FROM events WHERE dispatch_state = 'dispatched' AND dispatched_at < ? LIMIT ?"};
  int64_t total = 0;
  for (const char* text : kStatements) {
    for (int n = batch; n == batch;) {
      Status st = db_.run([&](sql::Connection& c) -> Status {
        Stmt ps(c.prepareStatement(text));
        ps->setString(1, sql_time(before_us));
        ps->setInt(2, batch);
        n = ps->executeUpdate();
        return {};
      });
      if (!st) {
        return st.error();
      }
      total += n;
    }
  }
  return total;
}

}  // namespace ark::events
