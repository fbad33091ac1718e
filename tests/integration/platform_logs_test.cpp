// The API request log (every request, secrets redacted, filters, per-tenant visibility,
// retention enforced) and the API rate limit (headers on every response, 429 with
// Retry-After, GET /limits).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <sstream>

#include "tests/integration/aux_admind.h"
#include "tests/integration/platform_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;

std::string request_id(const ApiResult& r) {
  return r.json->getObject("meta")->getValue<std::string>("requestId");
}

// The log entry of a request (it is written just after the response).
Poco::JSON::Object::Ptr log_entry(const std::string& id, const std::string& key = "") {
  Poco::JSON::Object::Ptr out;
  eventually(
      [&] {
        auto r = call("GET", "/v1/logs/" + id, key.empty() ? org_key() : key);
        out = r.status == 200 ? r.data() : nullptr;
        return !out.isNull();
      },
      15s);
  return out;
}

std::string text_of(const Poco::Dynamic::Var& v) {
  std::ostringstream s;
  Poco::JSON::Stringifier::condense(v, s);
  return s.str();
}

TEST(RequestLog, RecordsTheExchangeWithSecretsRedacted) {
  TestTenant t = new_tenant("Log Co");
  auto created = call("POST", "/v1/tenants/" + t.id + "/credentials", org_key(),
                      R"({"name":"log-cred","type":"smtp"})",
                      {{"User-Agent", "platform-itest/1"},
                       {"X-Stainless-Lang", "go"},
                       {"X-Stainless-Package-Version", "0.18.1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string secret = created.data()->getValue<std::string>("key");
  auto e = log_entry(request_id(created));
  ASSERT_FALSE(e.isNull()) << "the request was never logged";
  EXPECT_EQ(e->getValue<std::string>("method"), "POST");
  EXPECT_EQ(e->getValue<std::string>("path"), "/v1/tenants/" + t.id + "/credentials");
  EXPECT_EQ(e->getValue<std::string>("endpoint"), "tenants.credentials.create");
  EXPECT_EQ(e->getValue<int>("statusCode"), 201);
  EXPECT_GE(e->getValue<int>("durationMs"), 0);
  EXPECT_EQ(e->getObject("credential")->getValue<std::string>("keyPrefix"), org_key().substr(0, 8));
  EXPECT_EQ(e->getObject("context")->getValue<std::string>("userAgent"), "platform-itest/1");
  EXPECT_EQ(e->getObject("context")->getValue<std::string>("ipAddress"), "127.0.0.1");
  EXPECT_EQ(e->getObject("sdk")->getValue<std::string>("name"), "go");
  EXPECT_EQ(e->getObject("sdk")->getValue<std::string>("version"), "0.18.1");
  EXPECT_TRUE(e->get("error").isEmpty());
  EXPECT_TRUE(e->get("email").isEmpty());
  auto request = e->getObject("request");
  EXPECT_EQ(request->getObject("body")->getValue<std::string>("name"), "log-cred");
  EXPECT_EQ(request->getValue<int>("bodySize"), 33);
  auto response = e->getObject("response")->getObject("body");
  EXPECT_EQ(response->getObject("data")->getValue<std::string>("key"), "[REDACTED]");
  EXPECT_EQ(response->getObject("data")->getValue<std::string>("smtpUsername"), "[REDACTED]");
  std::string whole = text_of(e);
  EXPECT_EQ(whole.find(secret), std::string::npos) << whole;
  EXPECT_EQ(whole.find(org_key()), std::string::npos) << "the Authorization key was stored";
  // Nothing of either secret reached the table, sealed or not.
  for (const std::string& s : {secret, org_key()}) {
    EXPECT_EQ(sql_count("SELECT COUNT(*) FROM api_request_logs WHERE CONCAT_WS('|', "
                        "request_body, response_body, query_params, user_agent, key_prefix, "
                        "path) LIKE '%" +
                        s + "%'"),
              0);
  }
}

TEST(RequestLog, ErrorsUnauthenticatedAndEmailContext) {
  auto missing = call("GET", "/v1/tenants/cmnosuchtenant00", org_key());
  ASSERT_EQ(missing.status, 404);
  auto e = log_entry(request_id(missing));
  ASSERT_FALSE(e.isNull());
  EXPECT_EQ(e->getObject("error")->getValue<std::string>("code"), "not_found");
  auto anonymous = call("GET", "/v1/tenants?perPage=3", "");
  ASSERT_EQ(anonymous.status, 401);
  auto a = log_entry(request_id(anonymous));
  ASSERT_FALSE(a.isNull());
  EXPECT_EQ(a->getObject("credential")->getValue<std::string>("id"), "");
  EXPECT_EQ(a->getObject("error")->getValue<std::string>("code"), "authentication_required");
  EXPECT_EQ(a->getObject("context")->getObject("queryParams")->getValue<std::string>("perPage"),
            "3");

  TestTenant t = new_tenant("Log Email Co");
  auto sent = send_email(t, {"log1@ok.test", "log2@ok.test"}, "logged send", "",
                         {{"Idempotency-Key", unique_name("log")}});
  std::string id = sent_id(sent);
  auto s = log_entry(request_id(sent));
  ASSERT_FALSE(s.isNull());
  EXPECT_EQ(s->getObject("email")->getValue<std::string>("id"), id);
  EXPECT_EQ(s->getObject("email")->getValue<int>("recipientCount"), 2);
  EXPECT_FALSE(s->getObject("context")->getValue<std::string>("idempotencyKey").empty());
}

TEST(RequestLog, FiltersAndPaging) {
  auto marker = call("GET", "/v1/tenants/cmfilterprobe000", org_key());
  std::string id = request_id(marker);
  ASSERT_FALSE(log_entry(id).isNull());
  std::string part = id.substr(4, 10);
  auto found =
      call("GET", "/v1/logs?requestId=" + part + "&statusCode=404&endpoint=tenants.get", org_key());
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json->getValue<int>("total"), 1) << found.body;
  EXPECT_EQ(found.json->getArray("data")->getObject(0)->getValue<std::string>("requestId"), id);
  EXPECT_FALSE(found.json->getArray("data")->getObject(0)->has("request"));  // no bodies in lists
  EXPECT_EQ(call("GET", "/v1/logs?status=success&requestId=" + part, org_key())
                .json->getValue<int>("total"),
            0);
  EXPECT_EQ(call("GET", "/v1/logs?status=error&requestId=" + part, org_key())
                .json->getValue<int>("total"),
            1);
  EXPECT_EQ(call("GET", "/v1/logs?startDate=2099-01-01T00:00:00%2B02:00", org_key())
                .json->getValue<int>("total"),
            0);
  auto credential_id = log_entry(id)->getObject("credential")->getValue<std::string>("id");
  auto by_key = call("GET", "/v1/logs?perPage=100&credentialId=" + credential_id, org_key());
  auto items = by_key.json->getArray("data");
  ASSERT_GT(items->size(), 0u);
  for (size_t i = 0; i < items->size(); ++i) {
    EXPECT_EQ(items->getObject(static_cast<unsigned>(i))
                  ->getObject("credential")
                  ->getValue<std::string>("id"),
              credential_id);
  }
  // newest first
  auto newest = call("GET", "/v1/logs?perPage=2", org_key()).json->getArray("data");
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_GE(newest->getObject(0)->getValue<std::string>("timestamp"),
            newest->getObject(1)->getValue<std::string>("timestamp"));
  for (const auto& [q, field] :
       std::vector<std::pair<std::string, std::string>>{{"status=ok", "status"},
                                                        {"statusCode=99", "statusCode"},
                                                        {"startDate=yesterday", "startDate"},
                                                        {"endDate=2024-01-01", "endDate"},
                                                        {"perPage=101", "perPage"},
                                                        {"page=0", "page"}}) {
    auto bad = call("GET", "/v1/logs?" + q, org_key());
    EXPECT_EQ(bad.status, 400) << q;
    EXPECT_EQ(bad.error_field(), field) << q;
  }
  EXPECT_EQ(call("GET", "/v1/logs/req_doesnotexist0000", org_key()).status, 404);
}

TEST(RequestLog, TenantKeysSeeOnlyTheirTenantsRequests) {
  TestTenant a = new_tenant("Log Iso A");
  TestTenant b = new_tenant("Log Iso B");
  auto mine = call("GET", "/v1/tenants/" + a.id, a.key);
  ASSERT_EQ(mine.status, 200);
  std::string id = request_id(mine);
  ASSERT_FALSE(log_entry(id, a.key).isNull());
  EXPECT_EQ(call("GET", "/v1/logs/" + id, b.key).status, 404);
  EXPECT_EQ(call("GET", "/v1/logs/" + id, org_key()).status, 200);
  auto list_b = call("GET", "/v1/logs?perPage=100", b.key);
  EXPECT_EQ(list_b.body.find(id), std::string::npos);
  auto list_a = call("GET", "/v1/logs?perPage=100&requestId=" + id, a.key);
  EXPECT_EQ(list_a.json->getValue<int>("total"), 1);
}

// retention.api_logs (30 d) and retention.raw_messages (7 d): rows past the horizon are
// invisible at once and deleted by the purge (the aux admind purges every second).
TEST(Retention, OldLogsAndRawMessagesAreRemoved) {
  std::string old_id = "req_" + unique_name("old").substr(0, 16);
  sql_value(
      "INSERT INTO api_request_logs (request_id, method, path, endpoint, status_code, "
      "duration_ms, received_at) VALUES ('" +
      old_id +
      "', 'GET', '/v1/limits', "
      "'limits.get', 200, 1, UTC_TIMESTAMP(6) - INTERVAL 31 DAY)");
  ASSERT_EQ(sql_count("SELECT COUNT(*) FROM api_request_logs WHERE request_id = '" + old_id + "'"),
            1);
  EXPECT_EQ(call("GET", "/v1/logs/" + old_id, org_key()).status, 404);
  TestTenant t = new_tenant("Retention Co");
  std::string email = sent_id(send_email(t, {"keep@ok.test"}, "old message"));
  ASSERT_EQ(wait_status(email, "sent"), "sent");
  sql_value(
      "UPDATE messages m JOIN emails e ON e.message_id = m.id SET m.created_at = "
      "UTC_TIMESTAMP(6) - INTERVAL 8 DAY WHERE e.id = '" +
      email + "'");
  AuxAdmind aux(std::map<std::string, std::string>{{"retention.purge_interval", "1s"}});
  EXPECT_TRUE(eventually(
      [&] {
        return sql_count("SELECT COUNT(*) FROM api_request_logs WHERE request_id = '" + old_id +
                         "'") == 0;
      },
      15s))
      << "the old log row was not purged";
  EXPECT_TRUE(eventually(
      [&] {
        return sql_count(
                   "SELECT COUNT(*) FROM messages m JOIN emails e ON e.message_id = m.id "
                   "WHERE e.id = '" +
                   email + "' AND m.raw_message IS NULL") == 1;
      },
      15s))
      << "the old raw message was kept";
  auto r = call("GET", "/v1/emails/" + email + "?expand=raw,content", t.key);
  EXPECT_FALSE(r.data()->has("rawMessage"));
  EXPECT_FALSE(r.data()->has("plainBody"));
  // Recent rows stay.
  EXPECT_GT(sql_count("SELECT COUNT(*) FROM api_request_logs WHERE received_at > "
                      "UTC_TIMESTAMP(6) - INTERVAL 1 HOUR"),
            0);
}

int configured_rate_limit() {
  std::smatch m;
  std::string yaml = read_file(env_get("ARK_ADMIND_CONFIG"));
  static const std::regex kRate(R"(\n  rate_limit: (\d+))");
  return std::regex_search(yaml, m, kRate) ? std::stoi(m[1]) : 10;
}

TEST(RateLimit, HeadersOnEveryResponseAndLimits) {
  TestTenant t = new_tenant("Rate Co");
  for (const auto& r : {call("GET", "/v1/limits", t.key), call("GET", "/v1/nosuchroute", t.key),
                        call("GET", "/v1/tenants", "ark_unknown_key_000000000000"),
                        call("GET", "/v1/tenants/cmnosuch0000000", t.key)}) {
    EXPECT_EQ(r.header("X-RateLimit-Limit"), std::to_string(configured_rate_limit())) << r.body;
    EXPECT_FALSE(r.header("X-RateLimit-Remaining").empty());
    EXPECT_GE(std::stoll(r.header("X-RateLimit-Reset")), now_s());
  }
  auto limits = call("GET", "/v1/limits", t.key);
  ASSERT_EQ(limits.status, 200) << limits.body;
  auto rate = limits.data()->getObject("rateLimit");
  EXPECT_EQ(rate->getValue<int>("limit"), configured_rate_limit());
  EXPECT_EQ(std::to_string(rate->getValue<int>("remaining")),
            limits.header("X-RateLimit-Remaining"));
  EXPECT_EQ(std::to_string(rate->getValue<int64_t>("reset")), limits.header("X-RateLimit-Reset"));
  EXPECT_EQ(rate->getValue<std::string>("period"), "second");
  EXPECT_TRUE(limits.data()->get("billing").isEmpty());
  // sendLimit: the tenant's hourly window as the send path counts it. The dev stack sets no
  // default limit, so the limit-derived fields are null.
  auto send = limits.data()->getObject("sendLimit");
  ASSERT_FALSE(send.isNull()) << limits.body;
  EXPECT_EQ(send->getValue<int>("used"), 0);
  EXPECT_TRUE(send->get("limit").isEmpty());
  EXPECT_TRUE(send->get("remaining").isEmpty());
  EXPECT_TRUE(send->get("usagePercent").isEmpty());
  EXPECT_FALSE(send->getValue<bool>("approaching"));
  EXPECT_FALSE(send->getValue<bool>("exceeded"));
  EXPECT_EQ(send->getValue<std::string>("period"), "hour");
  EXPECT_EQ(send->getValue<std::string>("resetsAt").substr(13), ":00:00.000Z");
  // An organisation key names no account here (api.default_tenant is not set).
  auto org = call("GET", "/v1/limits", org_key());
  EXPECT_TRUE(org.data()->get("sendLimit").isEmpty()) << org.body;
}

TEST(RateLimit, PerKeyWindowAnswers429WithRetryAfter) {
  AuxAdmind aux(std::map<std::string, std::string>{{"api.rate_limit", "3"}});
  TestTenant a = new_tenant("Rate A");
  TestTenant b = new_tenant("Rate B");
  std::vector<ApiResult> results;
  for (int i = 0; i < 6; ++i) {
    results.push_back(call("GET", "/v1/tenants/" + a.id, a.key, "", {}, false, aux.url()));
  }
  int ok = 0;
  const ApiResult* limited = nullptr;
  for (const auto& r : results) {
    ok += r.status == 200;
    if (r.status == 429 && limited == nullptr) {
      limited = &r;
    }
  }
  EXPECT_LE(ok, 3);
  ASSERT_NE(limited, nullptr) << "six requests inside a second were all served";
  EXPECT_EQ(limited->error_code(), "rate_limit_exceeded");
  EXPECT_EQ(limited->header("X-RateLimit-Limit"), "3");
  EXPECT_EQ(limited->header("X-RateLimit-Remaining"), "0");
  int wait = std::stoi(limited->header("Retry-After"));
  EXPECT_GE(wait, 1);
  // Another key has its own window.
  EXPECT_EQ(call("GET", "/v1/tenants/" + b.id, b.key, "", {}, false, aux.url()).status, 200);
  std::this_thread::sleep_for(std::chrono::seconds(wait));
  EXPECT_EQ(call("GET", "/v1/tenants/" + a.id, a.key, "", {}, false, aux.url()).status, 200);
  // The refusal is in the request log, marked as limited.
  auto e = log_entry(limited->json->getObject("meta")->getValue<std::string>("requestId"));
  ASSERT_FALSE(e.isNull());
  EXPECT_TRUE(e->getObject("rateLimit")->getValue<bool>("limited"));
  EXPECT_EQ(e->getValue<int>("statusCode"), 429);
}

// GET /metrics: Prometheus text with this admind's counters and the outbox backlog read
// at the scrape; organisation keys only.
TEST(Metrics, CountersForOrganisationKeysOnly) {
  TestTenant t = new_tenant("Metrics Co");
  ASSERT_EQ(call("GET", "/v1/tenants/" + t.id, org_key()).status, 200);
  auto m = call("GET", "/metrics", org_key());
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.header("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u)
      << m.header("Content-Type");
  std::smatch got;
  std::regex requests(R"re(ark_http_requests_total\{endpoint="tenants\.get",code="2xx"\} (\d+))re");
  ASSERT_TRUE(std::regex_search(m.body, got, requests)) << m.body.substr(0, 2000);
  EXPECT_GE(std::stoll(got[1]), 1);
  EXPECT_NE(m.body.find("# TYPE ark_http_requests_total counter"), std::string::npos);
  // The latency histogram of the same endpoint: every request lands in the +Inf bucket.
  std::smatch inf;
  ASSERT_TRUE(std::regex_search(
      m.body, inf,
      std::regex(
          R"re(ark_http_request_duration_seconds_bucket\{endpoint="tenants\.get",le="\+Inf"\} (\d+))re")))
      << m.body.substr(0, 3000);
  EXPECT_GE(std::stoll(inf[1]), 1);
  EXPECT_NE(m.body.find("ark_http_request_duration_seconds_count{endpoint=\"tenants.get\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("\nark_database_up 1\n"), std::string::npos) << m.body.substr(0, 2000);
  EXPECT_TRUE(std::regex_search(
      m.body, std::regex(R"re(ark_outbox_backlog\{kind="events_pending"\} \d+)re")))
      << m.body.substr(0, 2000);

  // The counter moves with the traffic.
  ASSERT_EQ(call("GET", "/v1/tenants/" + t.id, org_key()).status, 200);
  auto again = call("GET", "/metrics", org_key());
  std::smatch later;
  ASSERT_TRUE(std::regex_search(again.body, later, requests));
  EXPECT_GT(std::stoll(later[1]), std::stoll(got[1]));

  auto tenant = call("GET", "/metrics", t.key);
  EXPECT_EQ(tenant.status, 403);
  EXPECT_EQ(tenant.error_code(), "permission_denied");
  EXPECT_EQ(call("GET", "/metrics", "").status, 401);
}

}  // namespace
}  // namespace ark::itest
