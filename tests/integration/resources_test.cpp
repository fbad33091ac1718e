// The tenant-owned resources against the running stack (api.md §4.6-4.10, §4.12): for each
// family a happy path that checks every field name and type the spec lists, the bad-input
// cases (wrong types, missing and over-long fields, unknown enum values, invalid addresses,
// unknown ids) with nothing half-written in the database, archived tenants, and isolation
// between two tenants that each use a tenant-scoped key made through the credentials API.
//
// DNS verification runs against a dnsmasq this test starts on the address admind's config
// names in dns.resolver (the dev stack points it at 127.0.0.54, where nothing else listens).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <regex>

#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;
using Obj = Poco::JSON::Object::Ptr;

std::string org_key() {
  return env_get("ARK_ORG_API_KEY");
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

std::string unique(const std::string& prefix) {
  static int n = 0;
  return prefix + std::to_string(getpid()) + "x" + std::to_string(++n) + "x" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

// One value from MariaDB through the root client of the dev stack.
std::string sql(const std::string& query) {
  std::string cmd = "mariadb --defaults-file=" + env_get("ARK_DB_ROOT_CNF") + " -u root -N -B " +
                    env_get("ARK_DB_NAME") + " -e " + quote(query) + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (p && fgets(buf, sizeof buf, p.get()) != nullptr) {
    out += buf;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

int64_t count(const std::string& table, const std::string& tenant) {
  return std::stoll(sql("SELECT COUNT(*) FROM " + table + " WHERE tenant_id = '" + tenant + "'"));
}

// ---- response shape checks ----

enum class T { Str, Int, Bool, Time, Object, Arr, Null, Num };

struct Field {
  std::string name;
  std::vector<T> types;  // any of these; include T::Null for nullable fields
};

bool is_time(const Poco::Dynamic::Var& v) {
  static const std::regex kIso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  return v.isString() && std::regex_match(v.convert<std::string>(), kIso);
}

bool has_type(const Poco::Dynamic::Var& v, T t) {
  switch (t) {
    case T::Str:
      return v.isString();
    case T::Int:
      return v.isInteger() && !v.isBoolean();
    case T::Num:
      return v.isNumeric() && !v.isBoolean();
    case T::Bool:
      return v.isBoolean();
    case T::Time:
      return is_time(v);
    case T::Object:
      return v.type() == typeid(Poco::JSON::Object::Ptr);
    case T::Arr:
      return v.type() == typeid(Poco::JSON::Array::Ptr);
    case T::Null:
      return v.isEmpty();
  }
  return false;
}

void expect_shape(const Obj& o, const std::vector<Field>& fields, const std::string& what) {
  ASSERT_FALSE(o.isNull()) << what;
  for (const auto& f : fields) {
    ASSERT_TRUE(o->has(f.name)) << what << ": missing field " << f.name;
    Poco::Dynamic::Var v = o->get(f.name);
    bool ok = false;
    for (T t : f.types) {
      ok = ok || has_type(v, t);
    }
    EXPECT_TRUE(ok) << what << ": field " << f.name
                    << " has the wrong type: " << (v.isEmpty() ? "null" : v.toString());
  }
}

const std::vector<Field> kCredential = {{"id", {T::Int}},
                                        {"name", {T::Str}},
                                        {"type", {T::Str}},
                                        {"hold", {T::Bool}},
                                        {"lastUsedAt", {T::Time, T::Null}},
                                        {"createdAt", {T::Time}},
                                        {"updatedAt", {T::Time}}};
const std::vector<Field> kDnsRecord = {{"type", {T::Str}},
                                       {"name", {T::Str}},
                                       {"fullName", {T::Str}},
                                       {"value", {T::Str}},
                                       {"status", {T::Str, T::Null}}};
const std::vector<Field> kDomainDetail = {{"id", {T::Int}},
                                          {"uuid", {T::Str}},
                                          {"name", {T::Str}},
                                          {"verified", {T::Bool}},
                                          {"verifiedAt", {T::Time, T::Null}},
                                          {"createdAt", {T::Time}},
                                          {"dnsRecords", {T::Object, T::Null}},
                                          {"tenant_id", {T::Str}},
                                          {"tenant_name", {T::Str}}};
const std::vector<Field> kDomainSummary = {{"id", {T::Int}},
                                           {"name", {T::Str}},
                                           {"verified", {T::Bool}},
                                           {"tenant_id", {T::Str}},
                                           {"tenant_name", {T::Str}}};
const std::vector<Field> kSuppression = {{"id", {T::Str}},
                                         {"address", {T::Str}},
                                         {"createdAt", {T::Time}},
                                         {"reason", {T::Str, T::Null}}};
const std::vector<Field> kTrackDomain = {{"id", {T::Str}},
                                         {"domainId", {T::Str}},
                                         {"name", {T::Str}},
                                         {"fullName", {T::Str}},
                                         {"dnsOk", {T::Bool}},
                                         {"sslEnabled", {T::Bool}},
                                         {"trackClicks", {T::Bool}},
                                         {"trackOpens", {T::Bool}},
                                         {"createdAt", {T::Time}},
                                         {"updatedAt", {T::Time, T::Null}},
                                         {"dnsCheckedAt", {T::Time, T::Null}},
                                         {"dnsError", {T::Str, T::Null}},
                                         {"dnsRecord", {T::Object, T::Null}},
                                         {"dnsStatus", {T::Str, T::Null}},
                                         {"excludedClickDomains", {T::Str, T::Null}}};
const std::vector<Field> kTenantWebhook = {{"id", {T::Str}},       {"uuid", {T::Str}},
                                           {"name", {T::Str}},     {"url", {T::Str}},
                                           {"events", {T::Arr}},   {"allEvents", {T::Bool}},
                                           {"enabled", {T::Bool}}, {"createdAt", {T::Time}}};
const std::vector<Field> kTenantWebhookSummary = {{"id", {T::Str}},
                                                  {"name", {T::Str}},
                                                  {"url", {T::Str}},
                                                  {"events", {T::Arr}},
                                                  {"enabled", {T::Bool}}};
const std::vector<Field> kDeliverySummary = {
    {"id", {T::Str}},      {"webhookId", {T::Str}},           {"event", {T::Str}},
    {"url", {T::Str}},     {"statusCode", {T::Int, T::Null}}, {"success", {T::Bool}},
    {"attempt", {T::Int}}, {"willRetry", {T::Bool}},          {"timestamp", {T::Time}}};
const std::vector<Field> kPlatformWebhook = {
    {"id", {T::Str}},       {"name", {T::Str}},       {"url", {T::Str}},       {"events", {T::Arr}},
    {"enabled", {T::Bool}}, {"createdAt", {T::Time}}, {"updatedAt", {T::Time}}};
const std::vector<Field> kReplay = {{"success", {T::Bool}},      {"originalDeliveryId", {T::Str}},
                                    {"newDeliveryId", {T::Str}}, {"statusCode", {T::Int, T::Null}},
                                    {"duration", {T::Int}},      {"timestamp", {T::Time}}};

Obj data(const HttpResult& r) {
  if (r.json.isNull() || !r.json->has("data") || !r.json->isObject("data")) {
    ADD_FAILURE() << "no data object in: " << r.body;
    return new Poco::JSON::Object;
  }
  return r.json->getObject("data");
}

Poco::JSON::Array::Ptr items(const HttpResult& r) {
  if (r.json.isNull() || !r.json->isArray("data")) {
    ADD_FAILURE() << "no data array in: " << r.body;
    return new Poco::JSON::Array;
  }
  return r.json->getArray("data");
}

// The flat page shape of api.md §2.5.
void expect_page(const HttpResult& r, int page, int per_page) {
  ASSERT_EQ(r.status, 200) << r.body;
  expect_shape(r.json,
               {{"data", {T::Arr}},
                {"page", {T::Int}},
                {"perPage", {T::Int}},
                {"total", {T::Int}},
                {"totalPages", {T::Int}},
                {"meta", {T::Object}}},
               "page");
  EXPECT_EQ(r.json->getValue<int>("page"), page);
  EXPECT_EQ(r.json->getValue<int>("perPage"), per_page);
  int64_t total = r.json->getValue<int64_t>("total");
  EXPECT_EQ(r.json->getValue<int64_t>("totalPages"), (total + per_page - 1) / per_page);
}

void expect_error(const HttpResult& r, int status, const std::string& code,
                  const std::string& field = "") {
  EXPECT_EQ(r.status, status) << r.body;
  ASSERT_FALSE(r.json.isNull()) << r.body;
  ASSERT_TRUE(r.json->has("error")) << r.body;
  EXPECT_FALSE(r.json->getValue<bool>("success"));
  auto e = r.json->getObject("error");
  EXPECT_EQ(e->getValue<std::string>("code"), code) << r.body;
  if (!field.empty()) {
    EXPECT_EQ(e->has("field") ? e->getValue<std::string>("field") : "<none>", field) << r.body;
  }
  EXPECT_TRUE(r.json->getObject("meta")->has("requestId"));
}

std::string str(const Obj& o, const std::string& k) {
  return o->getValue<std::string>(k);
}

// ---- fixtures: two tenants, each with a tenant-scoped key from the credentials API ----

struct Party {
  std::string tenant;
  std::string key;  // an `api` credential of the tenant: a tenant-scoped Bearer key
};

Party make_party(const std::string& name) {
  Party p;
  p.tenant = create_tenant(name);
  auto r = http("POST", "/v1/tenants/" + p.tenant + "/credentials", org_key(),
                "{\"name\":\"scoped\",\"type\":\"api\"}");
  if (r.status != 201) {
    throw std::runtime_error("api credential create failed: " + r.body);
  }
  p.key = str(data(r), "key");
  return p;
}

class Resources : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new Party(make_party("Resources A"));
    b_ = new Party(make_party("Resources B"));
  }
  static void TearDownTestSuite() {
    delete a_;
    delete b_;
  }
  static Party* a_;
  static Party* b_;
  static std::string base(const Party& p) { return "/v1/tenants/" + p.tenant; }
};
Party* Resources::a_ = nullptr;
Party* Resources::b_ = nullptr;

// ---- credentials (19-23) ----

TEST_F(Resources, CredentialsLifecycle) {
  const std::string b = base(*a_) + "/credentials";
  auto smtp = http("POST", b, org_key(), "{\"name\":\"prod-smtp_1\",\"type\":\"smtp\"}");
  ASSERT_EQ(smtp.status, 201) << smtp.body;
  Obj c = data(smtp);
  expect_shape(c, kCredential, "credential create");
  expect_shape(c, {{"key", {T::Str}}, {"smtpUsername", {T::Str}}}, "credential create secrets");
  std::string key = str(c, "key");
  EXPECT_EQ(key.rfind("cred_", 0), 0u) << key;
  EXPECT_EQ(str(c, "smtpUsername"), a_->tenant + "/" + key);
  EXPECT_FALSE(c->getValue<bool>("hold"));
  EXPECT_TRUE(c->isNull("lastUsedAt"));
  std::string id = std::to_string(c->getValue<int64_t>("id"));
  // Stored: only the hash and the sealed key, never the key itself.
  std::string stored =
      sql("SELECT CONCAT(key_hash, ' ', key_sealed) FROM credentials WHERE id = " + id);
  EXPECT_EQ(stored.find(key), std::string::npos);
  EXPECT_EQ(stored.rfind(sql("SELECT SHA2('" + key + "', 256)") + " v1:", 0), 0u) << stored;

  auto plain = http("GET", b + "/" + id, org_key());
  ASSERT_EQ(plain.status, 200) << plain.body;
  expect_shape(data(plain), kCredential, "credential get");
  EXPECT_FALSE(data(plain)->has("key"));
  auto revealed = http("GET", b + "/" + id + "?reveal=true", org_key());
  ASSERT_EQ(revealed.status, 200) << revealed.body;
  EXPECT_EQ(str(data(revealed), "key"), key);
  EXPECT_EQ(str(data(revealed), "smtpUsername"), a_->tenant + "/" + key);

  auto patched = http("PATCH", b + "/" + id, org_key(), "{\"name\":\"renamed\",\"hold\":true}");
  ASSERT_EQ(patched.status, 200) << patched.body;
  expect_shape(data(patched), kCredential, "credential update");
  EXPECT_EQ(str(data(patched), "name"), "renamed");
  EXPECT_TRUE(data(patched)->getValue<bool>("hold"));
  EXPECT_FALSE(data(patched)->has("key"));

  auto listed = http("GET", b + "?perPage=100&type=smtp", org_key());
  expect_page(listed, 1, 100);
  bool found = false;
  for (size_t i = 0; i < items(listed)->size(); ++i) {
    Obj item = items(listed)->getObject(static_cast<unsigned>(i));
    expect_shape(item, kCredential, "credential list item");
    EXPECT_FALSE(item->has("key"));
    EXPECT_FALSE(item->has("smtpUsername"));
    EXPECT_EQ(str(item, "type"), "smtp");
    found = found || std::to_string(item->getValue<int64_t>("id")) == id;
  }
  EXPECT_TRUE(found);

  auto del = http("DELETE", b + "/" + id, org_key());
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_TRUE(data(del)->getValue<bool>("deleted"));
  expect_error(http("GET", b + "/" + id, org_key()), 404, "not_found");
  expect_error(http("DELETE", b + "/" + id, org_key()), 404, "not_found");
}

TEST_F(Resources, ApiCredentialIsATenantKeyThatHoldAndDeleteTurnOff) {
  const std::string b = base(*a_) + "/credentials";
  auto made = http("POST", b, org_key(), "{\"name\":\"bearer\",\"type\":\"api\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string key = str(data(made), "key");
  std::string id = std::to_string(data(made)->getValue<int64_t>("id"));
  EXPECT_EQ(key.rfind("ark_", 0), 0u);
  EXPECT_FALSE(data(made)->has("smtpUsername"));

  EXPECT_EQ(http("GET", base(*a_), key).status, 200);
  auto used = http("GET", b + "/" + id, org_key());
  ASSERT_EQ(used.status, 200) << used.body;
  EXPECT_FALSE(data(used)->isNull("lastUsedAt")) << "a key that authenticated has a lastUsedAt";
  expect_error(http("GET", base(*b_), key), 403, "permission_denied");
  // A tenant key may not reveal secrets (behaviour.md C.13).
  expect_error(http("GET", b + "/" + id + "?reveal=true", key), 403, "permission_denied");

  ASSERT_EQ(http("PATCH", b + "/" + id, org_key(), "{\"hold\":true}").status, 200);
  expect_error(http("GET", base(*a_), key), 401, "expired_api_key");
  ASSERT_EQ(http("PATCH", b + "/" + id, org_key(), "{\"hold\":false}").status, 200);
  EXPECT_EQ(http("GET", base(*a_), key).status, 200);

  ASSERT_EQ(http("DELETE", b + "/" + id, org_key()).status, 200);
  expect_error(http("GET", base(*a_), key), 401, "expired_api_key");
}

TEST_F(Resources, CredentialsBadInput) {
  const std::string b = base(*a_) + "/credentials";
  int64_t creds = count("credentials", a_->tenant);
  int64_t keys = count("api_keys", a_->tenant);
  expect_error(http("POST", b, org_key(), "{\"type\":\"smtp\"}"), 400, "validation_error", "name");
  expect_error(http("POST", b, org_key(), "{\"name\":\"x\"}"), 400, "validation_error", "type");
  expect_error(http("POST", b, org_key(), "{\"name\":7,\"type\":\"smtp\"}"), 400,
               "validation_error", "name");
  expect_error(http("POST", b, org_key(), "{\"name\":\"a b\",\"type\":\"smtp\"}"), 400,
               "validation_error", "name");
  expect_error(
      http("POST", b, org_key(), "{\"name\":\"" + std::string(51, 'n') + "\",\"type\":\"api\"}"),
      400, "validation_error", "name");
  expect_error(http("POST", b, org_key(), "{\"name\":\"x\",\"type\":\"pop3\"}"), 400,
               "validation_error", "type");
  expect_error(http("POST", b, org_key(), "{\"name\":\"x\",\"type\":true}"), 400,
               "validation_error", "type");
  expect_error(http("POST", b, org_key(), "[1,2]"), 400, "validation_error");
  EXPECT_EQ(count("credentials", a_->tenant), creds);
  EXPECT_EQ(count("api_keys", a_->tenant), keys);

  ASSERT_EQ(http("POST", b, org_key(), "{\"name\":\"twice\",\"type\":\"api\"}").status, 201);
  creds = count("credentials", a_->tenant);
  keys = count("api_keys", a_->tenant);
  expect_error(http("POST", b, org_key(), "{\"name\":\"twice\",\"type\":\"api\"}"), 409,
               "conflict");
  EXPECT_EQ(count("credentials", a_->tenant), creds) << "a rejected create left a row";
  EXPECT_EQ(count("api_keys", a_->tenant), keys) << "a rejected create left an api key";

  expect_error(http("GET", b + "/abc", org_key()), 404, "not_found");
  expect_error(http("GET", b + "/99999999", org_key()), 404, "not_found");
  expect_error(http("PATCH", b + "/99999999", org_key(), "{\"hold\":true}"), 404, "not_found");
  expect_error(http("GET", b + "/1?reveal=maybe", org_key()), 400, "validation_error", "reveal");
  expect_error(http("PATCH", b + "/1", org_key(), "{\"hold\":\"yes\"}"), 400, "validation_error",
               "hold");
  expect_error(http("GET", b + "?page=0", org_key()), 400, "validation_error", "page");
  expect_error(http("GET", b + "?perPage=101", org_key()), 400, "validation_error", "perPage");
  expect_error(http("GET", b + "?type=ftp", org_key()), 400, "validation_error", "type");
  expect_error(http("GET", "/v1/tenants/cmnosuchtenant00/credentials", org_key()), 404,
               "not_found");
}

// ---- domains (24-28) ----

const std::string kZoneSuffix = ".co.uk";

TEST_F(Resources, DomainsLifecycleAndRecords) {
  const std::string b = base(*a_) + "/domains";
  std::string zone = unique("acme") + kZoneSuffix;
  std::string name = "Mail." + zone + ".";  // case and one trailing dot are normalised
  auto made = http("POST", b, org_key(), "{\"name\":" + quote(name) + "}");
  ASSERT_EQ(made.status, 201) << made.body;
  Obj d = data(made);
  expect_shape(d, kDomainDetail, "domain create");
  EXPECT_EQ(str(d, "name"), "mail." + zone);
  EXPECT_FALSE(d->getValue<bool>("verified"));
  EXPECT_TRUE(d->isNull("verifiedAt"));
  EXPECT_EQ(str(d, "tenant_id"), a_->tenant);
  EXPECT_EQ(str(d, "tenant_name"), "Resources A");
  EXPECT_TRUE(std::regex_match(str(d, "uuid"),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}")));
  Obj rec = d->getObject("dnsRecords");
  EXPECT_EQ(str(rec, "zone"), zone);
  for (const char* k : {"spf", "dkim", "returnPath"}) {
    expect_shape(rec->getObject(k), kDnsRecord, k);
    EXPECT_TRUE(rec->getObject(k)->isNull("status")) << k;
  }
  Obj spf = rec->getObject("spf");
  EXPECT_EQ(str(spf, "type"), "TXT");
  EXPECT_EQ(str(spf, "name"), "mail");
  EXPECT_EQ(str(spf, "fullName"), "mail." + zone);
  EXPECT_EQ(str(spf, "value"), "v=spf1 a mx include:spf.ark.localhost ~all");
  Obj dkim = rec->getObject("dkim");
  EXPECT_TRUE(
      std::regex_match(str(dkim, "name"), std::regex("ark-[a-z0-9]{8}\\._domainkey\\.mail")))
      << str(dkim, "name");
  EXPECT_EQ(str(dkim, "fullName"), str(dkim, "name") + "." + zone);
  EXPECT_EQ(str(dkim, "value").rfind("k=rsa;t=s;p=MIIB", 0), 0u) << str(dkim, "value");
  Obj rp = rec->getObject("returnPath");
  EXPECT_EQ(str(rp, "type"), "CNAME");
  EXPECT_EQ(str(rp, "name"), "psrp.mail");
  EXPECT_EQ(str(rp, "value"), "rp.ark.localhost");
  std::string id = std::to_string(d->getValue<int64_t>("id"));
  std::string sealed = sql("SELECT dkim_private_sealed FROM domains WHERE id = " + id);
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
  EXPECT_EQ(sealed.find("PRIVATE KEY"), std::string::npos);

  auto got = http("GET", b + "/" + id, org_key());
  ASSERT_EQ(got.status, 200) << got.body;
  expect_shape(data(got), kDomainDetail, "domain get");
  EXPECT_EQ(str(data(got)->getObject("dnsRecords")->getObject("dkim"), "value"),
            str(dkim, "value"));

  auto listed = http("GET", b, org_key());
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto list = data(listed)->getArray("domains");
  bool found = false;
  for (size_t i = 0; i < list->size(); ++i) {
    expect_shape(list->getObject(static_cast<unsigned>(i)), kDomainSummary, "domain list item");
    found = found || str(list->getObject(static_cast<unsigned>(i)), "name") == "mail." + zone;
  }
  EXPECT_TRUE(found);

  expect_error(http("POST", b, org_key(), "{\"name\":\"mail." + zone + "\"}"), 409, "conflict");
  auto del = http("DELETE", b + "/" + id, org_key());
  ASSERT_EQ(del.status, 200) << del.body;
  expect_shape(data(del), {{"message", {T::Str}}}, "domain delete");
  expect_error(http("GET", b + "/" + id, org_key()), 404, "not_found");
  expect_error(http("POST", b + "/" + id + "/verify", org_key()), 404, "not_found");
}

TEST_F(Resources, DomainsBadInput) {
  const std::string b = base(*a_) + "/domains";
  int64_t before = count("domains", a_->tenant);
  for (const std::string& body :
       {std::string("{}"), std::string("{\"name\":5}"), std::string("{\"name\":\"nodots\"}"),
        std::string("{\"name\":\"co.uk\"}"), std::string("{\"name\":\"bad_label.example.com\"}"),
        std::string("{\"name\":\"b\xc3\xa4r.example.com\"}"),
        std::string("{\"name\":\"-x.example.com\"}"),
        "{\"name\":\"" + std::string(250, 'a') + ".example.com\"}"}) {
    expect_error(http("POST", b, org_key(), body), 400, "validation_error", "name");
  }
  EXPECT_EQ(count("domains", a_->tenant), before);
  expect_error(http("GET", b + "/abc", org_key()), 404, "not_found");
  expect_error(http("GET", b + "/99999999", org_key()), 404, "not_found");
  expect_error(http("DELETE", b + "/99999999", org_key()), 404, "not_found");
}

// A dnsmasq serving fixed records on the address admind resolves through.
class Dnsmasq {
 public:
  explicit Dnsmasq(const std::vector<std::string>& records) {
    std::smatch m;
    std::string yaml = read_file(env_get("ARK_ADMIND_CONFIG"));
    std::regex_search(yaml, m, std::regex(R"(\n\s+resolver:\s*"?([0-9.]+:[0-9]+))"));
    std::string addr = m.size() > 1 ? m[1].str() : "127.0.0.54:53";
    host_ = addr.substr(0, addr.rfind(':'));
    port_ = addr.substr(addr.rfind(':') + 1);
    std::vector<std::string> args = {"dnsmasq",
                                     "--keep-in-foreground",
                                     "--conf-file=/dev/null",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--no-poll",
                                     "--bind-interfaces",
                                     "--listen-address=" + host_,
                                     "--port=" + port_,
                                     "--user=nobody",
                                     "--local=/co.uk/",
                                     "--log-facility=/dev/null"};
    args.insert(args.end(), records.begin(), records.end());
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) {
        argv.push_back(a.data());
      }
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    ready_ = eventually(
        [&] {
          try {
            Poco::Net::StreamSocket s(Poco::Net::SocketAddress(host_, port_));
            return true;
          } catch (const Poco::Exception&) {
            return false;
          }
        },
        5s);
  }
  ~Dnsmasq() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ready() const { return ready_; }

 private:
  pid_t pid_ = -1;
  std::string host_;
  std::string port_;
  bool ready_ = false;
};

std::string record_status(const Obj& domain, const std::string& key) {
  Obj r = domain->getObject("dnsRecords")->getObject(key);
  return r->isNull("status") ? "null" : str(r, "status");
}

TEST_F(Resources, DomainAndTrackVerifyAgainstDns) {
  const std::string b = base(*a_) + "/domains";
  std::string zone = unique("verify") + kZoneSuffix;
  auto made = http("POST", b, org_key(), "{\"name\":\"" + zone + "\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  Obj rec = data(made)->getObject("dnsRecords");
  EXPECT_EQ(str(rec->getObject("spf"), "name"), "@");
  std::string id = std::to_string(data(made)->getValue<int64_t>("id"));
  auto track = http("POST", base(*a_) + "/tracking", org_key(),
                    "{\"domainId\":" + id + ",\"name\":\"track\"}");
  ASSERT_EQ(track.status, 201) << track.body;
  std::string track_id = str(data(track), "id");
  std::vector<std::string> good = {
      "--txt-record=" + zone + "," + str(rec->getObject("spf"), "value"),
      "--txt-record=" + str(rec->getObject("dkim"), "fullName") + "," +
          str(rec->getObject("dkim"), "value"),
      "--cname=" + str(rec->getObject("returnPath"), "fullName") + ",rp.ark.localhost",
      "--cname=track." + zone + ",track.ark.localhost"};
  {
    Dnsmasq dns(good);
    ASSERT_TRUE(dns.ready());
    auto v = http("POST", b + "/" + id + "/verify", org_key());
    ASSERT_EQ(v.status, 200) << v.body;
    expect_shape(data(v), kDomainDetail, "domain verify");
    EXPECT_TRUE(data(v)->getValue<bool>("verified")) << v.body;
    EXPECT_TRUE(is_time(data(v)->get("verifiedAt")));
    for (const char* k : {"spf", "dkim", "returnPath"}) {
      EXPECT_EQ(record_status(data(v), k), "OK") << k;
    }
    auto t = http("POST", base(*a_) + "/tracking/" + track_id + "/verify", org_key());
    ASSERT_EQ(t.status, 200) << t.body;
    expect_shape(data(t),
                 {{"id", {T::Str}},
                  {"fullName", {T::Str}},
                  {"dnsOk", {T::Bool}},
                  {"dnsStatus", {T::Str}},
                  {"dnsCheckedAt", {T::Time, T::Null}},
                  {"dnsError", {T::Str, T::Null}},
                  {"dnsRecord", {T::Object, T::Null}}},
                 "track verify");
    EXPECT_TRUE(data(t)->getValue<bool>("dnsOk"));
    EXPECT_EQ(str(data(t), "dnsStatus"), "ok");
  }
  {
    good[1] = "--txt-record=other." + zone + ",nothing";  // the DKIM record is gone
    good[3] = "--cname=track." + zone + ",elsewhere.example.net";
    Dnsmasq dns(good);
    ASSERT_TRUE(dns.ready());
    auto v = http("POST", b + "/" + id + "/verify", org_key());
    ASSERT_EQ(v.status, 200) << v.body;
    EXPECT_FALSE(data(v)->getValue<bool>("verified"));
    EXPECT_TRUE(data(v)->isNull("verifiedAt"));
    EXPECT_EQ(record_status(data(v), "dkim"), "Missing");
    EXPECT_EQ(record_status(data(v), "spf"), "OK");
    auto t = http("POST", base(*a_) + "/tracking/" + track_id + "/verify", org_key());
    EXPECT_EQ(str(data(t), "dnsStatus"), "invalid");
    EXPECT_FALSE(data(t)->getValue<bool>("dnsOk"));
  }
  // No DNS server: a failed lookup is never reported as Missing; the last status stays.
  auto v = http("POST", b + "/" + id + "/verify", org_key());
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(record_status(data(v), "spf"), "OK");
  EXPECT_EQ(record_status(data(v), "dkim"), "Missing");
  auto t = http("POST", base(*a_) + "/tracking/" + track_id + "/verify", org_key());
  EXPECT_EQ(str(data(t), "dnsStatus"), "invalid");
  EXPECT_NE(str(data(t), "dnsError").find("lookup failed"), std::string::npos) << t.body;
}

// ---- suppressions (29-32) ----

TEST_F(Resources, SuppressionsLifecycle) {
  const std::string b = base(*a_) + "/suppressions";
  std::string addr = unique("user+tag") + "@Example.COM";
  auto made = http("POST", b, org_key(),
                   "{\"address\":" + quote(addr) + ",\"reason\":\"user requested removal\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  expect_shape(data(made), kSuppression, "suppression create");
  std::string id = str(data(made), "id");
  EXPECT_EQ(str(data(made), "reason"), "user requested removal");

  auto again = http("POST", b, org_key(), "{\"address\":" + quote(addr) + ",\"reason\":\"again\"}");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(data(again), "id"), id);
  EXPECT_EQ(str(data(again), "reason"), "again");

  std::string lower_at = addr.substr(0, addr.find('@'));
  for (const std::string& path : {lower_at + "@example.com", lower_at + "%40Example.com"}) {
    auto got = http("GET", b + "/" + path, org_key());
    ASSERT_EQ(got.status, 200) << got.body;
    expect_shape(data(got),
                 {{"address", {T::Str}},
                  {"suppressed", {T::Bool}},
                  {"createdAt", {T::Time, T::Null}},
                  {"reason", {T::Str, T::Null}}},
                 "suppression get");
    EXPECT_TRUE(data(got)->getValue<bool>("suppressed")) << path;
    EXPECT_EQ(str(data(got), "reason"), "again");
  }
  auto absent = http("GET", b + "/nobody-here@example.com", org_key());
  ASSERT_EQ(absent.status, 200) << absent.body;
  EXPECT_FALSE(data(absent)->getValue<bool>("suppressed"));
  EXPECT_TRUE(data(absent)->isNull("createdAt"));
  EXPECT_TRUE(data(absent)->isNull("reason"));

  auto listed = http("GET", b + "?page=0&perPage=100", org_key());  // page=0 means 1 here
  expect_page(listed, 1, 100);
  bool found = false;
  for (size_t i = 0; i < items(listed)->size(); ++i) {
    expect_shape(items(listed)->getObject(static_cast<unsigned>(i)), kSuppression, "item");
    found = found || str(items(listed)->getObject(static_cast<unsigned>(i)), "id") == id;
  }
  EXPECT_TRUE(found);

  auto del = http("DELETE", b + "/" + lower_at + "%40example.com", org_key());
  ASSERT_EQ(del.status, 200) << del.body;
  expect_shape(data(del), {{"message", {T::Str}}}, "suppression delete");
  expect_error(http("DELETE", b + "/" + lower_at + "@example.com", org_key()), 404, "not_found");
  EXPECT_FALSE(data(http("GET", b + "/" + lower_at + "@example.com", org_key()))
                   ->getValue<bool>("suppressed"));
}

TEST_F(Resources, SuppressionsBadInput) {
  const std::string b = base(*a_) + "/suppressions";
  int64_t before = count("suppressions", a_->tenant);
  expect_error(http("POST", b, org_key(), "{}"), 400, "validation_error", "address");
  expect_error(http("POST", b, org_key(), "{\"address\":42}"), 400, "validation_error", "address");
  expect_error(http("POST", b, org_key(), "{\"address\":\"not-an-address\"}"), 400,
               "invalid_email_format", "address");
  expect_error(
      http("POST", b, org_key(), "{\"address\":\"" + std::string(330, 'a') + "@example.com\"}"),
      400, "validation_error", "address");
  expect_error(
      http("POST", b, org_key(),
           "{\"address\":\"ok@example.com\",\"reason\":\"" + std::string(256, 'r') + "\"}"),
      400, "validation_error", "reason");
  expect_error(http("POST", b, org_key(), "{\"address\":\"ok@example.com\",\"reason\":[]}"), 400,
               "validation_error", "reason");
  EXPECT_EQ(count("suppressions", a_->tenant), before);
  expect_error(http("GET", b + "/not-an-address", org_key()), 400, "invalid_email_format", "email");
  expect_error(http("GET", b + "?page=-1", org_key()), 400, "validation_error", "page");
  expect_error(http("GET", b + "?perPage=101", org_key()), 400, "validation_error", "perPage");
  expect_error(http("GET", "/v1/tenants/cmnosuchtenant00/suppressions/a@b.com", org_key()), 404,
               "not_found");
}

// ---- tenant webhooks (33-41) ----

TEST_F(Resources, WebhooksLifecycleTestAndReplay) {
  const std::string b = base(*a_) + "/webhooks";
  auto made = http("POST", b, org_key(),
                   "{\"name\":\"My App\",\"url\":\"https://hooks.example.com/ark\","
                   "\"events\":[\"MessageSent\",\"MessageBounced\",\"MessageSent\"]}");
  ASSERT_EQ(made.status, 201) << made.body;
  Obj w = data(made);
  expect_shape(w, kTenantWebhook, "webhook create");
  EXPECT_EQ(w->getArray("events")->size(), 2u);
  EXPECT_FALSE(w->getValue<bool>("allEvents"));
  EXPECT_TRUE(w->getValue<bool>("enabled"));
  std::string id = str(w, "id");
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9]+")));

  expect_shape(data(http("GET", b + "/" + id, org_key())), kTenantWebhook, "webhook get");
  auto patched = http("PATCH", b + "/" + id, org_key(),
                      "{\"name\":\"Renamed\",\"allEvents\":true,\"url\":null}");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(str(data(patched), "name"), "Renamed");
  EXPECT_EQ(str(data(patched), "url"), "https://hooks.example.com/ark");
  EXPECT_TRUE(data(patched)->getValue<bool>("allEvents"));

  auto listed = http("GET", b, org_key());
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto hooks = data(listed)->getArray("webhooks");
  ASSERT_GE(hooks->size(), 1u);
  for (size_t i = 0; i < hooks->size(); ++i) {
    expect_shape(hooks->getObject(static_cast<unsigned>(i)), kTenantWebhookSummary, "summary");
  }

  auto empty = http("GET", b + "/" + id + "/deliveries", org_key());
  expect_page(empty, 1, 30);
  EXPECT_EQ(empty.json->getValue<int>("total"), 0);

  auto tested = http("POST", b + "/" + id + "/test", org_key(), "{\"event\":\"MessageSent\"}");
  ASSERT_EQ(tested.status, 200) << tested.body;
  expect_shape(data(tested),
               {{"event", {T::Str}},
                {"success", {T::Bool}},
                {"statusCode", {T::Int, T::Null}},
                {"duration", {T::Int}},
                {"body", {T::Str, T::Null}},
                {"error", {T::Str, T::Null}}},
               "webhook test");
  // No dispatcher runs yet: the test is recorded as pending, not reported as delivered.
  EXPECT_FALSE(data(tested)->getValue<bool>("success"));
  EXPECT_TRUE(data(tested)->isNull("statusCode"));

  auto deliveries = http("GET", b + "/" + id + "/deliveries?event=MessageSent", org_key());
  expect_page(deliveries, 1, 30);
  ASSERT_EQ(items(deliveries)->size(), 1u) << deliveries.body;
  Obj summary = items(deliveries)->getObject(0);
  expect_shape(summary, kDeliverySummary, "delivery summary");
  EXPECT_EQ(str(summary, "webhookId"), id);
  EXPECT_EQ(str(summary, "id").rfind("whr_", 0), 0u);
  EXPECT_EQ(http("GET", b + "/" + id + "/deliveries?success=true", org_key())
                .json->getValue<int>("total"),
            0);
  EXPECT_EQ(http("GET", b + "/" + id + "/deliveries?event=MessageHeld", org_key())
                .json->getValue<int>("total"),
            0);
  EXPECT_EQ(
      http("GET", b + "/" + id + "/deliveries?before=1", org_key()).json->getValue<int>("total"),
      0);

  std::string did = str(summary, "id");
  auto detail = http("GET", b + "/" + id + "/deliveries/" + did, org_key());
  ASSERT_EQ(detail.status, 200) << detail.body;
  Obj dd = data(detail);
  expect_shape(dd, kDeliverySummary, "delivery detail");
  expect_shape(dd, {{"webhookName", {T::Str}}, {"request", {T::Object}}, {"response", {T::Object}}},
               "delivery detail extras");
  expect_shape(dd->getObject("request"), {{"headers", {T::Object}}, {"payload", {T::Object}}},
               "request");
  expect_shape(dd->getObject("response"),
               {{"statusCode", {T::Int, T::Null}}, {"body", {T::Str, T::Null}}}, "response");
  Obj payload = dd->getObject("request")->getObject("payload");
  EXPECT_EQ(str(payload, "event"), "MessageSent");
  expect_shape(payload, {{"timestamp", {T::Num}}, {"uuid", {T::Str}}, {"payload", {T::Object}}},
               "envelope");

  auto replayed = http("POST", b + "/" + id + "/deliveries/" + did + "/replay", org_key());
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  expect_shape(data(replayed), kReplay, "replay");
  EXPECT_EQ(str(data(replayed), "originalDeliveryId"), did);
  EXPECT_NE(str(data(replayed), "newDeliveryId"), did);
  EXPECT_EQ(http("GET", b + "/" + id + "/deliveries", org_key()).json->getValue<int>("total"), 2);

  ASSERT_EQ(http("PATCH", b + "/" + id, org_key(), "{\"enabled\":false}").status, 200);
  expect_error(http("POST", b + "/" + id + "/deliveries/" + did + "/replay", org_key()), 422,
               "unprocessable_entity");
  expect_error(http("GET", b + "/" + id + "/deliveries/whr_nosuchdelivery", org_key()), 404,
               "not_found");

  auto del = http("DELETE", b + "/" + id, org_key());
  ASSERT_EQ(del.status, 200) << del.body;
  expect_shape(data(del), {{"message", {T::Str}}}, "webhook delete");
  expect_error(http("GET", b + "/" + id, org_key()), 404, "not_found");
  expect_error(http("GET", b + "/" + id + "/deliveries", org_key()), 404, "not_found");
  EXPECT_EQ(sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = " + id), "0");
}

TEST_F(Resources, WebhooksBadInput) {
  const std::string b = base(*a_) + "/webhooks";
  int64_t before = count("webhooks", a_->tenant);
  const std::string url = ",\"url\":\"https://h.example.com/\"";
  struct Case {
    std::string body;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"url\":\"https://h.example.com/\"}", "name"},
           {"{\"name\":\"\"" + url + "}", "name"},
           {"{\"name\":1" + url + "}", "name"},
           {"{\"name\":\"n\"}", "url"},
           {"{\"name\":\"n\",\"url\":\"ftp://h.example.com/\"}", "url"},
           {"{\"name\":\"n\",\"url\":\"https://user:pw@h.example.com/\"}", "url"},
           {"{\"name\":\"n\",\"url\":\"https://\"}", "url"},
           {"{\"name\":\"n\",\"url\":\"https://" + std::string(2100, 'h') + ".com/\"}", "url"},
           {"{\"name\":\"n\"" + url + ",\"events\":[]}", "events"},
           {"{\"name\":\"n\"" + url + ",\"events\":[\"MessageOpened\"]}", "events"},
           {"{\"name\":\"n\"" + url + ",\"events\":\"MessageSent\"}", "events"},
           {"{\"name\":\"n\"" + url + ",\"allEvents\":\"yes\"}", "allEvents"},
           {"{\"name\":\"n\"" + url + ",\"enabled\":1}", "enabled"}}) {
    expect_error(http("POST", b, org_key(), c.body), 400, "validation_error", c.field);
  }
  EXPECT_EQ(count("webhooks", a_->tenant), before);

  auto made = http("POST", b, org_key(), "{\"name\":\"n\"" + url + "}");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string id = str(data(made), "id");
  expect_error(http("PATCH", b + "/" + id, org_key(), "{\"url\":\"mailto:x@y.z\"}"), 400,
               "validation_error", "url");
  EXPECT_EQ(str(data(http("GET", b + "/" + id, org_key())), "url"), "https://h.example.com/");
  expect_error(http("POST", b + "/" + id + "/test", org_key(), "{}"), 400, "validation_error",
               "event");
  expect_error(http("POST", b + "/" + id + "/test", org_key(), "{\"event\":\"Bogus\"}"), 400,
               "validation_error", "event");
  EXPECT_EQ(sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = " + id), "0");
  for (const char* q :
       {"success=maybe", "event=Bogus", "after=yesterday", "before=1.5", "page=0", "perPage=0"}) {
    auto r = http("GET", b + "/" + id + "/deliveries?" + q, org_key());
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
  }
  for (const std::string& bad : {std::string("abc"), std::string("99999999"), std::string("1x")}) {
    expect_error(http("GET", b + "/" + bad, org_key()), 404, "not_found");
    expect_error(http("POST", b + "/" + bad + "/test", org_key(), "{\"event\":\"MessageSent\"}"),
                 404, "not_found");
  }
}

// ---- track domains (42-47) ----

TEST_F(Resources, TrackingLifecycleAndBadInput) {
  std::string zone = unique("track") + kZoneSuffix;
  auto dom = http("POST", base(*a_) + "/domains", org_key(), "{\"name\":\"mail." + zone + "\"}");
  ASSERT_EQ(dom.status, 201) << dom.body;
  std::string domain_id = std::to_string(data(dom)->getValue<int64_t>("id"));
  const std::string b = base(*a_) + "/tracking";
  int64_t before = count("track_domains", a_->tenant);
  expect_error(http("POST", b, org_key(), "{\"name\":\"t\"}"), 400, "validation_error", "domainId");
  expect_error(http("POST", b, org_key(), "{\"domainId\":\"" + domain_id + "\",\"name\":\"t\"}"),
               400, "validation_error", "domainId");
  expect_error(http("POST", b, org_key(), "{\"domainId\":1.5,\"name\":\"t\"}"), 400,
               "validation_error", "domainId");
  expect_error(http("POST", b, org_key(), "{\"domainId\":" + domain_id + "}"), 400,
               "validation_error", "name");
  expect_error(http("POST", b, org_key(), "{\"domainId\":" + domain_id + ",\"name\":\"a.b\"}"), 400,
               "validation_error", "name");
  expect_error(http("POST", b, org_key(),
                    "{\"domainId\":" + domain_id + ",\"name\":\"" + std::string(64, 't') + "\"}"),
               400, "validation_error", "name");
  expect_error(http("POST", b, org_key(),
                    "{\"domainId\":" + domain_id + ",\"name\":\"t\",\"trackOpens\":\"no\"}"),
               400, "validation_error", "trackOpens");
  expect_error(http("POST", b, org_key(), "{\"domainId\":99999999,\"name\":\"t\"}"), 404,
               "not_found");
  EXPECT_EQ(count("track_domains", a_->tenant), before);

  auto made = http("POST", b, org_key(),
                   "{\"domainId\":" + domain_id + ",\"name\":\"Links\",\"trackOpens\":false}");
  ASSERT_EQ(made.status, 201) << made.body;
  Obj t = data(made);
  expect_shape(t, kTrackDomain, "track create");
  EXPECT_EQ(str(t, "domainId"), domain_id);
  EXPECT_EQ(str(t, "fullName"), "links.mail." + zone);
  EXPECT_FALSE(t->getValue<bool>("dnsOk"));
  EXPECT_FALSE(t->getValue<bool>("trackOpens"));
  EXPECT_TRUE(t->getValue<bool>("trackClicks"));
  EXPECT_TRUE(t->isNull("dnsStatus"));
  Obj rec = t->getObject("dnsRecord");
  EXPECT_EQ(str(rec, "type"), "CNAME");
  EXPECT_EQ(str(rec, "name"), "links.mail");
  EXPECT_EQ(str(rec, "value"), "track.ark.localhost");
  std::string id = str(t, "id");
  expect_error(http("POST", b, org_key(), "{\"domainId\":" + domain_id + ",\"name\":\"links\"}"),
               409, "conflict");

  auto patched =
      http("PATCH", b + "/" + id, org_key(),
           "{\"excludedClickDomains\":\"Example.com, mysite.org\",\"sslEnabled\":false}");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(str(data(patched), "excludedClickDomains"), "example.com,mysite.org");
  EXPECT_FALSE(data(patched)->getValue<bool>("sslEnabled"));
  expect_error(http("PATCH", b + "/" + id, org_key(), "{\"excludedClickDomains\":\"not valid!\"}"),
               400, "validation_error", "excludedClickDomains");
  expect_error(http("PATCH", b + "/" + id, org_key(), "{\"trackClicks\":0}"), 400,
               "validation_error", "trackClicks");
  EXPECT_EQ(str(data(http("GET", b + "/" + id, org_key())), "excludedClickDomains"),
            "example.com,mysite.org");

  auto listed = http("GET", b, org_key());
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto list = data(listed)->getArray("trackDomains");
  ASSERT_GE(list->size(), 1u);
  for (size_t i = 0; i < list->size(); ++i) {
    expect_shape(list->getObject(static_cast<unsigned>(i)), kTrackDomain, "track list item");
  }
  auto del = http("DELETE", b + "/" + id, org_key());
  ASSERT_EQ(del.status, 200) << del.body;
  expect_shape(data(del), {{"message", {T::Str}}}, "track delete");
  expect_error(http("GET", b + "/" + id, org_key()), 404, "not_found");
  expect_error(http("GET", b + "/xyz", org_key()), 404, "not_found");
  // Deleting the sending domain removes its track domains.
  ASSERT_EQ(
      http("POST", b, org_key(), "{\"domainId\":" + domain_id + ",\"name\":\"again\"}").status,
      201);
  ASSERT_EQ(http("DELETE", base(*a_) + "/domains/" + domain_id, org_key()).status, 200);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM track_domains WHERE domain_id = " + domain_id), "0");
}

// ---- platform webhooks (50-58) ----

TEST_F(Resources, PlatformWebhooks) {
  const std::string b = "/v1/platform/webhooks";
  expect_error(http("POST", b, a_->key, "{\"name\":\"p\",\"url\":\"https://p.example.com/\"}"), 403,
               "permission_denied");
  expect_error(http("GET", b, a_->key), 403, "permission_denied");
  expect_error(http("GET", b + "/deliveries", a_->key), 403, "permission_denied");

  auto made =
      http("POST", b, org_key(), "{\"name\":\"Central\",\"url\":\"https://p.example.com/events\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  Obj w = data(made);
  expect_shape(w, kPlatformWebhook, "platform create");
  EXPECT_EQ(w->getArray("events")->size(), 0u);
  EXPECT_TRUE(w->getValue<bool>("enabled"));
  std::string id = str(w, "id");
  EXPECT_EQ(id.rfind("pwh_", 0), 0u);
  expect_error(http("GET", b + "/" + id, a_->key), 403, "permission_denied");

  auto patched =
      http("PATCH", b + "/" + id, org_key(), "{\"events\":[\"MessageSent\"],\"enabled\":true}");
  ASSERT_EQ(patched.status, 200) << patched.body;
  expect_shape(data(patched), kPlatformWebhook, "platform update");
  EXPECT_EQ(data(patched)->getArray("events")->size(), 1u);
  expect_error(http("PATCH", b + "/" + id, org_key(), "{\"events\":[\"Nope\"]}"), 400,
               "validation_error", "events");

  auto listed = http("GET", b, org_key());
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_TRUE(listed.json->isArray("data")) << listed.body;
  for (size_t i = 0; i < items(listed)->size(); ++i) {
    expect_shape(items(listed)->getObject(static_cast<unsigned>(i)),
                 {{"id", {T::Str}},
                  {"name", {T::Str}},
                  {"url", {T::Str}},
                  {"events", {T::Arr}},
                  {"enabled", {T::Bool}},
                  {"createdAt", {T::Time}}},
                 "platform summary");
  }

  auto tested = http("POST", b + "/" + id + "/test", org_key(), "{\"event\":\"DomainDNSError\"}");
  ASSERT_EQ(tested.status, 200) << tested.body;
  expect_shape(data(tested),
               {{"success", {T::Bool}},
                {"statusCode", {T::Int, T::Null}},
                {"durationMs", {T::Int}},
                {"error", {T::Str, T::Null}}},
               "platform test");
  EXPECT_FALSE(data(tested)->getValue<bool>("success"));

  auto deliveries = http("GET", b + "/deliveries?page=0&webhookId=" + id, org_key());
  expect_page(deliveries, 1, 30);
  ASSERT_EQ(items(deliveries)->size(), 1u) << deliveries.body;
  Obj s = items(deliveries)->getObject(0);
  expect_shape(s, kDeliverySummary, "platform delivery");
  ASSERT_TRUE(s->has("tenantId"));
  EXPECT_EQ(str(s, "tenantId"), "");  // a test send belongs to no tenant; a string per the SDK
  std::string did = str(s, "id");
  EXPECT_EQ(did.rfind("pwd_", 0), 0u);
  auto detail = http("GET", b + "/deliveries/" + did, org_key());
  ASSERT_EQ(detail.status, 200) << detail.body;
  expect_shape(data(detail),
               {{"webhookName", {T::Str}}, {"request", {T::Object}}, {"response", {T::Object}}},
               "platform delivery detail");
  Obj payload = data(detail)->getObject("request")->getObject("payload");
  EXPECT_TRUE(payload->getValue<bool>("_test"));
  EXPECT_TRUE(payload->has("tenant_id"));
  EXPECT_EQ(http("GET", b + "/deliveries?tenantId=" + a_->tenant + "&webhookId=" + id, org_key())
                .json->getValue<int>("total"),
            0);
  auto replayed = http("POST", b + "/deliveries/" + did + "/replay", org_key());
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  expect_shape(data(replayed), kReplay, "platform replay");
  expect_error(http("GET", b + "/deliveries/pwd_nosuch", org_key()), 404, "not_found");
  expect_error(http("GET", b + "/deliveries?success=1", org_key()), 400, "validation_error",
               "success");

  auto del = http("DELETE", b + "/" + id, org_key());
  ASSERT_EQ(del.status, 200) << del.body;
  expect_error(http("GET", b + "/" + id, org_key()), 404, "not_found");
  expect_error(http("GET", b + "/deliveries/" + did, org_key()), 404, "not_found");
}

// ---- archived tenants (behaviour.md C.10) ----

TEST_F(Resources, ArchivedTenantRefusesNewResources) {
  Party c = make_party("Archived Co");
  ASSERT_EQ(http("PATCH", "/v1/tenants/" + c.tenant, org_key(), "{\"status\":\"archived\"}").status,
            200);
  const std::string b = "/v1/tenants/" + c.tenant;
  expect_error(http("POST", b + "/credentials", org_key(), "{\"name\":\"n\",\"type\":\"smtp\"}"),
               403, "tenant_archived");
  expect_error(http("POST", b + "/domains", org_key(), "{\"name\":\"archived.example.com\"}"), 403,
               "tenant_archived");
  expect_error(http("POST", b + "/webhooks", org_key(),
                    "{\"name\":\"n\",\"url\":\"https://h.example.com/\"}"),
               403, "tenant_archived");
  EXPECT_EQ(count("credentials", c.tenant), 1);  // the scoped key made before archiving
  EXPECT_EQ(count("domains", c.tenant), 0);
  EXPECT_EQ(count("webhooks", c.tenant), 0);
  EXPECT_EQ(http("GET", b + "/credentials", org_key()).status, 200);  // data stays readable
  EXPECT_EQ(http("POST", b + "/suppressions", org_key(), "{\"address\":\"x@example.com\"}").status,
            201);
}

// ---- tenant deletion removes everything it owns ----

TEST_F(Resources, DeletingATenantRemovesItsResources) {
  Party c = make_party("Doomed Co");
  const std::string b = "/v1/tenants/" + c.tenant;
  auto dom = http("POST", b + "/domains", org_key(),
                  "{\"name\":\"" + unique("doomed") + kZoneSuffix + "\"}");
  ASSERT_EQ(dom.status, 201) << dom.body;
  std::string domain_id = std::to_string(data(dom)->getValue<int64_t>("id"));
  ASSERT_EQ(
      http("POST", b + "/tracking", org_key(), "{\"domainId\":" + domain_id + ",\"name\":\"t\"}")
          .status,
      201);
  ASSERT_EQ(http("POST", b + "/suppressions", org_key(), "{\"address\":\"d@example.com\"}").status,
            201);
  auto hook = http("POST", b + "/webhooks", org_key(),
                   "{\"name\":\"n\",\"url\":\"https://h.example.com/\"}");
  ASSERT_EQ(hook.status, 201);
  ASSERT_EQ(http("POST", b + "/webhooks/" + str(data(hook), "id") + "/test", org_key(),
                 "{\"event\":\"MessageHeld\"}")
                .status,
            200);
  ASSERT_EQ(http("DELETE", b, org_key()).status, 200);
  for (const char* table : {"credentials", "domains", "track_domains", "suppressions", "webhooks",
                            "webhook_deliveries", "api_keys"}) {
    EXPECT_EQ(count(table, c.tenant), 0) << table;
  }
  expect_error(http("GET", "/v1/tenants", c.key), 401, "invalid_api_key");
}

// ---- isolation: two tenants, each with its own tenant-scoped key ----

struct Owned {
  std::string credential;
  std::string domain;
  std::string domain_name;
  std::string address;
  std::string webhook;
  std::string delivery;
  std::string track;
};

Owned make_resources(const Party& p) {
  Owned o;
  const std::string b = "/v1/tenants/" + p.tenant;
  auto cred = http("POST", b + "/credentials", p.key,
                   "{\"name\":\"" + unique("c") + "\",\"type\":\"smtp\"}");
  o.credential = std::to_string(data(cred)->getValue<int64_t>("id"));
  o.domain_name = unique("iso") + kZoneSuffix;
  auto dom = http("POST", b + "/domains", p.key, "{\"name\":\"" + o.domain_name + "\"}");
  o.domain = std::to_string(data(dom)->getValue<int64_t>("id"));
  o.address = unique("secret-person") + "@example.com";
  http("POST", b + "/suppressions", p.key, "{\"address\":\"" + o.address + "\"}");
  auto hook = http("POST", b + "/webhooks", p.key,
                   "{\"name\":\"iso\",\"url\":\"https://" + o.domain_name + "/hook\"}");
  o.webhook = str(data(hook), "id");
  http("POST", b + "/webhooks/" + o.webhook + "/test", p.key, "{\"event\":\"MessageSent\"}");
  auto dl = http("GET", b + "/webhooks/" + o.webhook + "/deliveries", p.key);
  o.delivery = str(items(dl)->getObject(0), "id");
  auto track =
      http("POST", b + "/tracking", p.key, "{\"domainId\":" + o.domain + ",\"name\":\"t\"}");
  o.track = str(data(track), "id");
  return o;
}

struct Call {
  std::string method;
  std::string path;
  std::string body;
  bool names_resource = true;  // false: a list or a create that names no existing resource
};

// Every tenant-scoped endpoint of this part, on `tenant`, naming the resources in `o`.
std::vector<Call> tenant_calls(const std::string& tenant, const Owned& o) {
  const std::string t = "/v1/tenants/" + tenant;
  const std::string w = t + "/webhooks/" + o.webhook;
  return {
      {"POST", t + "/credentials", "{\"name\":\"intruder\",\"type\":\"smtp\"}", false},
      {"GET", t + "/credentials/" + o.credential, ""},
      {"GET", t + "/credentials/" + o.credential + "?reveal=true", ""},
      {"PATCH", t + "/credentials/" + o.credential, "{\"hold\":true}"},
      {"GET", t + "/credentials", "", false},
      {"DELETE", t + "/credentials/" + o.credential, ""},
      {"POST", t + "/domains", "{\"name\":\"intruder.example.com\"}", false},
      {"GET", t + "/domains/" + o.domain, ""},
      {"GET", t + "/domains", "", false},
      {"POST", t + "/domains/" + o.domain + "/verify", ""},
      {"DELETE", t + "/domains/" + o.domain, ""},
      {"POST", t + "/suppressions", "{\"address\":\"intruder@example.com\"}", false},
      {"GET", t + "/suppressions/" + o.address, ""},
      {"GET", t + "/suppressions", "", false},
      {"DELETE", t + "/suppressions/" + o.address, ""},
      {"POST", t + "/webhooks", "{\"name\":\"x\",\"url\":\"https://intruder.example.com/\"}",
       false},
      {"GET", w, ""},
      {"PATCH", w, "{\"enabled\":false}"},
      {"GET", t + "/webhooks", "", false},
      {"GET", w + "/deliveries", ""},
      {"GET", w + "/deliveries/" + o.delivery, ""},
      {"POST", w + "/deliveries/" + o.delivery + "/replay", ""},
      {"POST", w + "/test", "{\"event\":\"MessageSent\"}"},
      {"DELETE", w, ""},
      {"POST", t + "/tracking", "{\"domainId\":" + o.domain + ",\"name\":\"x\"}"},
      {"GET", t + "/tracking/" + o.track, ""},
      {"PATCH", t + "/tracking/" + o.track, "{\"trackClicks\":false}"},
      {"GET", t + "/tracking", "", false},
      {"POST", t + "/tracking/" + o.track + "/verify", ""},
      {"DELETE", t + "/tracking/" + o.track, ""},
  };
}

// The other tenant's data must not appear in a response (unless the caller sent it).
void expect_no_leak(const HttpResult& r, const Owned& other, const Call& c) {
  for (const std::string& secret : {other.domain_name, other.address, other.delivery}) {
    if (c.path.find(secret) != std::string::npos || c.body.find(secret) != std::string::npos) {
      continue;
    }
    EXPECT_EQ(r.body.find(secret), std::string::npos)
        << c.method << " " << c.path << " leaked " << secret;
  }
}

TEST_F(Resources, IsolationBetweenTwoTenants) {
  make_resources(*a_);
  Owned ob = make_resources(*b_);
  ASSERT_FALSE(ob.delivery.empty());
  auto snapshot = [&] {
    return sql("SELECT CONCAT((SELECT COUNT(*) FROM credentials WHERE tenant_id='" + b_->tenant +
               "'),'/',(SELECT COUNT(*) FROM domains WHERE tenant_id='" + b_->tenant +
               "'),'/',(SELECT COUNT(*) FROM suppressions WHERE tenant_id='" + b_->tenant +
               "'),'/',(SELECT COUNT(*) FROM webhooks WHERE tenant_id='" + b_->tenant +
               "'),'/',(SELECT COUNT(*) FROM webhook_deliveries WHERE tenant_id='" + b_->tenant +
               "'),'/',(SELECT COUNT(*) FROM track_domains WHERE tenant_id='" + b_->tenant +
               "'),'/',(SELECT SUM(hold) FROM credentials WHERE tenant_id='" + b_->tenant + "'))");
  };
  std::string before = snapshot();
  // A's key on B's tenant: 403 for every endpoint, before anything is looked up.
  for (const Call& c : tenant_calls(b_->tenant, ob)) {
    auto r = http(c.method, c.path, a_->key, c.body);
    EXPECT_EQ(r.status, 403) << c.method << " " << c.path << ": " << r.body;
    expect_no_leak(r, ob, c);
  }
  // A's key on A's own tenant, naming B's resources: 404 (or, for lists and creates, A's
  // own data only).
  for (const Call& c : tenant_calls(a_->tenant, ob)) {
    auto r = http(c.method, c.path, a_->key, c.body);
    if (c.path.find("/suppressions/") != std::string::npos && c.method == "GET") {
      // The check endpoint answers for any address: B's entry must not show through.
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_FALSE(data(r)->getValue<bool>("suppressed")) << "B's suppression visible to A";
    } else if (c.names_resource) {
      EXPECT_TRUE(r.status == 404 || r.status == 403)
          << c.method << " " << c.path << ": " << r.body;
    } else {
      EXPECT_LT(r.status, 300) << c.method << " " << c.path << ": " << r.body;
    }
    expect_no_leak(r, ob, c);
  }
  EXPECT_EQ(snapshot(), before) << "tenant B's data changed through tenant A's key";
  // B's key still sees all of B's resources.
  EXPECT_EQ(http("GET", "/v1/tenants/" + b_->tenant + "/domains/" + ob.domain, b_->key).status,
            200);
  EXPECT_EQ(http("GET", "/v1/tenants/" + b_->tenant + "/tracking/" + ob.track, b_->key).status,
            200);
}

}  // namespace
}  // namespace ark::itest
