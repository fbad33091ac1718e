// Logs endpoints 8-9 (api.md §4.2, §3.15): the API request log, newest first, with the
// spec's filters. Organisation keys see every request; a tenant-scoped key sees the
// requests made with its tenant's keys. Rows older than retention.api_logs are gone even
// between two purge runs.
#include <Poco/JSON/Parser.h>

#include <charconv>

#include "admind/api/platform_services.h"
#include "admind/api/time_query.h"
#include "admind/reqlog/recorder.h"
#include "admind/reqlog/redact.h"
#include "core/base/log.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

Poco::Dynamic::Var opt_str(const std::optional<std::string>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

template <typename N>
Poco::Dynamic::Var opt_num(const std::optional<N>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Poco::JSON::Object::Ptr context_json(const store::RequestLogRow& r) {
  auto o = http::new_object();
  o->set("idempotencyKey", opt_str(r.idempotency_key));
  o->set("ipAddress", opt_str(r.ip_address));
  if (r.query_json) {
    o->set("queryParams", Poco::JSON::Parser().parse(*r.query_json));
  } else {
    o->set("queryParams", Poco::Dynamic::Var());
  }
  o->set("userAgent", opt_str(r.user_agent));
  return o;
}

Poco::Dynamic::Var email_json(const store::RequestLogRow& r) {
  if (r.endpoint.rfind("emails.", 0) != 0 || r.endpoint == "emails.list") {
    return {};
  }
  auto o = http::new_object();
  if (r.email_id) {
    o->set("id", *r.email_id);
  }
  o->set("recipientCount", opt_num(r.recipient_count));
  return o;
}

Poco::JSON::Object::Ptr entry_json(const store::RequestLogRow& r) {
  auto o = http::new_object();
  o->set("requestId", r.request_id);
  o->set("timestamp", base::format_iso8601(r.received_us, true));
  o->set("method", r.method);
  o->set("path", r.path);
  o->set("endpoint", r.endpoint);
  o->set("statusCode", r.status_code);
  o->set("durationMs", r.duration_ms);
  auto cred = http::new_object();
  cred->set("id", r.key_id ? std::to_string(*r.key_id) : std::string());
  cred->set("keyPrefix", opt_str(r.key_prefix));
  o->set("credential", cred);
  o->set("context", context_json(r));
  auto rate = http::new_object();
  rate->set("limit", opt_num(r.rate_limit));
  rate->set("remaining", opt_num(r.rate_remaining));
  rate->set("reset", opt_num(r.rate_reset));
  rate->set("limited", r.rate_limited);
  o->set("rateLimit", rate);
  o->set("email", email_json(r));
  if (r.error_code) {
    auto e = http::new_object();
    e->set("code", *r.error_code);
    e->set("message", opt_str(r.error_message));
    o->set("error", e);
  } else {
    o->set("error", Poco::Dynamic::Var());
  }
  if (r.sdk_name) {
    auto sdk = http::new_object();
    sdk->set("name", *r.sdk_name);
    sdk->set("version", opt_str(r.sdk_version));
    o->set("sdk", sdk);
  } else {
    o->set("sdk", Poco::Dynamic::Var());
  }
  return o;
}

Poco::JSON::Object::Ptr body_json(const PlatformServices& p, const store::RequestLogRow& r,
                                  bool response) {
  const auto& stored = response ? r.response_body : r.request_body;
  auto o = http::new_object();
  Poco::Dynamic::Var body;
  if (stored) {
    if (!r.body_sealed) {
      body = reqlog::body_value(*stored);
    } else if (p.seal_key == nullptr) {
      base::log_warn("request_log_body_sealed_no_key", {{"request", r.request_id}});
    } else {
      auto plain =
          seal::unseal(*p.seal_key, *stored, reqlog::body_seal_context(r.request_id, response));
      if (plain) {
        body = reqlog::body_value(*plain);
      } else {
        base::log_warn("request_log_unseal_failed",
                       {{"request", r.request_id}, {"reason", plain.error().message}});
      }
    }
  }
  o->set("body", body);
  o->set("bodySize", opt_num(response ? r.response_body_size : r.request_body_size));
  return o;
}

bool parse_int64(const std::string& s, int64_t* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

std::optional<ApiError> read_filter(const Request& req, store::RequestLogFilter* f) {
  auto q = [&](const char* k) -> const std::string* {
    auto it = req.query.find(k);
    return it == req.query.end() ? nullptr : &it->second;
  };
  if (const auto* v = q("status")) {
    if (*v != "success" && *v != "error") {
      return ApiError::validation("status must be success or error", "status");
    }
    f->errors_only = *v == "error";
  }
  int64_t n = 0;
  if (const auto* v = q("statusCode")) {
    if (!parse_int64(*v, &n) || n < 100 || n > 599) {
      return ApiError::validation("statusCode must be an integer from 100 to 599", "statusCode");
    }
    f->status_code = static_cast<int>(n);
  }
  if (const auto* v = q("endpoint")) {
    f->endpoint = *v;
  }
  if (const auto* v = q("credentialId")) {
    f->key_id = parse_int64(*v, &n) ? n : -1;  // an id that is not a number matches nothing
  }
  if (const auto* v = q("requestId")) {
    f->request_id_part = *v;
  }
  for (auto [name, target] : {std::pair{"startDate", &f->start_us}, {"endDate", &f->end_us}}) {
    if (const auto* v = q(name)) {
      if (!parse_rfc3339(*v, &n)) {
        return ApiError::validation(std::string(name) + " must be an RFC 3339 datetime", name,
                                    "e.g. 2024-01-15T10:00:00Z or 2024-01-15T12:00:00+02:00");
      }
      *target = n;
    }
  }
  return std::nullopt;
}

Outcome list(PlatformServices& p, Request& req) {
  auto paging = parse_paging(req, false);
  if (auto* e = std::get_if<ApiError>(&paging)) {
    return *e;
  }
  auto page = std::get<http::Page>(paging);
  store::RequestLogFilter f;
  if (auto e = read_filter(req, &f)) {
    return *e;
  }
  f.restrict_tenant = req.principal.org_level() ? "" : req.principal.tenant_id;
  f.not_before_us = p.clock.now_us() - p.settings.api_log_retention_us;
  auto rows = p.request_logs.list(f, page.page, page.per_page, &page.total);
  if (!rows) {
    return http::api_error_from(rows.error());
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& r : *rows) {
    items->add(entry_json(r));
  }
  return Reply::paged(items, page);
}

Outcome get(PlatformServices& p, Request& req) {
  std::string restrict = req.principal.org_level() ? "" : req.principal.tenant_id;
  auto row = p.request_logs.get(req.params["requestId"], restrict,
                                p.clock.now_us() - p.settings.api_log_retention_us);
  if (!row) {
    if (row.error().kind == base::ErrorKind::NotFound) {
      return ApiError::not_found("request log " + req.params["requestId"]);
    }
    return http::api_error_from(row.error());
  }
  auto o = entry_json(*row);
  o->set("request", body_json(p, *row, false));
  o->set("response", body_json(p, *row, true));
  return Reply::ok(o);
}

}  // namespace

void add_log_routes(http::Router& r, PlatformServices& p) {
  r.add("GET", "/v1/logs/{requestId}", "logs.get", [&p](Request& q) { return get(p, q); });
  r.add("GET", "/v1/logs", "logs.list", [&p](Request& q) { return list(p, q); });
}

}  // namespace ark::admind::api
