// Idempotency-Key on POST (behaviour.md Appendix C.1) against the real stack: replay of the
// stored response, a different body, concurrent duplicates (exactly one email), scope per
// owner, keys of failed requests released.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/integration/platform_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

int64_t emails_with_subject(const std::string& tenant, const std::string& subject) {
  return sql_count(
      "SELECT COUNT(*) FROM emails e JOIN messages m ON m.id = e.message_id "
      "WHERE e.tenant_id = '" +
      tenant + "' AND m.subject = '" + subject + "'");
}

TEST(Idempotency, SameKeySameBodyReplaysTheFirstResponse) {
  TestTenant t = new_tenant("Idem Co");
  std::string key = unique_name("order-");
  auto first = send_email(t, {"idem@ok.test"}, "idem once", "", {{"Idempotency-Key", key}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(first.header("Idempotent-Replayed").empty());
  auto again = send_email(t, {"idem@ok.test"}, "idem once", "", {{"Idempotency-Key", key}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(again.body, first.body);  // byte for byte, the same email id and status
  EXPECT_EQ(emails_with_subject(t.id, "idem once"), 1);

  auto other_body = send_email(t, {"idem@ok.test"}, "idem twice", "", {{"Idempotency-Key", key}});
  EXPECT_EQ(other_body.status, 422);
  EXPECT_EQ(other_body.error_code(), "idempotency_key_reused");
  EXPECT_EQ(emails_with_subject(t.id, "idem twice"), 0);
}

TEST(Idempotency, ConcurrentDuplicatesCreateExactlyOneEmail) {
  TestTenant t = new_tenant("Idem Race Co");
  std::string key = unique_name("race-");
  constexpr int kThreads = 8;
  std::vector<ApiResult> results(kThreads);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go) {
        std::this_thread::yield();
      }
      results[i] = send_email(t, {"race@ok.test"}, "race", "", {{"Idempotency-Key", key}});
    });
  }
  go = true;
  for (auto& th : threads) {
    th.join();
  }
  std::set<std::string> ids;
  int in_progress = 0;
  for (const auto& r : results) {
    if (r.status == 409) {
      ++in_progress;
      EXPECT_EQ(r.error_code(), "idempotency_in_progress");
      EXPECT_EQ(r.header("Retry-After"), "1");
      continue;
    }
    ASSERT_EQ(r.status, 200) << r.body;
    ids.insert(r.data()->getValue<std::string>("id"));
  }
  EXPECT_EQ(ids.size(), 1u) << "different emails for one key";
  EXPECT_EQ(emails_with_subject(t.id, "race"), 1);
  auto after = send_email(t, {"race@ok.test"}, "race", "", {{"Idempotency-Key", key}});
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(ids.count(after.data()->getValue<std::string>("id")), 1u);
}

TEST(Idempotency, ScopedToTheKeysOwner) {
  TestTenant t = new_tenant("Idem Scope Co");
  std::string key = unique_name("scope-");
  std::string body = R"({"name":"Idem Scoped Tenant"})";
  auto org_first = call("POST", "/v1/tenants", org_key(), body, {{"Idempotency-Key", key}});
  ASSERT_EQ(org_first.status, 201) << org_first.body;
  auto org_again = call("POST", "/v1/tenants", org_key(), body, {{"Idempotency-Key", key}});
  EXPECT_EQ(org_again.status, 201);
  EXPECT_EQ(org_again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(org_again.data()->getValue<std::string>("id"),
            org_first.data()->getValue<std::string>("id"));
  // The same key string under a tenant-scoped key is another owner: processed anew (and
  // refused here, because tenant keys cannot create tenants).
  auto tenant_try = call("POST", "/v1/tenants", t.key, body, {{"Idempotency-Key", key}});
  EXPECT_EQ(tenant_try.status, 403);
  EXPECT_TRUE(tenant_try.header("Idempotent-Replayed").empty());
}

TEST(Idempotency, FailedRequestsReleaseTheKeyAndBadKeysAre400) {
  TestTenant t = new_tenant("Idem Fail Co");
  std::string key = unique_name("fail-");
  auto bad = call("POST", "/v1/emails", org_key(),
                  R"({"from":")" + t.from() +
                      R"(","to":["x@ok.test"],"text":"no subject","tenantId":")" + t.id + "\"}",
                  {{"Idempotency-Key", key}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(sql_count("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = '" + key + "'"), 0);
  auto good = send_email(t, {"x@ok.test"}, "after failure", "", {{"Idempotency-Key", key}});
  EXPECT_EQ(good.status, 200) << good.body;
  EXPECT_TRUE(good.header("Idempotent-Replayed").empty());
  for (const std::string& k :
       {std::string("has space"), std::string(256, 'k'), std::string("a/b")}) {
    auto r = send_email(t, {"x@ok.test"}, "bad key", "", {{"Idempotency-Key", k}});
    EXPECT_EQ(r.status, 400) << k;
    EXPECT_EQ(r.error_field(), "Idempotency-Key") << k;
  }
  EXPECT_EQ(emails_with_subject(t.id, "bad key"), 0);
  // GET ignores the header.
  EXPECT_EQ(
      call("GET", "/v1/tenants/" + t.id, t.key, "", {{"Idempotency-Key", "has space"}}).status,
      200);
}

}  // namespace
}  // namespace ark::itest
