#include "admind/dns_monitor/monitor_store.h"

#include "admind/store/sql_util.h"

namespace ark::admind::dns_monitor {

using base::Error;
using base::Result;
using base::Status;
using store::Rows;
using store::sql_time;
using store::Stmt;

namespace {

constexpr const char* kSelect =
    "SELECT id, uuid, tenant_id, name, dkim_selector, dkim_public_txt, "
    "verified_at IS NOT NULL AS verified, dns_alert_state, "
    "COALESCE(dkim_ed25519_selector, '') AS ed_sel, "
    "COALESCE(dkim_ed25519_public_txt, '') AS ed_txt, "
    "dkim_ed25519_verified_at IS NOT NULL AS ed_ok, "
    "COALESCE(dkim_next_selector, '') AS next_sel, "
    "COALESCE(dkim_next_public_txt, '') AS next_txt FROM domains ";

MonitoredDomain read_row(sql::ResultSet& rs) {
  MonitoredDomain d;
  d.id = rs.getInt64("id");
  d.uuid = rs.getString("uuid");
  d.tenant_id = rs.getString("tenant_id");
  d.name = rs.getString("name");
  d.selector = rs.getString("dkim_selector");
  d.public_txt = rs.getString("dkim_public_txt");
  d.verified = rs.getInt("verified") != 0;
  if (!rs.isNull("dns_alert_state")) {
    d.alert_state = std::string(rs.getString("dns_alert_state"));
  }
  d.ed25519_selector = rs.getString("ed_sel");
  d.ed25519_public_txt = rs.getString("ed_txt");
  d.ed25519_verified = rs.getInt("ed_ok") != 0;
  d.next_selector = rs.getString("next_sel");
  d.next_public_txt = rs.getString("next_txt");
  return d;
}

void insert_event(sql::Connection& c, const OutboxEvent& e, const std::string& tenant_id,
                  int64_t now_us) {
  Stmt ps(c.prepareStatement(
      "INSERT INTO events (uuid, tenant_id, type, email_id, source_key, payload, occurred_at, "
      "created_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)"));
  ps->setString(1, e.uuid);
  ps->setString(2, tenant_id);
  ps->setString(3, e.type);
  ps->setString(4, e.source_key);
  ps->setString(5, e.payload);
  ps->setString(6, sql_time(e.occurred_us));
  ps->setString(7, sql_time(now_us));
  ps->executeUpdate();
}

}  // namespace

Result<std::vector<MonitoredDomain>> MonitorStore::due(int64_t checked_before_us, int limit) {
  std::vector<MonitoredDomain> out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        std::string(kSelect) +
        "WHERE (verified_at IS NOT NULL OR dns_alert_state IS NOT NULL "
        "OR dkim_next_selector IS NOT NULL "
        "OR (dkim_ed25519_selector IS NOT NULL AND dkim_ed25519_verified_at IS NULL)) "
        "AND (dns_checked_at IS NULL OR dns_checked_at < ?) "
        "ORDER BY dns_checked_at, id LIMIT ?"));
    ps->setString(1, sql_time(checked_before_us));
    ps->setInt(2, limit);
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      out.push_back(read_row(*rs));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<MonitoredDomain> MonitorStore::by_uuid(const std::string& uuid) {
  std::optional<MonitoredDomain> found;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(std::string(kSelect) + "WHERE uuid = ?"));
    ps->setString(1, uuid);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      found = read_row(*rs);
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  if (!found) {
    return Error::not_found("no domain with uuid " + uuid);
  }
  return *found;
}

Result<bool> MonitorStore::claim(int64_t id, int64_t checked_before_us) {
  int n = 0;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(
        c.prepareStatement("UPDATE domains SET dns_checked_at = ? "
                           "WHERE id = ? AND (dns_checked_at IS NULL OR dns_checked_at < ?)"));
    ps->setString(1, sql_time(clock_.now_us()));
    ps->setInt64(2, id);
    ps->setString(3, sql_time(checked_before_us));
    n = ps->executeUpdate();
    return {};
  });
  if (!st) {
    return st.error();
  }
  return n > 0;
}

Result<bool> MonitorStore::change_alert(int64_t id, const std::optional<std::string>& expected,
                                        const std::optional<std::string>& next,
                                        const std::optional<OutboxEvent>& event,
                                        const std::string& tenant_id) {
  bool changed = false;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    int64_t now = clock_.now_us();
    Stmt ps(
        c.prepareStatement("UPDATE domains SET dns_alert_state = ?, dns_alert_at = ? "
                           "WHERE id = ? AND dns_alert_state <=> ?"));
    store::bind_opt(*ps, 1, next);
    ps->setString(2, sql_time(now));
    ps->setInt64(3, id);
    store::bind_opt(*ps, 4, expected);
    changed = ps->executeUpdate() > 0;
    if (changed && event) {
      insert_event(c, *event, tenant_id, now);
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return changed;
}

Status MonitorStore::set_ed25519_verified(int64_t id, bool verified) {
  return db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(
        c.prepareStatement("UPDATE domains SET dkim_ed25519_verified_at = "
                           "IF(?, COALESCE(dkim_ed25519_verified_at, ?), NULL) WHERE id = ?"));
    ps->setInt(1, verified ? 1 : 0);
    ps->setString(2, sql_time(clock_.now_us()));
    ps->setInt64(3, id);
    ps->executeUpdate();
    return {};
  });
}

Result<bool> MonitorStore::promote_next_key(int64_t id, const std::string& selector) {
  int n = 0;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    std::string now = sql_time(clock_.now_us());
    // MariaDB (without SIMULTANEOUS_ASSIGNMENT) assigns left to right and later
    // expressions see earlier assignments: every column is read before it is overwritten
    // in this order, which is also correct under simultaneous assignment.
    Stmt ps(c.prepareStatement(
        "UPDATE domains SET dkim_previous_selector = dkim_selector, "
        "dkim_selector = dkim_next_selector, dkim_private_sealed = dkim_next_private_sealed, "
        "dkim_public_txt = dkim_next_public_txt, dkim_status = 'OK', "
        "dkim_next_selector = NULL, dkim_next_private_sealed = NULL, "
        "dkim_next_public_txt = NULL, dkim_next_created_at = NULL, dkim_rotated_at = ?, "
        "updated_at = ? WHERE id = ? AND dkim_next_selector = ?"));
    ps->setString(1, now);
    ps->setString(2, now);
    ps->setInt64(3, id);
    ps->setString(4, selector);
    n = ps->executeUpdate();
    return {};
  });
  if (!st) {
    return st.error();
  }
  return n > 0;
}

Status MonitorStore::set_next_key(int64_t id, const NewKey& key) {
  return db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "UPDATE domains SET dkim_next_selector = ?, dkim_next_private_sealed = ?, "
        "dkim_next_public_txt = ?, dkim_next_created_at = ? WHERE id = ?"));
    ps->setString(1, key.selector);
    ps->setString(2, key.private_sealed);
    ps->setString(3, key.public_txt);
    ps->setString(4, sql_time(clock_.now_us()));
    ps->setInt64(5, id);
    if (ps->executeUpdate() == 0) {
      return Error::not_found("no such domain");
    }
    return {};
  });
}

Status MonitorStore::set_ed25519_key(int64_t id, const NewKey& key) {
  return db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "UPDATE domains SET dkim_ed25519_selector = ?, dkim_ed25519_private_sealed = ?, "
        "dkim_ed25519_public_txt = ?, dkim_ed25519_verified_at = NULL WHERE id = ?"));
    ps->setString(1, key.selector);
    ps->setString(2, key.private_sealed);
    ps->setString(3, key.public_txt);
    ps->setInt64(4, id);
    if (ps->executeUpdate() == 0) {
      return Error::not_found("no such domain");
    }
    return {};
  });
}

}  // namespace ark::admind::dns_monitor
