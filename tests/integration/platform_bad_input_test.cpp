// Bad input across the API (issue 3 acceptance): page=0 (400 except the two lists that
// allow it), perPage out of range on every paginated list, 51 recipients, oversized batches,
// a body over the size limit (413), malformed JSON; and after every rejected request nothing
// is half-written in the database.
#include <gtest/gtest.h>

#include "tests/integration/platform_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

struct Counts {
  int64_t messages = 0;
  int64_t emails = 0;
  int64_t in_flight_keys = 0;
  bool operator==(const Counts& o) const {
    return messages == o.messages && emails == o.emails && in_flight_keys == o.in_flight_keys;
  }
};

Counts counts(const std::string& tenant) {
  return {sql_count("SELECT COUNT(*) FROM messages WHERE tenant_id = '" + tenant + "'"),
          sql_count("SELECT COUNT(*) FROM emails WHERE tenant_id = '" + tenant + "'"),
          sql_count("SELECT COUNT(*) FROM idempotency_keys WHERE state = 'in_flight'")};
}

std::string recipients(int n) {
  std::string list;
  for (int i = 0; i < n; ++i) {
    list += (i ? "," : "") + json_str("r" + std::to_string(i) + "@ok.test");
  }
  return "[" + list + "]";
}

// The eight page-number lists (api.md §2.5); the suppression list and the platform delivery
// list treat page=0 as page 1.
std::vector<std::pair<std::string, bool>> paginated(const TestTenant& t, const std::string& hook) {
  return {{"/v1/emails", false},
          {"/v1/logs", false},
          {"/v1/usage/tenants", false},
          {"/v1/tenants", false},
          {"/v1/tenants/" + t.id + "/credentials", false},
          {"/v1/tenants/" + t.id + "/suppressions", true},
          {"/v1/platform/webhooks/deliveries", true},
          {"/v1/tenants/" + t.id + "/webhooks/" + hook + "/deliveries", false}};
}

TEST(BadInput, PagingRulesOnEveryPaginatedList) {
  TestTenant t = new_tenant("Paging Co");
  auto hook = call("POST", "/v1/tenants/" + t.id + "/webhooks", org_key(),
                   R"({"name":"paging","url":"https://127.0.0.1:9/p"})");
  ASSERT_EQ(hook.status, 201) << hook.body;
  std::string hook_id = hook.data()->getValue<std::string>("id");
  for (const auto& [path, zero_ok] : paginated(t, hook_id)) {
    auto zero = call("GET", path + "?page=0", org_key());
    if (zero_ok) {
      EXPECT_EQ(zero.status, 200) << path << " " << zero.body;
      if (zero.status == 200) {
        EXPECT_EQ(zero.json->getValue<int>("page"), 1) << path;
      }
    } else {
      EXPECT_EQ(zero.status, 400) << path;
      EXPECT_EQ(zero.error_field(), "page") << path;
    }
    for (const char* q : {"perPage=101", "perPage=0", "page=-1", "page=two", "perPage=1.5"}) {
      auto r = call("GET", path + "?" + std::string(q), org_key());
      EXPECT_EQ(r.status, 400) << path << "?" << q << " " << r.body;
      EXPECT_EQ(r.error_code(), "validation_error") << path << "?" << q;
    }
    auto max = call("GET", path + "?perPage=100&page=1", org_key());
    EXPECT_EQ(max.status, 200) << path << " " << max.body;
  }
}

TEST(BadInput, RejectedSendsWriteNothing) {
  TestTenant t = new_tenant("Reject Co");
  Counts before = counts(t.id);
  std::string base =
      R"({"from":")" + t.from() + R"(","subject":"s","text":"t","tenantId":")" + t.id + "\",";
  struct Case {
    std::string name;
    std::string path;
    std::string body;
    int status;
    std::string field;
  };
  std::vector<Case> cases = {
      {"51 recipients", "/v1/emails", base + "\"to\":" + recipients(51) + "}", 400, "to"},
      {"no recipients", "/v1/emails", base + "\"to\":[]}", 400, "to"},
      {"bad address", "/v1/emails", base + "\"to\":[\"nope\"]}", 400, "to"},
      {"to not an array", "/v1/emails", base + "\"to\":\"x@ok.test\"}", 400, "to"},
      {"subject too long", "/v1/emails",
       R"({"from":")" + t.from() + R"(","to":["x@ok.test"],"text":"t","subject":")" +
           std::string(999, 's') + "\",\"tenantId\":\"" + t.id + "\"}",
       400, "subject"},
      {"malformed JSON", "/v1/emails", "{\"from\": \"" + t.from() + "\", \"to\": [", 400, ""},
      {"batch of 101", "/v1/emails/batch",
       R"({"from":")" + t.from() + R"(","tenantId":")" + t.id + R"(","emails":[)" +
           [] {
             std::string items;
             for (int i = 0; i < 101; ++i) {
               items +=
                   (i ? "," : "") + std::string(R"({"to":["b@ok.test"],"subject":"s","text":"t"})");
             }
             return items;
           }() +
           "]}",
       400, "emails"},
      {"raw not base64", "/v1/emails/raw",
       R"({"from":")" + t.from() +
           R"(","to":["x@ok.test"],"rawMessage":"%%%not base64%%%","tenantId":")" + t.id + "\"}",
       400, "rawMessage"},
  };
  for (const auto& c : cases) {
    auto r = call("POST", c.path, org_key(), c.body, {{"Idempotency-Key", unique_name("rej")}});
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body.substr(0, 300);
    if (!c.field.empty()) {
      EXPECT_EQ(r.error_field(), c.field) << c.name;
    }
    EXPECT_TRUE(counts(t.id) == before) << c.name << " left rows behind";
  }
}

TEST(BadInput, BodyOverTheSizeLimitIs413AndWritesNothing) {
  TestTenant t = new_tenant("Big Co");
  Counts before = counts(t.id);
  // dev stack: api.max_body_size 20MB
  std::string huge = R"({"from":")" + t.from() +
                     R"(","to":["x@ok.test"],"subject":"big","tenantId":")" + t.id +
                     R"(","text":")" + std::string(21 * 1024 * 1024, 'x') + "\"}";
  auto r = call("POST", "/v1/emails", org_key(), huge);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_code(), "payload_too_large");
  EXPECT_TRUE(counts(t.id) == before);
  // The server is still fine afterwards.
  EXPECT_EQ(call("GET", "/v1/tenants/" + t.id, org_key()).status, 200);
}

TEST(BadInput, UnknownIdsAre404OnTheEmailFamily) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/emails/nosuchemail00000"},
           {"GET", "/v1/emails/nosuchemail00000/deliveries"},
           {"POST", "/v1/emails/nosuchemail00000/retry"},
           {"GET", "/v1/logs/req_nosuchrequest000"},
           {"GET", "/v1/tenants/cmnosuchtenant00/usage"},
           {"GET", "/v1/tenants/cmnosuchtenant00/usage/timeseries"}}) {
    auto r = call(method, path, org_key());
    EXPECT_EQ(r.status, 404) << method << " " << path;
    EXPECT_EQ(r.error_code(), "not_found") << path;
  }
}

// The tenants family: wrong types, missing and over-long names, unknown status values,
// metadata that is not a flat map, an empty update, unknown ids; nothing is written.
TEST(BadInput, TenantsFamilyIsValidatedAndWritesNothing) {
  TestTenant t = new_tenant("Tenant Rules Co");
  auto tenant_rows = [] { return sql_count("SELECT COUNT(*) FROM tenants"); };
  auto row_of = [&] {
    return sql_value(
        "SELECT CONCAT(name, '|', status, '|', COALESCE(metadata, '')) FROM tenants "
        "WHERE id = '" +
        t.id + "'");
  };
  int64_t before = tenant_rows();
  std::string stored = row_of();
  struct Case {
    std::string name;
    std::string method;
    std::string path;
    std::string body;
    int status;
    std::string field;
  };
  std::string one = "/v1/tenants/" + t.id;
  std::vector<Case> cases = {
      {"create without name", "POST", "/v1/tenants", "{}", 400, "name"},
      {"name not a string", "POST", "/v1/tenants", R"({"name":42})", 400, "name"},
      {"empty name", "POST", "/v1/tenants", R"({"name":""})", 400, "name"},
      {"name over 100", "POST", "/v1/tenants", R"({"name":")" + std::string(101, 'n') + "\"}", 400,
       "name"},
      {"metadata not an object", "POST", "/v1/tenants", R"({"name":"M","metadata":[1]})", 400,
       "metadata"},
      {"nested metadata", "POST", "/v1/tenants", R"({"name":"M","metadata":{"a":{"b":1}}})", 400,
       "metadata"},
      {"malformed JSON", "POST", "/v1/tenants", R"({"name":)", 400, ""},
      {"unknown status", "PATCH", one, R"({"status":"paused"})", 400, "status"},
      {"status not a string", "PATCH", one, R"({"status":1})", 400, "status"},
      {"empty update", "PATCH", one, "{}", 400, ""},
      {"over-long rename", "PATCH", one, R"({"name":")" + std::string(101, 'n') + "\"}", 400,
       "name"},
      {"bad list status", "GET", "/v1/tenants?status=paused", "", 400, "status"},
      {"perPage 101", "GET", "/v1/tenants?perPage=101", "", 400, "perPage"},
      {"unknown id", "GET", "/v1/tenants/cmnosuchtenant00", "", 404, ""},
      {"unknown id update", "PATCH", "/v1/tenants/cmnosuchtenant00", R"({"name":"x"})", 404, ""},
      {"unknown id delete", "DELETE", "/v1/tenants/cmnosuchtenant00", "", 404, ""},
  };
  for (const auto& c : cases) {
    auto r = call(c.method, c.path, org_key(), c.body);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body.substr(0, 300);
    EXPECT_FALSE(r.error_code().empty()) << c.name << ": no error envelope: " << r.body;
    if (!c.field.empty()) {
      EXPECT_EQ(r.error_field(), c.field) << c.name << ": " << r.body.substr(0, 300);
    }
  }
  EXPECT_EQ(tenant_rows(), before) << "a refused create left a tenant behind";
  EXPECT_EQ(row_of(), stored) << "a refused update changed the tenant";
}

}  // namespace
}  // namespace ark::itest
