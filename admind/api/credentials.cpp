// Credentials endpoints 19-23 (api.md §4.6). Keys: `smtp` credentials get "cred_" + 32
// alphanumerics (the SMTP password; username {tenantId}/{key}); `api` credentials get an
// "ark_live_" key that also works as a tenant-scoped Bearer key. The key is shown on
// create and, for organisation keys only, on GET with reveal=true (behaviour.md C.13).
#include <regex>

#include "admind/api/resource_common.h"
#include "admind/api/resource_json.h"
#include "core/crypto/crypto.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

const std::vector<std::string> kTypes = {"smtp", "api"};

std::optional<std::string> read_name(http::BodyReader& body, bool required) {
  static const std::regex kName("^[A-Za-z0-9_-]+$");
  auto name = body.string("name", required, 1, 50);
  if (name && !std::regex_match(*name, kName)) {
    body.fail(ApiError::validation("name may contain only letters, digits, '-' and '_'", "name"));
    return std::nullopt;
  }
  return name;
}

// Sealed with the tenant and the key's hash as context, so a sealed key copied to another
// row does not open there.
std::string seal_context(const std::string& tenant, const std::string& hash) {
  return "credential:" + tenant + ":" + hash;
}

Outcome create(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Create)) {
    return *e;
  }
  http::BodyReader body(req.body);
  auto name = read_name(body, true);
  auto type = body.one_of("type", true, kTypes);
  if (body.error()) {
    return *body.error();
  }
  std::string key = (*type == "api" ? "ark_live_" : "cred_") + crypto::random_alnum(32, false);
  store::NewCredential n;
  n.tenant_id = tenant;
  n.name = *name;
  n.type = *type;
  n.key_hash = crypto::sha256_hex(key);
  n.key_sealed = seal::seal(r.seal_key, key, seal_context(tenant, n.key_hash));
  n.key_prefix = key.substr(0, 13);
  auto row = r.credentials.create(n);
  if (!row) {
    if (row.error().kind == base::ErrorKind::Conflict) {
      return ApiError{
          409, "conflict", "a credential named '" + *name + "' already exists", "name", {}};
    }
    return store_error(row.error(), "tenant " + tenant);
  }
  return Reply::ok(credential_json(*row, key), 201);
}

Outcome get(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  auto reveal = query_bool(req, "reveal");
  if (auto* e = std::get_if<ApiError>(&reveal)) {
    return *e;
  }
  bool show = std::get<0>(reveal).value_or(false);
  if (show && !req.principal.org_level()) {
    return ApiError::permission_denied("reveal=true needs an organisation-level API key");
  }
  auto id = parse_id(req.params["credentialId"]);
  if (!id) {
    return ApiError::not_found("credential");
  }
  auto row = r.credentials.get(tenant, *id);
  if (!row) {
    return store_error(row.error(), "credential");
  }
  std::optional<std::string> key;
  if (show) {
    auto plain = seal::unseal(r.seal_key, row->key_sealed, seal_context(tenant, row->key_hash));
    if (!plain) {
      return ApiError::internal("the stored key cannot be unsealed (seal key changed?)");
    }
    key = *plain;
  }
  return Reply::ok(credential_json(*row, key));
}

Outcome update(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  http::BodyReader body(req.body);
  auto name = read_name(body, false);
  auto hold = body.boolean("hold", false);
  if (body.error()) {
    return *body.error();
  }
  auto id = parse_id(req.params["credentialId"]);
  if (!id) {
    return ApiError::not_found("credential");
  }
  auto row = r.credentials.update(tenant, *id, name, hold);
  if (!row) {
    if (row.error().kind == base::ErrorKind::Conflict) {
      return ApiError{409,
                      "conflict",
                      "a credential named '" + name.value_or("") + "' already exists",
                      "name",
                      {}};
    }
    return store_error(row.error(), "credential");
  }
  return Reply::ok(credential_json(*row, std::nullopt));
}

Outcome list(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  auto paging = parse_paging(req, false);
  if (auto* e = std::get_if<ApiError>(&paging)) {
    return *e;
  }
  auto type = query_enum(req, "type", kTypes);
  if (auto* e = std::get_if<ApiError>(&type)) {
    return *e;
  }
  auto page = std::get<http::Page>(paging);
  auto rows = r.credentials.list(tenant, std::get<0>(type), page.page, page.per_page, &page.total);
  if (!rows) {
    return store_error(rows.error(), "tenant " + tenant);
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& c : *rows) {
    items->add(credential_json(c, std::nullopt));
  }
  return Reply::paged(items, page);
}

Outcome remove(Services& s, ResourceServices& r, Request& req) {
  const std::string& tenant = req.params["tenantId"];
  if (auto e = tenant_gate(s, req, tenant, Gate::Read)) {
    return *e;
  }
  auto id = parse_id(req.params["credentialId"]);
  if (!id) {
    return ApiError::not_found("credential");
  }
  base::Status st = r.credentials.remove(tenant, *id);
  if (!st) {
    return store_error(st.error(), "credential");
  }
  auto d = http::new_object();
  d->set("deleted", true);
  return Reply::ok(d);
}

}  // namespace

void add_credential_routes(http::Router& router, Services& s, ResourceServices& r) {
  const std::string base = "/v1/tenants/{tenantId}/credentials";
  router.add("POST", base, "tenants.credentials.create",
             [&s, &r](Request& q) { return create(s, r, q); });
  router.add("GET", base + "/{credentialId}", "tenants.credentials.get",
             [&s, &r](Request& q) { return get(s, r, q); });
  router.add("PATCH", base + "/{credentialId}", "tenants.credentials.update",
             [&s, &r](Request& q) { return update(s, r, q); });
  router.add("GET", base, "tenants.credentials.list",
             [&s, &r](Request& q) { return list(s, r, q); });
  router.add("DELETE", base + "/{credentialId}", "tenants.credentials.delete",
             [&s, &r](Request& q) { return remove(s, r, q); });
}

}  // namespace ark::admind::api
