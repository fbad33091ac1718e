#include "admind/store/webhook_store.h"

#include <charconv>

#include "admind/store/sql_util.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;

namespace {

constexpr const char* kTenantSelect =
    "SELECT id, uuid, tenant_id, name, url, events, all_events, enabled, created_at, updated_at "
    "FROM webhooks WHERE tenant_id = ?";
constexpr const char* kPlatformSelect =
    "SELECT id, '' AS uuid, '' AS tenant_id, name, url, events, 0 AS all_events, enabled, "
    "created_at, updated_at FROM platform_webhooks WHERE ? IS NOT NULL";

const char* select_for(WebhookScope scope) {
  return scope == WebhookScope::Tenant ? kTenantSelect : kPlatformSelect;
}

const char* table_for(WebhookScope scope) {
  return scope == WebhookScope::Tenant ? "webhooks" : "platform_webhooks";
}

// Tenant webhook ids are integers; anything else names no webhook.
bool valid_id(WebhookScope scope, const std::string& id) {
  if (scope == WebhookScope::Platform) {
    return !id.empty();
  }
  int64_t n = 0;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  return ec == std::errc() && p == id.data() + id.size() && n > 0;
}

WebhookRow read_row(sql::ResultSet& rs) {
  WebhookRow r;
  r.id = col_string(rs, "id");
  r.uuid = col_string(rs, "uuid");
  r.tenant_id = col_string(rs, "tenant_id");
  r.name = col_string(rs, "name");
  r.url = col_string(rs, "url");
  r.events = parse_name_array(col_string(rs, "events"));
  r.all_events = rs.getBoolean("all_events");
  r.enabled = rs.getBoolean("enabled");
  r.created_us = col_time_us(rs, "created_at");
  r.updated_us = col_time_us(rs, "updated_at");
  return r;
}

Status select_one(sql::Connection& c, WebhookScope scope, const std::string& tenant,
                  const std::string& id, WebhookRow* out) {
  if (!valid_id(scope, id)) {
    return Error::not_found("webhook not found");
  }
  Stmt ps(c.prepareStatement(std::string(select_for(scope)) + " AND id = ?"));
  ps->setString(1, scope == WebhookScope::Tenant ? tenant : std::string("platform"));
  ps->setString(2, id);
  Rows rs(ps->executeQuery());
  if (!rs->next()) {
    return Error::not_found("webhook not found");
  }
  *out = read_row(*rs);
  return {};
}

void insert_tenant(sql::Connection& c, const WebhookRow& w, const std::string& now) {
  Stmt ps(c.prepareStatement(
      "INSERT INTO webhooks (uuid, tenant_id, name, url, events, all_events, enabled, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ps->setString(1, w.uuid);
  ps->setString(2, w.tenant_id);
  ps->setString(3, w.name);
  ps->setString(4, w.url);
  ps->setString(5, json_name_array(w.events));
  ps->setInt(6, w.all_events ? 1 : 0);
  ps->setInt(7, w.enabled ? 1 : 0);
  ps->setString(8, now);
  ps->setString(9, now);
  ps->executeUpdate();
}

void insert_platform(sql::Connection& c, const WebhookRow& w, const std::string& now) {
  Stmt ps(c.prepareStatement(
      "INSERT INTO platform_webhooks (id, name, url, events, enabled, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  ps->setString(1, w.id);
  ps->setString(2, w.name);
  ps->setString(3, w.url);
  ps->setString(4, json_name_array(w.events));
  ps->setInt(5, w.enabled ? 1 : 0);
  ps->setString(6, now);
  ps->setString(7, now);
  ps->executeUpdate();
}

}  // namespace

Result<WebhookRow> WebhookStore::create(WebhookScope scope, WebhookRow row) {
  std::string now = sql_time(clock_.now_us());
  WebhookRow out;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    if (scope == WebhookScope::Tenant) {
      insert_tenant(c, row, now);
      row.id = std::to_string(last_insert_id(c));
    } else {
      insert_platform(c, row, now);
    }
    return select_one(c, scope, row.tenant_id, row.id, &out);
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<WebhookRow> WebhookStore::get(WebhookScope scope, const std::string& tenant_id,
                                     const std::string& id) {
  WebhookRow row;
  Status st =
      db_.run([&](sql::Connection& c) { return select_one(c, scope, tenant_id, id, &row); });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<WebhookRow> WebhookStore::update(WebhookScope scope, const std::string& tenant_id,
                                        const std::string& id, const WebhookPatch& p) {
  WebhookRow row;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    Status found = select_one(c, scope, tenant_id, id, &row);
    if (!found) {
      return found;
    }
    Stmt ps(c.prepareStatement(std::string("UPDATE ") + table_for(scope) +
                               " SET name = ?, url = ?, events = ?, enabled = ?, updated_at = ?" +
                               (scope == WebhookScope::Tenant ? ", all_events = ?" : "") +
                               " WHERE id = ?"));
    ps->setString(1, p.name.value_or(row.name));
    ps->setString(2, p.url.value_or(row.url));
    ps->setString(3, json_name_array(p.events.value_or(row.events)));
    ps->setInt(4, p.enabled.value_or(row.enabled) ? 1 : 0);
    ps->setString(5, sql_time(clock_.now_us()));
    int next = 6;
    if (scope == WebhookScope::Tenant) {
      ps->setInt(next++, p.all_events.value_or(row.all_events) ? 1 : 0);
    }
    ps->setString(next, row.id);
    ps->executeUpdate();
    return select_one(c, scope, tenant_id, id, &row);
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<std::vector<WebhookRow>> WebhookStore::list(WebhookScope scope,
                                                   const std::string& tenant_id) {
  std::vector<WebhookRow> out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(std::string(select_for(scope)) + " ORDER BY created_at, id"));
    ps->setString(1, scope == WebhookScope::Tenant ? tenant_id : std::string("platform"));
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

Status WebhookStore::remove(WebhookScope scope, const std::string& tenant_id,
                            const std::string& id) {
  return db_.run_tx([&](sql::Connection& c) -> Status {
    WebhookRow row;
    Status found = select_one(c, scope, tenant_id, id, &row);
    if (!found) {
      return found;
    }
    Stmt ps(c.prepareStatement(std::string("DELETE FROM ") + table_for(scope) + " WHERE id = ?"));
    ps->setString(1, row.id);
    ps->executeUpdate();
    return {};
  });
}

}  // namespace ark::admind::store
