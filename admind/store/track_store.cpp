#include "admind/store/track_store.h"

#include <charconv>

#include "admind/store/sql_util.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;

namespace {

constexpr const char* kSelect =
    "SELECT k.id, k.tenant_id, k.domain_id, d.zone, k.name, k.full_name, k.ssl_enabled, "
    "k.track_clicks, k.track_opens, k.excluded_click_domains, k.dns_status, k.dns_error, "
    "k.dns_checked_at, k.created_at, k.updated_at "
    "FROM track_domains k JOIN domains d ON d.id = k.domain_id WHERE k.tenant_id = ? ";

bool parse_id(const std::string& text, int64_t* id) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *id);
  return ec == std::errc() && p == text.data() + text.size() && *id > 0;
}

TrackRow read_row(sql::ResultSet& rs) {
  TrackRow r;
  r.id = rs.getInt64("id");
  r.tenant_id = col_string(rs, "tenant_id");
  r.domain_id = rs.getInt64("domain_id");
  r.zone = col_string(rs, "zone");
  r.name = col_string(rs, "name");
  r.full_name = col_string(rs, "full_name");
  r.ssl_enabled = rs.getBoolean("ssl_enabled");
  r.track_clicks = rs.getBoolean("track_clicks");
  r.track_opens = rs.getBoolean("track_opens");
  r.excluded_click_domains = col_opt_string(rs, "excluded_click_domains");
  r.dns_status = col_opt_string(rs, "dns_status");
  r.dns_error = col_opt_string(rs, "dns_error");
  r.checked_us = col_opt_time_us(rs, "dns_checked_at");
  r.created_us = col_time_us(rs, "created_at");
  r.updated_us = col_time_us(rs, "updated_at");
  return r;
}

Status select_one(sql::Connection& c, const std::string& tenant, int64_t id, TrackRow* out) {
  Stmt ps(c.prepareStatement(std::string(kSelect) + "AND k.id = ?"));
  ps->setString(1, tenant);
  ps->setInt64(2, id);
  Rows rs(ps->executeQuery());
  if (!rs->next()) {
    return Error::not_found("track domain not found");
  }
  *out = read_row(*rs);
  return {};
}

// The parent sending domain's name, locked against a concurrent delete.
Status domain_name(sql::Connection& c, const std::string& tenant, int64_t domain_id,
                   std::string* name) {
  Stmt ps(c.prepareStatement(
      "SELECT name FROM domains WHERE tenant_id = ? AND id = ? LOCK IN SHARE MODE"));
  ps->setString(1, tenant);
  ps->setInt64(2, domain_id);
  Rows rs(ps->executeQuery());
  if (!rs->next()) {
    return Error::not_found("domain " + std::to_string(domain_id) + " not found");
  }
  *name = col_string(*rs, "name");
  return {};
}

}  // namespace

Result<TrackRow> TrackStore::create(const TrackRow& in) {
  TrackRow row;
  std::string now = sql_time(clock_.now_us());
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    std::string parent;
    Status found = domain_name(c, in.tenant_id, in.domain_id, &parent);
    if (!found) {
      return found;
    }
    if (in.name.size() + 1 + parent.size() > 253) {
      return Error::invalid("name." + parent + " would be longer than 253 characters", "name");
    }
    Stmt ps(c.prepareStatement(
        "INSERT INTO track_domains (tenant_id, domain_id, name, full_name, ssl_enabled, "
        "track_clicks, track_opens, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    ps->setString(1, in.tenant_id);
    ps->setInt64(2, in.domain_id);
    ps->setString(3, in.name);
    ps->setString(4, in.name + "." + parent);
    ps->setInt(5, in.ssl_enabled ? 1 : 0);
    ps->setInt(6, in.track_clicks ? 1 : 0);
    ps->setInt(7, in.track_opens ? 1 : 0);
    ps->setString(8, now);
    ps->setString(9, now);
    ps->executeUpdate();
    return select_one(c, in.tenant_id, last_insert_id(c), &row);
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<TrackRow> TrackStore::get(const std::string& tenant_id, const std::string& id) {
  TrackRow row;
  int64_t n = 0;
  if (!parse_id(id, &n)) {
    return Error::not_found("track domain not found");
  }
  Status st = db_.run([&](sql::Connection& c) { return select_one(c, tenant_id, n, &row); });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<TrackRow> TrackStore::update(const std::string& tenant_id, const std::string& id,
                                    const TrackPatch& p) {
  TrackRow row;
  int64_t n = 0;
  if (!parse_id(id, &n)) {
    return Error::not_found("track domain not found");
  }
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    Status found = select_one(c, tenant_id, n, &row);
    if (!found) {
      return found;
    }
    std::optional<std::string> excluded = row.excluded_click_domains;
    if (p.excluded_click_domains) {
      excluded = p.excluded_click_domains->empty() ? std::nullopt : p.excluded_click_domains;
    }
    Stmt ps(c.prepareStatement(
        "UPDATE track_domains SET excluded_click_domains = ?, ssl_enabled = ?, track_clicks = ?, "
        "track_opens = ?, updated_at = ? WHERE tenant_id = ? AND id = ?"));
    bind_opt(*ps, 1, excluded);
    ps->setInt(2, p.ssl_enabled.value_or(row.ssl_enabled) ? 1 : 0);
    ps->setInt(3, p.track_clicks.value_or(row.track_clicks) ? 1 : 0);
    ps->setInt(4, p.track_opens.value_or(row.track_opens) ? 1 : 0);
    ps->setString(5, sql_time(clock_.now_us()));
    ps->setString(6, tenant_id);
    ps->setInt64(7, n);
    ps->executeUpdate();
    return select_one(c, tenant_id, n, &row);
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<std::vector<TrackRow>> TrackStore::list(const std::string& tenant_id) {
  std::vector<TrackRow> out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(std::string(kSelect) + "ORDER BY k.created_at, k.id"));
    ps->setString(1, tenant_id);
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

Result<TrackRow> TrackStore::save_check(const std::string& tenant_id, int64_t id,
                                        const std::optional<std::string>& status,
                                        const std::optional<std::string>& error) {
  TrackRow row;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    std::string now = sql_time(clock_.now_us());
    Stmt ps(c.prepareStatement(
        "UPDATE track_domains SET dns_status = COALESCE(?, dns_status), dns_error = ?, "
        "dns_checked_at = ? WHERE tenant_id = ? AND id = ?"));
    bind_opt(*ps, 1, status);
    bind_opt(*ps, 2, error);
    ps->setString(3, now);
    ps->setString(4, tenant_id);
    ps->setInt64(5, id);
    ps->executeUpdate();
    return select_one(c, tenant_id, id, &row);
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Status TrackStore::remove(const std::string& tenant_id, const std::string& id) {
  int64_t n = 0;
  if (!parse_id(id, &n)) {
    return Error::not_found("track domain not found");
  }
  return db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("DELETE FROM track_domains WHERE tenant_id = ? AND id = ?"));
    ps->setString(1, tenant_id);
    ps->setInt64(2, n);
    if (ps->executeUpdate() == 0) {
      return Error::not_found("track domain not found");
    }
    return {};
  });
}

}  // namespace ark::admind::store
