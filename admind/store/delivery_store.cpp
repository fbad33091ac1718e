#include "admind/store/delivery_store.h"

#include "admind/store/sql_util.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;

namespace {

using Params = std::vector<std::optional<std::string>>;

constexpr const char* kColumns =
    "d.id, d.webhook_id, w.name AS webhook_name, d.tenant_id, d.kind, d.replay_of, d.event, "
    "d.event_uuid, "
    "d.url, d.attempt, d.status_code, d.success, d.will_retry, d.request_headers, d.payload, "
    "d.response_body, d.error, d.duration_ms, d.created_at, d.attempted_at";

std::string from_for(WebhookScope scope) {
  return scope == WebhookScope::Tenant
             ? " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
             : " FROM platform_webhook_deliveries d JOIN platform_webhooks w "
               "ON w.id = d.webhook_id ";
}

DeliveryRow read_row(sql::ResultSet& rs) {
  DeliveryRow r;
  r.id = col_string(rs, "id");
  r.webhook_id = col_string(rs, "webhook_id");
  r.webhook_name = col_string(rs, "webhook_name");
  r.tenant_id = col_opt_string(rs, "tenant_id");
  r.kind = col_string(rs, "kind");
  r.replay_of = col_opt_string(rs, "replay_of");
  r.event = col_string(rs, "event");
  r.event_uuid = col_string(rs, "event_uuid");
  r.url = col_string(rs, "url");
  r.attempt = rs.getInt("attempt");
  r.status_code = col_opt_int(rs, "status_code");
  r.success = rs.getBoolean("success");
  r.will_retry = rs.getBoolean("will_retry");
  r.request_headers_json = col_string(rs, "request_headers");
  r.payload_json = col_string(rs, "payload");
  r.response_body = col_opt_string(rs, "response_body");
  r.error = col_opt_string(rs, "error");
  r.duration_ms = col_opt_int(rs, "duration_ms");
  r.created_us = col_time_us(rs, "created_at");
  r.attempted_us = col_opt_time_us(rs, "attempted_at");
  return r;
}

// The scope restriction: tenant deliveries belong to one webhook of one tenant.
std::string scope_where(WebhookScope scope, const std::string& tenant, const std::string& webhook,
                        Params* params) {
  if (scope == WebhookScope::Platform) {
    return "WHERE 1 = 1";
  }
  params->push_back(tenant);
  params->push_back(webhook);
  return "WHERE d.tenant_id = ? AND d.webhook_id = ?";
}

std::string filter_where(const DeliveryFilter& f, Params* params) {
  auto opt_time = [](const std::optional<int64_t>& s) -> std::optional<std::string> {
    if (!s) {
      return std::nullopt;
    }
    return sql_time(*s * 1000000);
  };
  std::optional<std::string> success;
  if (f.success) {
    success = *f.success ? "1" : "0";
  }
  const std::string ts = "COALESCE(d.attempted_at, d.created_at)";
  std::string where;
  auto add = [&](const std::string& cond, const std::optional<std::string>& v) {
    where += " AND (? IS NULL OR " + cond + ")";
    params->push_back(v);
    params->push_back(v);
  };
  add("d.success = ?", success);
  add("d.event = ?", f.event);
  add(ts + " > ?", opt_time(f.after_s));
  add(ts + " < ?", opt_time(f.before_s));
  add("d.webhook_id = ?", f.webhook_id);
  add("d.tenant_id = ?", f.tenant_id);
  return where;
}

void bind_all(sql::PreparedStatement& ps, const Params& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    bind_opt(ps, static_cast<int>(i + 1), params[i]);
  }
}

}  // namespace

Result<DeliveryRow> DeliveryStore::get(WebhookScope scope, const std::string& tenant_id,
                                       const std::string& webhook_id, const std::string& id) {
  DeliveryRow row;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Params params;
    std::string where = scope_where(scope, tenant_id, webhook_id, &params);
    params.push_back(id);
    Stmt ps(c.prepareStatement(std::string("SELECT ") + kColumns + from_for(scope) + where +
                               " AND d.id = ?"));
    bind_all(*ps, params);
    Rows rs(ps->executeQuery());
    if (!rs->next()) {
      return Error::not_found("delivery not found");
    }
    row = read_row(*rs);
    return {};
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<std::vector<DeliveryRow>> DeliveryStore::list(WebhookScope scope,
                                                     const std::string& tenant_id,
                                                     const std::string& webhook_id,
                                                     const DeliveryFilter& filter, int page,
                                                     int per_page, int64_t* total) {
  std::vector<DeliveryRow> out;
  Params params;
  std::string where = scope_where(scope, tenant_id, webhook_id, &params);
  where += filter_where(filter, &params);
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt count(c.prepareStatement("SELECT COUNT(*)" + from_for(scope) + where));
    bind_all(*count, params);
    Rows crs(count->executeQuery());
    *total = crs->next() ? crs->getInt64(1) : 0;
    Stmt ps(c.prepareStatement(std::string("SELECT ") + kColumns + from_for(scope) + where +
                               " ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?"));
    bind_all(*ps, params);
    int n = static_cast<int>(params.size());
    ps->setInt(n + 1, per_page);
    ps->setInt64(n + 2, static_cast<int64_t>(page - 1) * per_page);
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

}  // namespace ark::admind::store
