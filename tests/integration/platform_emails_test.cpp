// Email read endpoints against the real stack: the list with its filters, the delivery
// history with Postfix's real retry state, manual retry against the data model, and the
// expand items built from the stored MIME message.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <chrono>

#include "core/crypto/crypto.h"
#include "tests/integration/aux_admind.h"
#include "tests/integration/platform_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> ids_of(const ApiResult& r) {
  std::vector<std::string> out;
  if (r.json.isNull() || !r.json->isArray("data")) {
    return out;
  }
  auto arr = r.json->getArray("data");
  for (size_t i = 0; i < arr->size(); ++i) {
    out.push_back(arr->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
  }
  return out;
}

TEST(EmailList, NewestFirstFiltersAndPagesWithinTheKeysTenant) {
  TestTenant t = new_tenant("List Co");
  std::string a = sent_id(send_email(t, {"list-a@ok.test"}, "list a"));
  std::string b = sent_id(send_email(t, {"list-b@reject.test"}, "list b"));
  int64_t between = now_s();
  std::this_thread::sleep_for(1100ms);  // `after` has one-second resolution in this test
  std::string c = sent_id(send_email(t, {"list-c@ok.test"}, "list c"));
  ASSERT_EQ(wait_status(b, "hardfail"), "hardfail");
  ASSERT_EQ(wait_status(c, "sent"), "sent");

  auto all = call("GET", "/v1/emails", t.key);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(ids_of(all), (std::vector<std::string>{c, b, a}));
  EXPECT_EQ(all.json->getValue<int>("total"), 3);
  auto item = all.json->getArray("data")->getObject(0);
  EXPECT_EQ(item->getValue<std::string>("to"), "list-c@ok.test");
  EXPECT_EQ(item->getValue<std::string>("from"), "Platform <" + t.from() + ">");
  EXPECT_EQ(item->getValue<std::string>("subject"), "list c");

  EXPECT_EQ(ids_of(call("GET", "/v1/emails?status=hardfail", t.key)), std::vector<std::string>{b});
  EXPECT_EQ(ids_of(call("GET", "/v1/emails?to=LIST-A@ok.test", t.key)),
            std::vector<std::string>{a});
  EXPECT_EQ(ids_of(call("GET", "/v1/emails?from=" + t.from() + "&perPage=1", t.key)),
            std::vector<std::string>{c});
  EXPECT_EQ(ids_of(call("GET", "/v1/emails?after=" + std::to_string(between + 1), t.key)),
            std::vector<std::string>{c});
  EXPECT_EQ(ids_of(call("GET", "/v1/emails?before=" + std::to_string(between + 1), t.key)),
            (std::vector<std::string>{b, a}));
  auto page2 = call("GET", "/v1/emails?perPage=2&page=2", t.key);
  EXPECT_EQ(ids_of(page2), std::vector<std::string>{a});
  EXPECT_EQ(page2.json->getValue<int>("totalPages"), 2);
  EXPECT_TRUE(ids_of(call("GET", "/v1/emails?page=9", t.key)).empty());
}

TEST(EmailList, BadFiltersAre400WithTheField) {
  for (const auto& [query, field] :
       std::vector<std::pair<std::string, std::string>>{{"status=delivered", "status"},
                                                        {"to=not-an-address", "to"},
                                                        {"after=yesterday", "after"},
                                                        {"before=2024-02-30T00:00:00Z", "before"},
                                                        {"page=0", "page"},
                                                        {"perPage=101", "perPage"}}) {
    auto r = call("GET", "/v1/emails?" + query, org_key());
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(r.error_code(), "validation_error") << query;
    EXPECT_EQ(r.error_field(), field) << query;
  }
}

TEST(EmailDeliveries, FinishedEmailHasNoRetryState) {
  TestTenant t = new_tenant("Deliveries Co");
  std::string id = sent_id(send_email(t, {"deliv@ok.test"}, "deliveries"));
  ASSERT_EQ(wait_status(id, "sent"), "sent");
  auto r = call("GET", "/v1/emails/" + id + "/deliveries", t.key);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.data();
  EXPECT_EQ(d->getValue<std::string>("status"), "sent");
  EXPECT_TRUE(d->get("retryState").isEmpty());
  EXPECT_FALSE(d->getValue<bool>("canRetryManually"));  // sent: nothing to retry
  auto deliveries = d->getArray("deliveries");
  ASSERT_EQ(deliveries->size(), 1u);
  EXPECT_EQ(deliveries->getObject(0)->getValue<std::string>("status"), "sent");
  EXPECT_EQ(deliveries->getObject(0)->getValue<int>("code"), 250);
  EXPECT_EQ(call("GET", "/v1/emails/nosuchemail0000/deliveries", t.key).status, 404);
}

// Appendix C.5: the retry state is Postfix's. The aux admind reads the dev Postfix queue
// and knows its backoff settings (10 s .. 30 s, 10 min lifetime: 22 attempts).
TEST(EmailDeliveries, SoftFailShowsPostfixQueueState) {
  AuxAdmind aux({{"postfix.queue_directory", "\"" + env_get("ARK_PF_QUEUE") + "\""},
                 {"postfix.minimal_backoff_time", "10s"},
                 {"postfix.maximal_backoff_time", "30s"},
                 {"postfix.maximal_queue_lifetime", "10m"}});
  TestTenant t = new_tenant("Deferred Co");
  std::string id = sent_id(send_email(t, {"later@tempfail.test"}, "deferred"));
  ASSERT_EQ(wait_status(id, "softfail"), "softfail");
  Poco::JSON::Object::Ptr state;
  ASSERT_TRUE(eventually(
      [&] {
        auto r = call("GET", "/v1/emails/" + id + "/deliveries", t.key, "", {}, true, aux.url());
        if (r.status != 200 || r.data()->get("retryState").isEmpty()) {
          return false;
        }
        state = r.data()->getObject("retryState");
        return !state->get("nextRetryAt").isEmpty();
      },
      30s))
      << "no nextRetryAt from the deferred queue file";
  EXPECT_GE(state->getValue<int>("attempt"), 1);
  EXPECT_EQ(state->getValue<int>("maxAttempts"), 22);
  EXPECT_EQ(state->getValue<int>("attemptsRemaining"), 22 - state->getValue<int>("attempt"));
  double next = state->getValue<double>("nextRetryAt");
  EXPECT_GT(next, static_cast<double>(now_s() - 1));
  EXPECT_LE(next, static_cast<double>(now_s() + 31));
  EXPECT_FALSE(state->getValue<bool>("manual"));
  // The stack's own admind has no queue directory configured for this Postfix: it still
  // reports the state, without inventing a time.
  auto plain = call("GET", "/v1/emails/" + id + "/deliveries", t.key);
  EXPECT_FALSE(plain.data()->get("retryState").isEmpty());
  EXPECT_TRUE(plain.data()->getValue<bool>("canRetryManually"));
}

TEST(EmailRetry, AgainstTheDataModel) {
  TestTenant t = new_tenant("Retry Co");
  std::string failed = sent_id(send_email(t, {"gone@reject.test"}, "retry me"));
  std::string good = sent_id(send_email(t, {"fine@ok.test"}, "delivered"));
  ASSERT_EQ(wait_status(failed, "hardfail"), "hardfail");
  ASSERT_EQ(wait_status(good, "sent"), "sent");

  auto ok = call("POST", "/v1/emails/" + failed + "/retry", t.key);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.data()->getValue<std::string>("id"), failed);
  EXPECT_FALSE(ok.data()->getValue<std::string>("message").empty());
  // The request is recorded; the logs role's re-delivery worker may already have taken it.
  EXPECT_EQ(sql_count("SELECT COUNT(*) FROM email_retries WHERE email_id = '" + failed + "'"), 1);

  auto sent = call("POST", "/v1/emails/" + good + "/retry", t.key);
  EXPECT_EQ(sent.status, 422);
  EXPECT_EQ(sent.error_code(), "email_not_retryable");

  // Once the stored message is gone, a retry is impossible and the API says so.
  sql_value(
      "UPDATE messages m JOIN emails e ON e.message_id = m.id SET m.raw_message = NULL "
      "WHERE e.id = '" +
      failed + "'");
  auto expired = call("POST", "/v1/emails/" + failed + "/retry", t.key);
  EXPECT_EQ(expired.status, 422);
  EXPECT_EQ(expired.error_code(), "email_not_retryable");
  auto d = call("GET", "/v1/emails/" + failed + "/deliveries", t.key);
  EXPECT_FALSE(d.data()->getValue<bool>("canRetryManually"));

  EXPECT_EQ(call("POST", "/v1/emails/nosuchemail0000/retry", t.key).status, 404);
  TestTenant other = new_tenant("Retry Other");
  EXPECT_EQ(call("POST", "/v1/emails/" + good + "/retry", other.key).status, 404);
  EXPECT_EQ(sql_count("SELECT COUNT(*) FROM email_retries WHERE email_id = '" + good + "'"), 0);
}

TEST(EmailExpand, StoredMessageBehindContentHeadersRawAndAttachments) {
  TestTenant t = new_tenant("Expand Co");
  auto sent = send_email(t, {"expand@ok.test"}, "expand subject");
  std::string id = sent_id(sent);
  std::string message_id = sent.data()->getValue<std::string>("messageId");
  auto r =
      call("GET", "/v1/emails/" + id + "?expand=content,headers,raw,attachments,activity", t.key);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.data();
  EXPECT_EQ(d->getValue<std::string>("plainBody"), "platform text body");
  EXPECT_EQ(d->getValue<std::string>("htmlBody"), "<p>platform html body</p>");
  auto headers = d->getObject("headers");
  EXPECT_EQ(headers->getValue<std::string>("Message-ID"), message_id);
  EXPECT_FALSE(headers->has("X-Ark-Binding"));
  auto raw = crypto::base64_decode(d->getValue<std::string>("rawMessage"));
  ASSERT_TRUE(raw.ok());
  EXPECT_NE(raw->find("Subject: expand subject"), std::string::npos) << *raw;
  EXPECT_EQ(raw->find("X-Ark-Binding"), std::string::npos);
  EXPECT_EQ(d->getArray("attachments")->size(), 0u);
  EXPECT_EQ(d->getObject("activity")->getArray("opens")->size(), 0u);
  EXPECT_FALSE(d->has("deliveries"));  // not asked for

  auto plain = call("GET", "/v1/emails/" + id, t.key);
  EXPECT_FALSE(plain.data()->has("htmlBody"));
  EXPECT_FALSE(plain.data()->has("rawMessage"));
  auto bad = call("GET", "/v1/emails/" + id + "?expand=content,everything", t.key);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_field(), "expand");
}

TEST(EmailIsolation, AnotherTenantsKeySeesNothing) {
  TestTenant a = new_tenant("Iso A");
  TestTenant b = new_tenant("Iso B");
  std::string mine = sent_id(send_email(a, {"iso@ok.test"}, "iso"));
  for (const std::string& path : {"/v1/emails/" + mine, "/v1/emails/" + mine + "/deliveries",
                                  "/v1/emails/" + mine + "?expand=full"}) {
    auto r = call("GET", path, b.key);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("iso@ok.test"), std::string::npos) << path;
  }
  EXPECT_EQ(call("POST", "/v1/emails/" + mine + "/retry", b.key).status, 404);
  auto list = call("GET", "/v1/emails?perPage=100", b.key);
  EXPECT_EQ(list.json->getValue<int>("total"), 0) << list.body;
  EXPECT_EQ(call("GET", "/v1/emails/" + mine, a.key).status, 200);
}

}  // namespace
}  // namespace ark::itest
