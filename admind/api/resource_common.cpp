#include "admind/api/resource_common.h"

#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include "core/crypto/crypto.h"

namespace ark::admind::api {

using http::ApiError;
using http::Request;

std::optional<ApiError> tenant_gate(Services& s, const Request& req, const std::string& tenant_id,
                                    Gate gate) {
  if (!req.principal.may_access(tenant_id)) {
    return ApiError::permission_denied("this key is scoped to another tenant");
  }
  auto t = s.tenants.get(tenant_id);
  if (!t) {
    return store_error(t.error(), "tenant " + tenant_id);
  }
  if (gate == Gate::Create && t->status == "archived") {
    return ApiError{403,
                    "tenant_archived",
                    "tenant " + tenant_id + " is archived and cannot get new resources",
                    {},
                    "Set the tenant's status to active first"};
  }
  return std::nullopt;
}

std::optional<ApiError> org_only(const Request& req, const std::string& what) {
  if (!req.principal.org_level()) {
    return ApiError::permission_denied(what + " need an organisation-level API key");
  }
  return std::nullopt;
}

ApiError store_error(const base::Error& e, const std::string& what) {
  switch (e.kind) {
    case base::ErrorKind::NotFound:
      return ApiError::not_found(what);
    case base::ErrorKind::Conflict:
      return {409, "conflict", e.message, {}, {}};
    default:
      return http::api_error_from(e);
  }
}

std::optional<int64_t> parse_id(const std::string& text) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n <= 0) {
    return std::nullopt;
  }
  return n;
}

std::variant<std::optional<bool>, ApiError> query_bool(const Request& req,
                                                       const std::string& name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) {
    return std::optional<bool>();
  }
  if (it->second == "true") {
    return std::optional<bool>(true);
  }
  if (it->second == "false") {
    return std::optional<bool>(false);
  }
  return ApiError::validation(name + " must be true or false", name);
}

std::variant<std::optional<int64_t>, ApiError> query_int(const Request& req,
                                                         const std::string& name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) {
    return std::optional<int64_t>();
  }
  int64_t n = 0;
  const std::string& v = it->second;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
    return ApiError::validation(name + " must be an integer", name);
  }
  return std::optional<int64_t>(n);
}

std::variant<std::optional<std::string>, ApiError> query_enum(
    const Request& req, const std::string& name, const std::vector<std::string>& allowed) {
  auto it = req.query.find(name);
  if (it == req.query.end()) {
    return std::optional<std::string>();
  }
  if (std::find(allowed.begin(), allowed.end(), it->second) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) {
      list += (list.empty() ? "" : ", ") + a;
    }
    return ApiError::validation(name + " must be one of: " + list, name);
  }
  return std::optional<std::string>(it->second);
}

std::optional<int64_t> body_int(const Request& req, http::BodyReader& body, const std::string& key,
                                bool required) {
  if (!body.has(key)) {
    if (required) {
      body.fail(ApiError::validation(key + " is required", key));
    }
    return std::nullopt;
  }
  Poco::Dynamic::Var v = req.body->get(key);
  if (!v.isInteger() || v.isBoolean()) {
    body.fail(ApiError::validation(key + " must be an integer", key));
    return std::nullopt;
  }
  try {
    return v.convert<int64_t>();
  } catch (const Poco::Exception&) {
    body.fail(ApiError::validation(key + " is out of range", key));
    return std::nullopt;
  }
}

const std::vector<std::string>& event_types() {
  static const std::vector<std::string> kEvents = {
      "MessageSent",    "MessageDelayed",     "MessageDeliveryFailed", "MessageHeld",
      "MessageBounced", "MessageLinkClicked", "MessageLoaded",         "DomainDNSError"};
  return kEvents;
}

std::optional<std::vector<std::string>> read_events(http::BodyReader& body, size_t min_items) {
  auto events = body.string_array("events", false, min_items, 50);
  if (!events) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : *events) {
    if (std::find(event_types().begin(), event_types().end(), e) == event_types().end()) {
      body.fail(ApiError::validation("unknown event type '" + e + "'", "events",
                                     "Use MessageSent, MessageDelayed, MessageDeliveryFailed, "
                                     "MessageHeld, MessageBounced, MessageLinkClicked, "
                                     "MessageLoaded or DomainDNSError"));
      return std::nullopt;
    }
    if (std::find(out.begin(), out.end(), e) == out.end()) {
      out.push_back(e);
    }
  }
  return out;
}

std::optional<ApiError> check_url(const ResourceServices& r, const std::string& url) {
  if (auto why = webhooks::check_webhook_url(url, r.url_policy)) {
    return ApiError::validation("url: " + *why, "url");
  }
  return std::nullopt;
}

std::string new_uuid() {
  std::string b = crypto::random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
  std::string h = crypto::hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::variant<store::DeliveryFilter, ApiError> delivery_filter(const Request& req) {
  store::DeliveryFilter f;
  auto success = query_bool(req, "success");
  auto event = query_enum(req, "event", event_types());
  auto after = query_int(req, "after");
  auto before = query_int(req, "before");
  for (const ApiError* e : {std::get_if<ApiError>(&success), std::get_if<ApiError>(&event),
                            std::get_if<ApiError>(&after), std::get_if<ApiError>(&before)}) {
    if (e != nullptr) {
      return *e;
    }
  }
  f.success = std::get<0>(success);
  f.event = std::get<0>(event);
  f.after_s = std::get<0>(after);
  f.before_s = std::get<0>(before);
  return f;
}

namespace {

std::string stringify(const Poco::JSON::Object::Ptr& o) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(o, out);
  return out.str();
}

Poco::JSON::Object::Ptr sample_message(double ts) {
  auto m = http::new_object();
  m->set("id", 0);
  m->set("token", std::string("sampleToken"));
  m->set("direction", std::string("outgoing"));
  m->set("message_id", std::string("<sample@example.com>"));
  m->set("to", std::string("recipient@example.com"));
  m->set("from", std::string("sender@example.com"));
  m->set("subject", std::string("Sample webhook event"));
  m->set("timestamp", ts);
  m->set("spam_status", std::string("NotChecked"));
  m->set("tag", Poco::Dynamic::Var());
  m->set("metadata", Poco::Dynamic::Var());
  return m;
}

// The event-specific object of a sample event (behaviour.md §3.3, Appendix C.2).
Poco::JSON::Object::Ptr sample_payload(const std::string& event, double ts) {
  auto p = http::new_object();
  if (event == "MessageBounced") {
    p->set("original_message", sample_message(ts));
    p->set("bounce", sample_message(ts));
  } else if (event == "MessageLoaded" || event == "MessageLinkClicked") {
    p->set("message", sample_message(ts));
    if (event == "MessageLinkClicked") {
      p->set("url", std::string("https://example.com/"));
    }
    p->set("ip_address", std::string("192.0.2.1"));
    p->set("user_agent", std::string("Sample/1.0"));
  } else if (event == "DomainDNSError") {
    auto d = http::new_object();
    d->set("id", 0);
    d->set("uuid", std::string("00000000-0000-4000-8000-000000000000"));
    d->set("name", std::string("example.com"));
    d->set("tenant_id", Poco::Dynamic::Var());
    p->set("domain", d);
    p->set("dns_checked_at", ts);
    for (const char* rec : {"spf", "dkim", "return_path"}) {
      p->set(std::string(rec) + "_status", std::string("Missing"));
      p->set(std::string(rec) + "_error", std::string("sample: no record found"));
    }
  } else {
    static const std::map<std::string, std::string> kStatus = {
        {"MessageSent", "Sent"},
        {"MessageDelayed", "SoftFail"},
        {"MessageDeliveryFailed", "HardFail"},
        {"MessageHeld", "Held"}};
    p->set("message", sample_message(ts));
    p->set("status", kStatus.at(event));
    p->set("details", std::string("Sample event sent by the webhook test endpoint"));
    p->set("output", std::string(event == "MessageSent" ? "250 2.0.0 OK" : ""));
    p->set("sent_with_ssl", false);
    p->set("timestamp", ts);
    p->set("time", 0.0);
    if (event == "MessageDelayed" || event == "MessageDeliveryFailed") {
      p->set("classification", std::string("unclassified"));
      p->set("classification_code", 99);
      p->set("smtp_enhanced_code", Poco::Dynamic::Var());
      p->set("remote_host", Poco::Dynamic::Var());
    }
  }
  return p;
}

std::string new_delivery_id(store::WebhookScope scope) {
  return (scope == store::WebhookScope::Tenant ? "whr_" : "pwd_") + crypto::random_alnum(16, false);
}

}  // namespace

store::DeliveryRow test_delivery(const store::WebhookRow& w, store::WebhookScope scope,
                                 const std::string& event, int64_t now_us) {
  store::DeliveryRow d;
  d.id = new_delivery_id(scope);
  d.webhook_id = w.id;
  d.kind = "test";
  d.event = event;
  d.event_uuid = new_uuid();
  d.url = w.url;
  if (scope == store::WebhookScope::Tenant) {
    d.tenant_id = w.tenant_id;
  }
  double ts = static_cast<double>(now_us) / 1e6;
  auto env = http::new_object();
  env->set("event", event);
  if (scope == store::WebhookScope::Platform) {
    env->set("tenant_id", Poco::Dynamic::Var());
  }
  env->set("timestamp", ts);
  env->set("uuid", d.event_uuid);
  env->set("payload", sample_payload(event, ts));
  if (scope == store::WebhookScope::Platform) {
    env->set("_test", true);
  }
  d.payload_json = stringify(env);
  d.request_headers_json = "{\"Content-Type\":\"application/json\"}";
  return d;
}

}  // namespace ark::admind::api
