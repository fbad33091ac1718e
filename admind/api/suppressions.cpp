// Suppression endpoints 29-32 (api.md §4.8). The address in the path arrives raw or
// percent-encoded (the router decodes; '+' stays a plus). Adding an address that is already
// listed is idempotent: the existing entry is returned (200, its reason replaced when one
// is given); a new entry answers 201.
#include "admind/api/resource_common.h"
#include "admind/api/resource_json.h"
#include "core/mail/address.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

Outcome create(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  http::BodyReader body(req.body);
  auto address = body.string("address", true, 1, 320);
  auto reason = body.string("reason", false, 0, 255);
  if (body.error()) {
    return *body.error();
  }
  if (!mail::valid_address(*address)) {
    return ApiError::invalid_email("invalid email address '" + *address + "'", "address");
  }
  bool created = false;
  auto row = r.suppressions.add(tenant, mail::lower_domain(*address), reason, &created);
  if (!row) {
    return store_error(row.error(), "tenant " + tenant);
  }
  return Reply::ok(suppression_json(*row), created ? 201 : 200);
}

// The gate and the path address, checked.
std::variant<std::string, ApiError> path_address(Services& s, Request& req) {
  if (auto e = tenant_gate(s, req, req.params["tenantId"], Gate::Read)) {
    return *e;
  }
  const std::string& address = req.params["email"];
  if (!mail::valid_address(address)) {
    return ApiError::invalid_email("invalid email address '" + address + "'", "email");
  }
  return address;
}

Outcome get(Services& s, ResourceServices& r, Request& req) {
  auto address = path_address(s, req);
  if (auto* e = std::get_if<ApiError>(&address)) {
    return *e;
  }
  const std::string& addr = std::get<std::string>(address);
  auto row = r.suppressions.find(req.params["tenantId"], mail::lower_domain(addr));
  if (!row) {
    return store_error(row.error(), "tenant");
  }
  auto d = http::new_object();
  d->set("address", addr);
  d->set("suppressed", row->has_value());
  d->set("createdAt", *row ? opt_time((*row)->created_us) : Poco::Dynamic::Var());
  d->set("reason", *row ? opt_string((*row)->reason) : Poco::Dynamic::Var());
  return Reply::ok(d);
}

Outcome list(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  auto paging = parse_paging(req, true);  // page=0 means 1 here (api.md §2.5)
  if (auto* e = std::get_if<ApiError>(&paging)) {
    return *e;
  }
  auto page = std::get<http::Page>(paging);
  auto rows = r.suppressions.list(tenant, page.page, page.per_page, &page.total);
  if (!rows) {
    return store_error(rows.error(), "tenant " + tenant);
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& row : *rows) {
    items->add(suppression_json(row));
  }
  return Reply::paged(items, page);
}

Outcome remove(Services& s, ResourceServices& r, Request& req) {
  auto address = path_address(s, req);
  if (auto* e = std::get_if<ApiError>(&address)) {
    return *e;
  }
  const std::string& addr = std::get<std::string>(address);
  base::Status st = r.suppressions.remove(req.params["tenantId"], mail::lower_domain(addr));
  if (!st) {
    return store_error(st.error(), "suppression for " + addr);
  }
  auto d = http::new_object();
  d->set("message", "Suppression for " + addr + " removed");
  return Reply::ok(d);
}

}  // namespace

void add_suppression_routes(http::Router& router, Services& s, ResourceServices& r) {
  const std::string base = "/v1/tenants/{tenantId}/suppressions";
  router.add("POST", base, "tenants.suppressions.create",
             [&s, &r](Request& q) { return create(s, r, q); });
  router.add("GET", base + "/{email}", "tenants.suppressions.get",
             [&s, &r](Request& q) { return get(s, r, q); });
  router.add("GET", base, "tenants.suppressions.list",
             [&s, &r](Request& q) { return list(s, r, q); });
  router.add("DELETE", base + "/{email}", "tenants.suppressions.delete",
             [&s, &r](Request& q) { return remove(s, r, q); });
}

}  // namespace ark::admind::api
