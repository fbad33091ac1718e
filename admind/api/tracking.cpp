// Track-domain endpoints 42-47 (api.md §4.10, behaviour.md §8). A track domain is
// `<name>.<sending domain>` and needs a CNAME to the configured tracking host; verify looks
// the CNAME up through the configured resolver and stores ok / missing / invalid. A failed
// lookup keeps the last status and reports the failure in dnsError.
#include <sstream>

#include "admind/api/resource_common.h"
#include "admind/api/resource_json.h"
#include "core/dns/zone.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

// "a.com, B.org" -> "a.com,b.org"; each entry must be a host name.
std::variant<std::string, ApiError> normalize_excluded(const std::string& text) {
  std::string out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t");
    size_t e = item.find_last_not_of(" \t");
    if (b == std::string::npos) {
      continue;
    }
    auto host = dns::normalize_domain(item.substr(b, e - b + 1));
    if (!host) {
      return ApiError::validation("excludedClickDomains: '" + item + "': " + host.error().message,
                                  "excludedClickDomains");
    }
    out += (out.empty() ? "" : ",") + *host;
  }
  return out;
}

Outcome create(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Create)) {
    return *e;
  }
  http::BodyReader body(req.body);
  auto domain_id = body_int(req, body, "domainId", true);
  auto name = body.string("name", true, 1, 63);
  store::TrackRow row;
  row.ssl_enabled = body.boolean("sslEnabled", false).value_or(true);
  row.track_clicks = body.boolean("trackClicks", false).value_or(true);
  row.track_opens = body.boolean("trackOpens", false).value_or(true);
  if (body.error()) {
    return *body.error();
  }
  std::string label = *name;
  for (auto& c : label) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  auto probe = dns::normalize_domain(label + ".example");
  if (!probe || label.find('.') != std::string::npos) {
    return ApiError::validation("name must be one DNS label, e.g. track", "name");
  }
  row.tenant_id = tenant;
  row.domain_id = *domain_id;
  row.name = label;
  auto created = r.tracking.create(row);
  if (!created) {
    if (created.error().kind == base::ErrorKind::Conflict) {
      return ApiError{
          409, "conflict", "the domain already has a track domain named " + label, "name", {}};
    }
    return store_error(created.error(), "domain " + std::to_string(*domain_id));
  }
  return Reply::ok(track_json(*created, r.track_cname_target), 201);
}

Outcome get(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  auto row = r.tracking.get(tenant, req.params["trackingId"]);
  if (!row) {
    return store_error(row.error(), "track domain");
  }
  return Reply::ok(track_json(*row, r.track_cname_target));
}

Outcome update(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  http::BodyReader body(req.body);
  store::TrackPatch p;
  auto excluded = body.string("excludedClickDomains", false, 0, 2000);
  p.ssl_enabled = body.boolean("sslEnabled", false);
  p.track_clicks = body.boolean("trackClicks", false);
  p.track_opens = body.boolean("trackOpens", false);
  if (body.error()) {
    return *body.error();
  }
  if (excluded) {
    auto norm = normalize_excluded(*excluded);
    if (auto* e = std::get_if<ApiError>(&norm)) {
      return *e;
    }
    p.excluded_click_domains = std::get<std::string>(norm);
  }
  auto row = r.tracking.update(tenant, req.params["trackingId"], p);
  if (!row) {
    return store_error(row.error(), "track domain");
  }
  return Reply::ok(track_json(*row, r.track_cname_target));
}

Outcome list(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  auto rows = r.tracking.list(tenant);
  if (!rows) {
    return store_error(rows.error(), "tenant " + tenant);
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& t : *rows) {
    items->add(track_json(t, r.track_cname_target));
  }
  auto data = http::new_object();
  data->set("trackDomains", items);
  return Reply::ok(data);
}

Outcome remove(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  base::Status st = r.tracking.remove(tenant, req.params["trackingId"]);
  if (!st) {
    return store_error(st.error(), "track domain");
  }
  auto d = http::new_object();
  d->set("message", std::string("Track domain deleted"));
  return Reply::ok(d);
}

// One CNAME lookup: status ok/missing/invalid (nullopt when the lookup failed) and error.
std::pair<std::optional<std::string>, std::optional<std::string>> check_cname(
    const dns::Resolver& resolver, const std::string& host, const std::string& target) {
  dns::CnameAnswer a = resolver.cname(host);
  if (a.status == dns::LookupStatus::Ok) {
    if (dns::normalize_name(a.values.front()) == dns::normalize_name(target)) {
      return {"ok", std::nullopt};
    }
    return {"invalid", host + " is a CNAME for " + a.values.front() + ", expected " + target};
  }
  if (dns::is_absent(a.status)) {
    return {"missing", "no CNAME record at " + host};
  }
  return {std::nullopt, std::string("DNS lookup failed (") + dns::to_string(a.status) +
                            (a.detail.empty() ? "" : ": " + a.detail) + "); status unchanged"};
}

Outcome verify(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  auto row = r.tracking.get(tenant, req.params["trackingId"]);
  if (!row) {
    return store_error(row.error(), "track domain");
  }
  auto [status, error] = check_cname(r.resolver, row->full_name, r.track_cname_target);
  auto saved = r.tracking.save_check(tenant, row->id, status, error);
  if (!saved) {
    return store_error(saved.error(), "track domain");
  }
  return Reply::ok(track_verify_json(*saved, r.track_cname_target));
}

}  // namespace

void add_tracking_routes(http::Router& router, Services& s, ResourceServices& r) {
  const std::string base = "/v1/tenants/{tenantId}/tracking";
  router.add("POST", base, "tenants.tracking.create",
             [&s, &r](Request& q) { return create(s, r, q); });
  router.add("GET", base + "/{trackingId}", "tenants.tracking.get",
             [&s, &r](Request& q) { return get(s, r, q); });
  router.add("PATCH", base + "/{trackingId}", "tenants.tracking.update",
             [&s, &r](Request& q) { return update(s, r, q); });
  router.add("GET", base, "tenants.tracking.list", [&s, &r](Request& q) { return list(s, r, q); });
  router.add("DELETE", base + "/{trackingId}", "tenants.tracking.delete",
             [&s, &r](Request& q) { return remove(s, r, q); });
  router.add("POST", base + "/{trackingId}/verify", "tenants.tracking.verify",
             [&s, &r](Request& q) { return verify(s, r, q); });
}

void add_resource_routes(http::Router& router, Services& s, ResourceServices& r) {
  add_credential_routes(router, s, r);
  add_domain_routes(router, s, r);
  add_suppression_routes(router, s, r);
  add_webhook_routes(router, s, r);
  add_tracking_routes(router, s, r);
  add_platform_webhook_routes(router, s, r);
}

}  // namespace ark::admind::api
