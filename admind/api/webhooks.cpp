// Tenant webhook endpoints 33-41 (api.md §4.9) and platform webhook endpoints 50-58
// (§4.12). The two differ in ids (numeric + uuid vs pwh_), `allEvents` (tenant only), who
// may call (platform: organisation keys only) and a few field names; one set of handlers
// serves both, parameterised by the scope.
//
// URLs are checked when saved (admind/webhooks/url_policy.h). `test` and `replay` send now
// through the webhook transport (events::WebhookSender: signed at send time, the
// dispatcher's timeout, never retried), record the attempt in the deliveries list, and
// answer with what the endpoint said; without a transport they answer 503.
#include "admind/api/resource_common.h"
#include "admind/api/resource_json.h"
#include "admind/events/envelope.h"
#include "core/crypto/crypto.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;
using store::WebhookScope;

constexpr WebhookScope kTenant = WebhookScope::Tenant;
constexpr WebhookScope kPlatform = WebhookScope::Platform;

// Who may call, and on which tenant: tenant routes pass the gate, platform routes need an
// organisation key. Returns the tenant id ("" for the platform).
std::variant<std::string, ApiError> scope_gate(Services& s, Request& req, WebhookScope scope,
                                               Gate gate) {
  if (scope == kPlatform) {
    if (auto e = org_only(req, "platform webhooks")) {
      return *e;
    }
    return std::string();
  }
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, gate)) {
    return *e;
  }
  return tenant;
}

// Reads the body fields of create (all_required) or update into a patch.
std::variant<store::WebhookPatch, ApiError> read_webhook(ResourceServices& r, Request& req,
                                                         WebhookScope scope, bool creating) {
  http::BodyReader body(req.body);
  store::WebhookPatch p;
  p.name = body.string("name", creating, 1, 255);
  p.url = body.string("url", creating, 1, 2048);
  p.events = read_events(body, scope == kTenant ? 1 : 0);
  if (scope == kTenant) {
    p.all_events = body.boolean("allEvents", false);
  }
  if (scope == kTenant || !creating) {
    p.enabled = body.boolean("enabled", false);
  }
  if (body.error()) {
    return *body.error();
  }
  if (p.url) {
    if (auto e = check_url(r, *p.url)) {
      return *e;
    }
  }
  return p;
}

Outcome create(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  auto tenant = scope_gate(s, req, scope, Gate::Create);
  if (auto* e = std::get_if<ApiError>(&tenant)) {
    return *e;
  }
  auto patch = read_webhook(r, req, scope, true);
  if (auto* e = std::get_if<ApiError>(&patch)) {
    return *e;
  }
  auto& p = std::get<store::WebhookPatch>(patch);
  store::WebhookRow w;
  w.id = scope == kPlatform ? "pwh_" + crypto::random_alnum(16, true) : "";
  w.uuid = scope == kTenant ? new_uuid() : "";
  w.tenant_id = std::get<std::string>(tenant);
  w.name = *p.name;
  w.url = *p.url;
  w.events = p.events.value_or(std::vector<std::string>{});
  w.all_events = p.all_events.value_or(false);
  w.enabled = p.enabled.value_or(true);
  auto row = r.webhooks.create(scope, w);
  if (!row) {
    return store_error(row.error(), "tenant " + w.tenant_id);
  }
  return Reply::ok(webhook_json(*row, scope), 201);
}

// The webhook named in the path, after the gate.
std::variant<store::WebhookRow, ApiError> path_webhook(Services& s, ResourceServices& r,
                                                       Request& req, WebhookScope scope) {
  auto tenant = scope_gate(s, req, scope, Gate::Read);
  if (auto* e = std::get_if<ApiError>(&tenant)) {
    return *e;
  }
  auto row = r.webhooks.get(scope, std::get<std::string>(tenant), req.params["webhookId"]);
  if (!row) {
    return store_error(row.error(), "webhook");
  }
  return *row;
}

Outcome get(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  auto w = path_webhook(s, r, req, scope);
  if (auto* e = std::get_if<ApiError>(&w)) {
    return *e;
  }
  return Reply::ok(webhook_json(std::get<store::WebhookRow>(w), scope));
}

Outcome update(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  auto tenant = scope_gate(s, req, scope, Gate::Read);
  if (auto* e = std::get_if<ApiError>(&tenant)) {
    return *e;
  }
  auto patch = read_webhook(r, req, scope, false);
  if (auto* e = std::get_if<ApiError>(&patch)) {
    return *e;
  }
  auto row = r.webhooks.update(scope, std::get<std::string>(tenant), req.params["webhookId"],
                               std::get<store::WebhookPatch>(patch));
  if (!row) {
    return store_error(row.error(), "webhook");
  }
  return Reply::ok(webhook_json(*row, scope));
}

Outcome list(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  auto tenant = scope_gate(s, req, scope, Gate::Read);
  if (auto* e = std::get_if<ApiError>(&tenant)) {
    return *e;
  }
  auto rows = r.webhooks.list(scope, std::get<std::string>(tenant));
  if (!rows) {
    return store_error(rows.error(), "tenant");
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& w : *rows) {
    items->add(webhook_summary_json(w, scope));
  }
  if (scope == kPlatform) {
    return Reply::ok(items);  // data is the array itself (api.md §4.12 #53)
  }
  auto data = http::new_object();
  data->set("webhooks", items);
  return Reply::ok(data);
}

Outcome remove(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  auto tenant = scope_gate(s, req, scope, Gate::Read);
  if (auto* e = std::get_if<ApiError>(&tenant)) {
    return *e;
  }
  base::Status st =
      r.webhooks.remove(scope, std::get<std::string>(tenant), req.params["webhookId"]);
  if (!st) {
    return store_error(st.error(), "webhook");
  }
  auto d = http::new_object();
  d->set("message", std::string("Webhook deleted"));
  return Reply::ok(d);
}

Outcome list_deliveries(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  std::string tenant;
  std::string webhook_id;
  if (scope == kTenant) {
    auto w = path_webhook(s, r, req, scope);
    if (auto* e = std::get_if<ApiError>(&w)) {
      return *e;
    }
    tenant = std::get<store::WebhookRow>(w).tenant_id;
    webhook_id = std::get<store::WebhookRow>(w).id;
  } else if (auto e = org_only(req, "platform webhooks")) {
    return *e;
  }
  auto paging = parse_paging(req, scope == kPlatform);  // page=0 allowed on the platform list
  if (auto* e = std::get_if<ApiError>(&paging)) {
    return *e;
  }
  auto filter = delivery_filter(req);
  if (auto* e = std::get_if<ApiError>(&filter)) {
    return *e;
  }
  auto& f = std::get<store::DeliveryFilter>(filter);
  if (scope == kPlatform) {
    for (const char* name : {"webhookId", "tenantId"}) {
      if (auto it = req.query.find(name); it != req.query.end()) {
        (std::string(name) == "webhookId" ? f.webhook_id : f.tenant_id) = it->second;
      }
    }
  }
  auto page = std::get<http::Page>(paging);
  auto rows =
      r.deliveries.list(scope, tenant, webhook_id, f, page.page, page.per_page, &page.total);
  if (!rows) {
    return store_error(rows.error(), "webhook");
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& d : *rows) {
    items->add(delivery_summary_json(d, scope));
  }
  return Reply::paged(items, page);
}

// The delivery named in the path (tenant: of the path's webhook) and its webhook.
std::variant<std::pair<store::DeliveryRow, store::WebhookRow>, ApiError> path_delivery(
    Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  store::WebhookRow w;
  if (scope == kTenant) {
    auto pw = path_webhook(s, r, req, scope);
    if (auto* e = std::get_if<ApiError>(&pw)) {
      return *e;
    }
    w = std::get<store::WebhookRow>(pw);
  } else if (auto e = org_only(req, "platform webhooks")) {
    return *e;
  }
  auto d = r.deliveries.get(scope, w.tenant_id, w.id, req.params["deliveryId"]);
  if (!d) {
    return store_error(d.error(), "delivery");
  }
  if (scope == kPlatform) {
    auto pw = r.webhooks.get(scope, "", d->webhook_id);
    if (!pw) {
      return store_error(pw.error(), "webhook");
    }
    w = *pw;
  }
  return std::make_pair(*d, w);
}

Outcome get_delivery(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  auto found = path_delivery(s, r, req, scope);
  if (auto* e = std::get_if<ApiError>(&found)) {
    return *e;
  }
  return Reply::ok(delivery_detail_json(std::get<0>(found).first, scope));
}

std::optional<ApiError> no_sender(const Services& s) {
  if (s.webhook_sender != nullptr) {
    return std::nullopt;
  }
  return ApiError::unavailable("this server has no webhook transport (plugins.webhook)");
}

Poco::Dynamic::Var status_code(const events::DirectResult& r) {
  return r.status_code ? Poco::Dynamic::Var(*r.status_code) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var opt_text(const std::optional<std::string>& text) {
  return text ? Poco::Dynamic::Var(*text) : Poco::Dynamic::Var();
}

// Re-signs the original body with a new envelope timestamp and sends it now; never
// re-queued on failure (behaviour.md §3.7).
Outcome replay(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  auto found = path_delivery(s, r, req, scope);
  if (auto* e = std::get_if<ApiError>(&found)) {
    return *e;
  }
  const auto& [original, webhook] = std::get<0>(found);
  if (!webhook.enabled) {
    return ApiError::unprocessable("unprocessable_entity",
                                   "the webhook is disabled; enable it to replay deliveries");
  }
  if (auto e = no_sender(s)) {
    return *e;
  }
  events::DirectDelivery d{scope == kPlatform,   webhook.id,     original.tenant_id,  "replay",
                           original.id,          original.event, original.event_uuid, webhook.url,
                           original.payload_json};
  if (auto body = events::replace_timestamp(original.payload_json, s.clock.now_us())) {
    d.body = *body;
  }
  auto sent = s.webhook_sender->send_now(d);
  if (!sent) {
    return store_error(sent.error(), "delivery");
  }
  auto out = http::new_object();
  out->set("success", sent->success);
  out->set("originalDeliveryId", original.id);
  out->set("newDeliveryId", sent->delivery_id);
  out->set("statusCode", status_code(*sent));
  out->set("duration", sent->duration_ms);
  out->set("timestamp", base::format_iso8601(sent->attempted_us));
  return Reply::ok(out);
}

// Sends a signed sample event of the requested type now and reports what the endpoint said.
Outcome test(Services& s, ResourceServices& r, Request& req, WebhookScope scope) {
  auto w = path_webhook(s, r, req, scope);
  if (auto* e = std::get_if<ApiError>(&w)) {
    return *e;
  }
  http::BodyReader body(req.body);
  auto event = body.one_of("event", true, event_types());
  if (body.error()) {
    return *body.error();
  }
  if (auto e = no_sender(s)) {
    return *e;
  }
  const auto& hook = std::get<store::WebhookRow>(w);
  store::DeliveryRow row = test_delivery(hook, scope, *event, s.clock.now_us());
  events::DirectDelivery d{scope == kPlatform, hook.id, row.tenant_id,  "test",
                           std::nullopt,       *event,  row.event_uuid, hook.url,
                           row.payload_json};
  auto sent = s.webhook_sender->send_now(d);
  if (!sent) {
    return store_error(sent.error(), "webhook");
  }
  auto out = http::new_object();
  if (scope == kTenant) {
    out->set("event", *event);
  }
  out->set("success", sent->success);
  out->set("statusCode", status_code(*sent));
  out->set(scope == kTenant ? "duration" : "durationMs", sent->duration_ms);
  if (scope == kTenant) {
    out->set("body",
             sent->status_code ? Poco::Dynamic::Var(sent->response_excerpt) : Poco::Dynamic::Var());
  }
  out->set("error", opt_text(sent->error));
  out->set("deliveryId", sent->delivery_id);
  return Reply::ok(out);
}

using ScopedHandler = Outcome (*)(Services&, ResourceServices&, Request&, WebhookScope);

void add(http::Router& router, Services& s, ResourceServices& r, const std::string& method,
         const std::string& path, const std::string& name, ScopedHandler fn, WebhookScope scope) {
  router.add(method, path, name, [&s, &r, fn, scope](Request& q) { return fn(s, r, q, scope); });
}

}  // namespace

void add_webhook_routes(http::Router& router, Services& s, ResourceServices& r) {
  const std::string b = "/v1/tenants/{tenantId}/webhooks";
  const std::string one = b + "/{webhookId}";
  const std::string n = "tenants.webhooks.";
  add(router, s, r, "POST", b, n + "create", create, kTenant);
  add(router, s, r, "GET", one, n + "get", get, kTenant);
  add(router, s, r, "PATCH", one, n + "update", update, kTenant);
  add(router, s, r, "GET", b, n + "list", list, kTenant);
  add(router, s, r, "DELETE", one, n + "delete", remove, kTenant);
  add(router, s, r, "GET", one + "/deliveries", n + "list_deliveries", list_deliveries, kTenant);
  add(router, s, r, "POST", one + "/deliveries/{deliveryId}/replay", n + "replay_delivery", replay,
      kTenant);
  add(router, s, r, "GET", one + "/deliveries/{deliveryId}", n + "get_delivery", get_delivery,
      kTenant);
  add(router, s, r, "POST", one + "/test", n + "test", test, kTenant);
}

void add_platform_webhook_routes(http::Router& router, Services& s, ResourceServices& r) {
  const std::string b = "/v1/platform/webhooks";
  const std::string n = "platform.webhooks.";
  add(router, s, r, "POST", b, n + "create", create, kPlatform);
  add(router, s, r, "GET", b + "/{webhookId}", n + "get", get, kPlatform);
  add(router, s, r, "PATCH", b + "/{webhookId}", n + "update", update, kPlatform);
  add(router, s, r, "GET", b, n + "list", list, kPlatform);
  add(router, s, r, "DELETE", b + "/{webhookId}", n + "delete", remove, kPlatform);
  add(router, s, r, "GET", b + "/deliveries", n + "list_deliveries", list_deliveries, kPlatform);
  add(router, s, r, "POST", b + "/deliveries/{deliveryId}/replay", n + "replay_delivery", replay,
      kPlatform);
  add(router, s, r, "GET", b + "/deliveries/{deliveryId}", n + "get_delivery", get_delivery,
      kPlatform);
  add(router, s, r, "POST", b + "/{webhookId}/test", n + "test", test, kPlatform);
}

}  // namespace ark::admind::api
