// Sending-domain endpoints 24-28 (api.md §4.7, behaviour.md §9). Create makes an RSA-2048
// DKIM key (core/dkim_keys), seals the private key (context "dkim:<uuid>") and answers with
// the records to publish; verify looks the records up through the configured resolver
// (core/dns) and stores the per-record status. A lookup that fails (timeout, SERVFAIL)
// keeps the record's last known status rather than calling it Missing.
#include "admind/api/resource_common.h"
#include "admind/api/resource_json.h"
#include "core/crypto/crypto.h"
#include "core/dkim_keys/dkim_keys.h"
#include "core/dns/zone.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

struct DkimMaterial {
  std::string private_pem;
  std::string txt;
};

std::variant<DkimMaterial, ApiError> new_dkim_key() {
  auto pem = dkim_keys::generate_private_key_pem(dkim_keys::KeyType::Rsa);
  if (!pem) {
    return ApiError::internal("DKIM key generation failed");
  }
  auto pub = dkim_keys::public_key_from_private_pem(*pem);
  if (!pub) {
    return ApiError::internal("DKIM key generation failed");
  }
  return DkimMaterial{*pem, dkim_keys::dns_txt_value(*pub)};
}

Outcome create(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Create)) {
    return *e;
  }
  http::BodyReader body(req.body);
  auto name = body.string("name", true, 1, 253);
  if (body.error()) {
    return *body.error();
  }
  auto domain = dns::normalize_domain(*name);
  if (!domain) {
    return ApiError::validation("name: " + domain.error().message, "name");
  }
  auto zone = dns::registrable_domain(*domain);
  if (!zone) {
    return ApiError::validation("name: " + zone.error().message, "name");
  }
  auto key = new_dkim_key();
  if (auto* e = std::get_if<ApiError>(&key)) {
    return *e;
  }
  store::NewDomain n;
  n.tenant_id = tenant;
  n.uuid = new_uuid();
  n.name = *domain;
  n.zone = *zone;
  n.dkim_selector = dns::dkim_selector(r.naming, crypto::random_alnum(8, true));
  n.dkim_private_sealed =
      seal::seal(r.seal_key, std::get<DkimMaterial>(key).private_pem, "dkim:" + n.uuid);
  n.dkim_public_txt = std::get<DkimMaterial>(key).txt;
  auto row = r.domains.create(n);
  if (!row) {
    if (row.error().kind == base::ErrorKind::Conflict) {
      return ApiError{409, "conflict", "this tenant already has the domain " + *domain, "name", {}};
    }
    return store_error(row.error(), "tenant " + tenant);
  }
  return Reply::ok(domain_detail_json(*row, r.naming), 201);
}

// Shared by get, delete and verify: the gate and the numeric id.
std::variant<int64_t, ApiError> domain_id(Services& s, Request& req) {
  if (auto e = tenant_gate(s, req, req.params["tenantId"], Gate::Read)) {
    return *e;
  }
  auto id = parse_id(req.params["domainId"]);
  if (!id) {
    return ApiError::not_found("domain");
  }
  return *id;
}

Outcome get(Services& s, ResourceServices& r, Request& req) {
  auto id = domain_id(s, req);
  if (auto* e = std::get_if<ApiError>(&id)) {
    return *e;
  }
  auto row = r.domains.get(req.params["tenantId"], std::get<int64_t>(id));
  if (!row) {
    return store_error(row.error(), "domain");
  }
  return Reply::ok(domain_detail_json(*row, r.naming));
}

Outcome list(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  auto rows = r.domains.list(tenant);
  if (!rows) {
    return store_error(rows.error(), "tenant " + tenant);
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& d : *rows) {
    items->add(domain_summary_json(d));
  }
  auto data = http::new_object();
  data->set("domains", items);
  return Reply::ok(data);
}

Outcome remove(Services& s, ResourceServices& r, Request& req) {
  auto id = domain_id(s, req);
  if (auto* e = std::get_if<ApiError>(&id)) {
    return *e;
  }
  base::Status st = r.domains.remove(req.params["tenantId"], std::get<int64_t>(id));
  if (!st) {
    return store_error(st.error(), "domain");
  }
  auto d = http::new_object();
  d->set("message", std::string("Domain deleted"));
  return Reply::ok(d);
}

Outcome verify(Services& s, ResourceServices& r, Request& req) {
  auto id = domain_id(s, req);
  if (auto* e = std::get_if<ApiError>(&id)) {
    return *e;
  }
  const std::string& tenant = req.params["tenantId"];
  auto row = r.domains.get(tenant, std::get<int64_t>(id));
  if (!row) {
    return store_error(row.error(), "domain");
  }
  dns::RecordNaming naming = r.naming;
  naming.dkim_selector_prefix.clear();  // the stored selector carries its prefix
  auto records = dns::build_records(row->name, naming, row->dkim_selector, row->dkim_public_txt);
  if (!records) {
    return ApiError::internal("cannot build the DNS records: " + records.error().message);
  }
  dns::DomainCheck check = dns::check_domain(r.resolver, *records, naming);
  store::DomainCheckUpdate u;
  u.spf_status = dns::api_status(check.spf.status);
  u.dkim_status = dns::api_status(check.dkim.status);
  u.return_path_status = dns::api_status(check.return_path.status);
  u.verified = check.verified();
  u.conclusive = check.conclusive();
  auto saved = r.domains.save_check(tenant, row->id, u);
  if (!saved) {
    return store_error(saved.error(), "domain");
  }
  return Reply::ok(domain_detail_json(*saved, r.naming));
}

}  // namespace

void add_domain_routes(http::Router& router, Services& s, ResourceServices& r) {
  const std::string base = "/v1/tenants/{tenantId}/domains";
  router.add("POST", base, "tenants.domains.create",
             [&s, &r](Request& q) { return create(s, r, q); });
  router.add("GET", base + "/{domainId}", "tenants.domains.get",
             [&s, &r](Request& q) { return get(s, r, q); });
  router.add("GET", base, "tenants.domains.list", [&s, &r](Request& q) { return list(s, r, q); });
  router.add("DELETE", base + "/{domainId}", "tenants.domains.delete",
             [&s, &r](Request& q) { return remove(s, r, q); });
  router.add("POST", base + "/{domainId}/verify", "tenants.domains.verify",
             [&s, &r](Request& q) { return verify(s, r, q); });
}

}  // namespace ark::admind::api
