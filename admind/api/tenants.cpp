// Tenants endpoints 14-18 (api.md §4.5).
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "admind/api/services.h"
#include "admind/http/json_input.h"
#include "core/base/clock.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

const std::vector<std::string> kStatuses = {"active", "suspended", "archived"};

Poco::JSON::Object::Ptr tenant_json(const store::TenantRow& t) {
  auto o = http::new_object();
  o->set("id", t.id);
  o->set("name", t.name);
  Poco::JSON::Parser parser;
  o->set("metadata", parser.parse(t.metadata_json));
  o->set("status", t.status);
  o->set("createdAt", base::format_iso8601(t.created_us));
  o->set("updatedAt", base::format_iso8601(t.updated_us));
  return o;
}

// Tenant metadata rules (api.md §2.14): <= 50 keys, key <= 40 chars, string values
// <= 500 chars, numbers and booleans allowed, null values dropped, <= 8 KB as JSON.
std::variant<std::string, ApiError> tenant_metadata(const Poco::JSON::Object::Ptr& in) {
  auto out = http::new_object();
  if (in->size() > 50) {
    return ApiError::validation("metadata may have at most 50 keys", "metadata");
  }
  for (const auto& [key, value] : *in) {
    if (key.empty() || http::utf8_length(key) > 40) {
      return ApiError::validation("metadata keys must be 1 to 40 characters", "metadata");
    }
    if (value.isEmpty()) {
      continue;
    }
    if (value.isString()) {
      if (http::utf8_length(value.convert<std::string>()) > 500) {
        return ApiError::validation("metadata string values are limited to 500 characters",
                                    "metadata");
      }
    } else if (!value.isNumeric() && !value.isBoolean()) {
      return ApiError::validation("metadata values must be strings, numbers or booleans",
                                  "metadata");
    }
    out->set(key, value);
  }
  std::ostringstream s;
  Poco::JSON::Stringifier::condense(out, s);
  if (s.str().size() > 8192) {
    return ApiError::validation("metadata is limited to 8 KB", "metadata");
  }
  return s.str();
}

// A tenant-scoped key may only see its own tenant (403 otherwise, issue #3 wording).
std::optional<ApiError> check_scope(const Request& req, const std::string& tenant) {
  if (!req.principal.may_access(tenant)) {
    return ApiError::permission_denied("this key is scoped to another tenant");
  }
  return std::nullopt;
}

Outcome create(Services& s, Request& req) {
  if (!req.principal.org_level()) {
    return ApiError::permission_denied("only organisation-level keys can create tenants");
  }
  http::BodyReader body(req.body);
  auto name = body.string("name", true, 1, 100);
  auto meta = body.object("metadata", false);
  if (body.error()) {
    return *body.error();
  }
  std::string meta_json = "{}";
  if (meta) {
    auto m = tenant_metadata(meta);
    if (auto* e = std::get_if<ApiError>(&m)) {
      return *e;
    }
    meta_json = std::get<std::string>(m);
  }
  auto t = s.tenants.create(*name, meta_json);
  if (!t) {
    return http::api_error_from(t.error());
  }
  return Reply::ok(tenant_json(*t), 201);
}

Outcome get(Services& s, Request& req) {
  const std::string& id = req.params["tenantId"];
  if (auto e = check_scope(req, id)) {
    return *e;
  }
  auto t = s.tenants.get(id);
  if (!t) {
    return http::api_error_from(t.error());
  }
  return Reply::ok(tenant_json(*t));
}

Outcome update(Services& s, Request& req) {
  const std::string& id = req.params["tenantId"];
  if (auto e = check_scope(req, id)) {
    return *e;
  }
  http::BodyReader body(req.body);
  store::TenantPatch patch;
  patch.name = body.string("name", false, 1, 100);
  patch.status = body.one_of("status", false, kStatuses);
  auto meta = body.object("metadata", false);
  if (body.error()) {
    return *body.error();
  }
  if (meta) {
    auto m = tenant_metadata(meta);
    if (auto* e = std::get_if<ApiError>(&m)) {
      return *e;
    }
    patch.metadata_json = std::get<std::string>(m);
  }
  if (!patch.name && !patch.status && !patch.metadata_json) {
    return ApiError::validation("send at least one of name, metadata, status");
  }
  auto t = s.tenants.update(id, patch);
  if (!t) {
    return http::api_error_from(t.error());
  }
  return Reply::ok(tenant_json(*t));
}

Outcome list(Services& s, Request& req) {
  auto paging = parse_paging(req, false);
  if (auto* e = std::get_if<ApiError>(&paging)) {
    return *e;
  }
  auto page = std::get<http::Page>(paging);
  std::optional<std::string> status;
  if (auto it = req.query.find("status"); it != req.query.end()) {
    if (std::find(kStatuses.begin(), kStatuses.end(), it->second) == kStatuses.end()) {
      return ApiError::validation("status must be one of active, suspended, archived", "status");
    }
    status = it->second;
  }
  std::optional<std::string> only;
  if (!req.principal.org_level()) {
    only = req.principal.tenant_id;
  }
  auto rows = s.tenants.list(status, only, page.page, page.per_page, &page.total);
  if (!rows) {
    return http::api_error_from(rows.error());
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& t : *rows) {
    items->add(tenant_json(t));
  }
  return Reply::paged(items, page);
}

Outcome remove(Services& s, Request& req) {
  const std::string& id = req.params["tenantId"];
  if (!req.principal.org_level()) {
    return ApiError::permission_denied("only organisation-level keys can delete tenants");
  }
  base::Status st = s.tenants.remove(id);
  if (!st) {
    return http::api_error_from(st.error());
  }
  auto d = http::new_object();
  d->set("deleted", true);
  return Reply::ok(d);
}

}  // namespace

void add_tenant_routes(http::Router& r, Services& s) {
  r.add("POST", "/v1/tenants", "tenants.create", [&s](Request& q) { return create(s, q); });
  r.add("GET", "/v1/tenants/{tenantId}", "tenants.get", [&s](Request& q) { return get(s, q); });
  r.add("PATCH", "/v1/tenants/{tenantId}", "tenants.update",
        [&s](Request& q) { return update(s, q); });
  r.add("GET", "/v1/tenants", "tenants.list", [&s](Request& q) { return list(s, q); });
  r.add("DELETE", "/v1/tenants/{tenantId}", "tenants.delete",
        [&s](Request& q) { return remove(s, q); });
}

}  // namespace ark::admind::api
