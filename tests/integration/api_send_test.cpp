// The API send paths (issue 4) against the running stack: every field of POST /v1/emails,
// the batch with partial success, raw MIME, and the policy cases of the SMTP tests through
// the API, each with the error of docs/policy-decisions.md or the email status it documents.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/crypto/crypto.h"
#include "tests/integration/outbox_db.h"
#include "tests/integration/send_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;

std::string status_of(OutboxDb& db, const std::string& email_id) {
  auto rows = db.query("SELECT status FROM emails WHERE id = ?", {email_id});
  return rows.empty() ? "" : rows[0].at("status");
}

std::string data_string(const HttpResult& r, const std::string& name) {
  return r.json->getObject("data")->getValue<std::string>(name);
}

// The sink file whose X-Ark-Id is one of the messages of this email ("" until delivered).
std::string delivered_text(OutboxDb& db, const std::string& email_id) {
  auto rows = db.query("SELECT message_id FROM emails WHERE id = ?", {email_id});
  if (rows.empty()) {
    return "";
  }
  std::string out = "/tmp/ark-itest-grep." + std::to_string(::getpid());
  run("grep -l 'X-Ark-Id: " + rows[0].at("message_id") + "' '" + env_get("ARK_SINK_DIR") +
      "'/* > " + out + " 2>/dev/null");
  std::string file = read_file(out);
  std::remove(out.c_str());
  if (file.empty()) {
    return "";
  }
  return read_file(file.substr(0, file.find('\n')));
}

class ApiSendTest : public ::testing::Test {
 protected:
  void SetUp() override { t_ = make_smtp_tenant(db_, unique_label("api")); }
  std::string from() const { return "app@" + t_.domain; }
  std::string body(const std::string& fields) const {
    return R"({"from":")" + from() + R"(","tenantId":")" + t_.id + "\"," + fields + "}";
  }

  OutboxDb db_;
  SmtpTenant t_;
};

TEST_F(ApiSendTest, EveryFieldIsSentAndRecorded) {
  std::string attachment = crypto::base64_encode("attached bytes");
  auto r = api("POST", "/v1/emails",
               body(R"("to":["to1@rcpt.example"],"cc":["cc1@rcpt.example"],)"
                    R"("bcc":["bcc1@rcpt.example"],"replyTo":"reply@rcpt.example",)"
                    R"("subject":"All fields","html":"<p>Hello <b>API</b></p>",)"
                    R"("headers":{"X-Campaign":"spring"},"tag":"promo",)"
                    R"("metadata":{"orderId":"42"},"attachments":[{"content":")" +
                    attachment + R"(","contentType":"text/plain","filename":"a.txt"}])"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(data_string(r, "status"), "pending");
  auto to = r.json->getObject("data")->getArray("to");
  ASSERT_EQ(to->size(), 3u);
  EXPECT_TRUE(r.headers.count("X-SendLimit-Used"));
  EXPECT_TRUE(r.headers.count("X-SendLimit-Reset"));
  EXPECT_FALSE(r.headers.count("X-SendLimit-Limit")) << "the dev stack's hour is unlimited";
  std::string id = data_string(r, "id");
  auto rows = db_.query(
      "SELECT e.rcpt, m.tag, m.metadata, m.source FROM emails e JOIN messages m ON m.id = "
      "e.message_id WHERE e.id = ?",
      {id});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("rcpt"), "to1@rcpt.example");
  EXPECT_EQ(rows[0].at("tag"), "promo");
  EXPECT_EQ(rows[0].at("metadata"), R"({"orderId":"42"})");
  EXPECT_EQ(rows[0].at("source"), "api");
  EXPECT_TRUE(eventually([&] { return status_of(db_, id) == "sent"; }, 20s));
  std::string text;
  ASSERT_TRUE(eventually([&] { return !(text = delivered_text(db_, id)).empty(); }, 10s));
  EXPECT_NE(text.find("Cc: cc1@rcpt.example"), std::string::npos);
  EXPECT_NE(text.find("Reply-To: reply@rcpt.example"), std::string::npos);
  EXPECT_NE(text.find("X-Campaign: spring"), std::string::npos);
  EXPECT_NE(text.find("filename=\"a.txt\""), std::string::npos);
  EXPECT_NE(text.find(attachment), std::string::npos);
  EXPECT_EQ(text.find("bcc1@rcpt.example>\r\nTo"), std::string::npos);
  EXPECT_EQ(text.find("Bcc:"), std::string::npos) << "bcc never reaches the headers";
  EXPECT_EQ(text.find("X-Ark-Binding"), std::string::npos);
}

TEST_F(ApiSendTest, PolicyRefusalsHaveTheSpecErrors) {
  SmtpTenant unverified = make_smtp_tenant(db_, unique_label("apiu"), false);
  auto foreign = api("POST", "/v1/emails",
                     R"({"from":"x@)" + unverified.domain + R"(","tenantId":")" + t_.id +
                         R"(","to":["a@rcpt.example"],"subject":"s","text":"t"})");
  EXPECT_EQ(foreign.status, 422) << foreign.body;
  EXPECT_NE(foreign.body.find("domain_not_verified"), std::string::npos);
  auto pending = api("POST", "/v1/emails",
                     R"({"from":"x@)" + unverified.domain + R"(","tenantId":")" + unverified.id +
                         R"(","to":["a@rcpt.example"],"subject":"s","text":"t"})");
  EXPECT_EQ(pending.status, 422) << pending.body;
  EXPECT_NE(pending.body.find("Sender domain is not verified yet"), std::string::npos);
  ASSERT_EQ(api("PATCH", "/v1/tenants/" + t_.id, R"({"status":"suspended"})").status, 200);
  auto suspended =
      api("POST", "/v1/emails", body(R"("to":["a@rcpt.example"],"subject":"s","text":"t")"));
  EXPECT_EQ(suspended.status, 403) << suspended.body;
  EXPECT_NE(suspended.body.find("tenant_suspended"), std::string::npos);
}

TEST_F(ApiSendTest, SuppressedRecipientIsHeldAndTheOthersGo) {
  api("POST", "/v1/tenants/" + t_.id + "/suppressions", R"({"address":"gone@rcpt.example"})");
  auto r = api("POST", "/v1/emails",
               body(R"("to":["gone@rcpt.example","ok@rcpt.example"],"subject":"s","text":"t")"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(data_string(r, "status"), "pending");
  std::string gone = data_string(r, "id");
  auto other = db_.query("SELECT e.id FROM emails e WHERE e.tenant_id = ? AND rcpt = ?",
                         {t_.id, "ok@rcpt.example"});
  ASSERT_EQ(other.size(), 1u);
  EXPECT_TRUE(eventually([&] { return status_of(db_, gone) == "held"; }, 20s));
  EXPECT_TRUE(eventually([&] { return status_of(db_, other[0].at("id")) == "sent"; }, 20s));
  auto held = db_.query("SELECT held_reason FROM emails WHERE id = ?", {gone});
  EXPECT_EQ(held.at(0).at("held_reason"), "recipient_suppressed");
  auto get = api("GET", "/v1/emails/" + gone);
  EXPECT_EQ(get.json->getObject("data")->getValue<std::string>("status"), "held");
}

TEST_F(ApiSendTest, OverTheLimitIsHeldNotRefused) {
  db_.exec(
      "INSERT INTO tenant_send_limits (tenant_id, hourly, updated_at) VALUES (?, 2, "
      "UTC_TIMESTAMP(6))",
      {t_.id});
  std::vector<std::string> ids;
  HttpResult last;
  for (int i = 0; i < 3; ++i) {
    last = api(
        "POST", "/v1/emails",
        body(R"("to":["l)" + std::to_string(i) + R"(@rcpt.example"],"subject":"s","text":"t")"));
    ASSERT_EQ(last.status, 200) << last.body;
    ids.push_back(data_string(last, "id"));
  }
  EXPECT_EQ(last.headers["X-SendLimit-Limit"], "2");
  EXPECT_EQ(last.headers["X-SendLimit-Used"], "2");
  EXPECT_EQ(last.headers["X-SendLimit-Remaining"], "0");
  EXPECT_TRUE(eventually([&] { return status_of(db_, ids[2]) == "held"; }, 20s));
  EXPECT_EQ(
      db_.query("SELECT held_reason FROM emails WHERE id = ?", {ids[2]}).at(0).at("held_reason"),
      "send_limit_exceeded");
  EXPECT_TRUE(eventually([&] { return status_of(db_, ids[1]) == "sent"; }, 20s));
}

TEST_F(ApiSendTest, BatchHasPerItemResultsAndPartialSuccess) {
  auto r =
      api("POST", "/v1/emails/batch",
          body(R"("emails":[{"to":["b1@rcpt.example"],"subject":"1","text":"one"},)"
               R"({"to":["not-an-address"],"subject":"2","text":"two"},)"
               R"({"to":["b3@rcpt.example","b3cc@rcpt.example"],"subject":"3","html":"<b>3</b>",)"
               R"("tag":"t3","metadata":{"k":"v"}}])"));
  ASSERT_EQ(r.status, 207) << r.body;
  auto d = r.json->getObject("data");
  EXPECT_EQ(d->getValue<int>("total"), 3);
  EXPECT_EQ(d->getValue<int>("accepted"), 2);
  EXPECT_EQ(d->getValue<int>("failed"), 1);
  auto m = d->getObject("messages");
  std::string one = m->getObject("b1@rcpt.example")->getValue<std::string>("id");
  EXPECT_TRUE(m->getObject("not-an-address")->has("error"));
  std::string three = m->getObject("b3@rcpt.example")->getValue<std::string>("id");
  EXPECT_TRUE(eventually([&] { return status_of(db_, one) == "sent"; }, 20s));
  EXPECT_TRUE(eventually([&] { return status_of(db_, three) == "sent"; }, 20s));
  auto tag = db_.query(
      "SELECT m.tag FROM emails e JOIN messages m ON m.id = e.message_id WHERE "
      "e.id = ?",
      {three});
  EXPECT_EQ(tag.at(0).at("tag"), "t3");
  auto all_ok = api("POST", "/v1/emails/batch",
                    body(R"("emails":[{"to":["c1@rcpt.example"],"subject":"1","text":"one"}])"));
  EXPECT_EQ(all_ok.status, 200) << all_ok.body;
}

TEST_F(ApiSendTest, RawMessages) {
  std::string raw = "From: App <" + from() +
                    ">\r\nTo: raw@rcpt.example\r\nSubject: raw\r\n"
                    "Message-ID: <raw-" +
                    t_.id + "@x.example>\r\n\r\n.a line with a dot\r\nend\r\n";
  auto r =
      api("POST", "/v1/emails/raw",
          body(R"("to":["raw@rcpt.example"],"rawMessage":")" + crypto::base64_encode(raw) + "\""));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(data_string(r, "messageId"), "<raw-" + t_.id + "@x.example>");
  std::string id = data_string(r, "id");
  std::string text;
  ASSERT_TRUE(eventually([&] { return !(text = delivered_text(db_, id)).empty(); }, 20s));
  EXPECT_NE(text.find("\n.a line with a dot"), std::string::npos) << "dots survive";
  EXPECT_EQ(text.find("..a line"), std::string::npos) << "and are not doubled";
  std::string forged = "From: someone@elsewhere.example\r\nSubject: x\r\n\r\nbody\r\n";
  auto bad = api(
      "POST", "/v1/emails/raw",
      body(R"("to":["raw@rcpt.example"],"rawMessage":")" + crypto::base64_encode(forged) + "\""));
  EXPECT_EQ(bad.status, 422) << bad.body;
  auto junk = api("POST", "/v1/emails/raw", body(R"("to":["raw@rcpt.example"],"rawMessage":"%%")"));
  EXPECT_EQ(junk.status, 400);
  EXPECT_NE(junk.body.find("rawMessage"), std::string::npos);
}

TEST_F(ApiSendTest, Sandbox) {
  std::string s = R"({"from":"sandbox@arkhq.io","tenantId":")" + t_.id + "\",";
  auto stranger =
      api("POST", "/v1/emails", s + R"("to":["x@rcpt.example"],"subject":"s","text":"t"})");
  EXPECT_EQ(stranger.status, 403) << stranger.body;
  EXPECT_NE(stranger.body.find("sandbox_restricted"), std::string::npos);
  auto member = api("POST", "/v1/emails",
                    s + R"("to":["dev@members.ark-dev.test"],"subject":"s","text":"t"})");
  ASSERT_EQ(member.status, 200) << member.body;
  EXPECT_TRUE(member.json->getObject("data")->getValue<bool>("sandbox"));
}

TEST_F(ApiSendTest, TenantScopedKeyCannotSendForAnotherTenant) {
  auto key =
      api("POST", "/v1/tenants/" + t_.id + "/credentials", R"({"name":"api1","type":"api"})");
  ASSERT_LT(key.status, 300) << key.body;
  std::string tenant_key = data_string(key, "key");
  SmtpTenant other = make_smtp_tenant(db_, unique_label("apio"));
  auto r = api("POST", "/v1/emails",
               R"({"from":")" + from() + R"(","tenantId":")" + other.id +
                   R"(","to":["a@rcpt.example"],"subject":"s","text":"t"})",
               tenant_key);
  EXPECT_EQ(r.status, 403) << r.body;
  auto own = api("POST", "/v1/emails",
                 R"({"from":")" + from() + R"(","to":["a@rcpt.example"],"subject":"s","text":"t"})",
                 tenant_key);
  EXPECT_EQ(own.status, 200) << own.body;
}

}  // namespace
}  // namespace ark::itest
