// Tenant sending over SMTP (issue 4), end to end: swaks does STARTTLS + AUTH on the dev
// Postfix's submission listener; ark-policyd checks the login, ark-milter enforces the send
// policy and records the mail. Each case checks the SMTP reply of docs/policy-decisions.md
// and the email status it documents, and that nothing accepted is lost (delivered to the
// sink, or kept in Postfix's hold queue).
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

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

bool in_hold_queue(const std::string& queue_id) {
  std::string out = "/tmp/ark-itest-postqueue." + std::to_string(::getpid());
  run("postqueue -c '" + env_get("ARK_PF_CONF") + "' -j > " + out + " 2>/dev/null");
  std::string text = read_file(out);
  std::remove(out.c_str());
  size_t at = text.find("\"queue_id\": \"" + queue_id + "\"");
  if (at == std::string::npos) {
    return false;
  }
  size_t line = text.rfind('{', at);
  return text.find("\"queue_name\": \"hold\"", line) < text.find('}', at);
}

class SmtpAuthTest : public ::testing::Test {
 protected:
  void SetUp() override { t_ = make_smtp_tenant(db_, unique_label("smtp")); }

  std::string login() const { return t_.id + "/" + t_.key; }
  std::string sender() const { return "app@" + t_.domain; }
  std::vector<std::string> from_header() const {
    return {"--header", "From: App <" + sender() + ">"};
  }

  OutboxDb db_;
  SmtpTenant t_;
};

TEST_F(SmtpAuthTest, ValidCredentialIsDeliveredAndRecordedUnderItsTenant) {
  std::vector<std::string> extra = from_header();
  extra.insert(extra.end(), {"--header", "X-Ark-Tag: welcome", "--header",
                             R"(X-Ark-Metadata: {"orderId":"42"})", "--body", "hello smtp"});
  SwaksRun r = submit(login(), t_.key, sender(), {"someone@rcpt.example"}, extra);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.replied("235 2.7.0"));
  std::string qid = r.queue_id();
  ASSERT_FALSE(qid.empty());
  auto rows = emails_of_queue_id(db_, qid);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("tenant_id"), t_.id);
  EXPECT_EQ(rows[0].at("source"), "smtp");
  EXPECT_EQ(rows[0].at("rcpt"), "someone@rcpt.example");
  EXPECT_EQ(rows[0].at("tag"), "welcome");
  EXPECT_EQ(rows[0].at("metadata"), R"({"orderId":"42"})");
  std::string id = rows[0].at("id");
  EXPECT_TRUE(eventually([&] { return status_of(db_, id) == "sent"; }, 20s));
  // It left with the message's VERP return path as envelope sender (reports come back to
  // admind's bounce intake, as for API mail); the record keeps the tenant's sender.
  std::string copy = sink_copy("X-Ark-Id: " + rows[0].at("message"));
  ASSERT_FALSE(copy.empty());
  std::string secret = read_file(env_get("ARK_BINDING_SECRET_FILE"));
  secret = secret.substr(0, secret.find('\n'));
  std::string rp = return_path(rows[0].at("message"), env_get("ARK_RETURN_PATH_HOST"), secret);
  EXPECT_NE(copy.find("X-Mail-Args: <" + rp + ">"), std::string::npos) << copy.substr(0, 300);
  auto from = db_.query("SELECT envelope_from FROM messages WHERE id = ?", {rows[0].at("message")});
  EXPECT_EQ(from.at(0).at("envelope_from"), sender());
  // The same record as API mail: readable through the API under its tenant.
  auto got = api("GET", "/v1/emails/" + id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json->getObject("data")->getValue<std::string>("to"), "someone@rcpt.example");
  // Postfix records the canonical login, never the key.
  std::string maillog = read_file(env_get("ARK_MAILLOG"));
  EXPECT_NE(maillog.find(qid + ": client=unknown[127.0.0.1], sasl_method=PLAIN, sasl_username=" +
                         t_.id + "/app"),
            std::string::npos);
  EXPECT_EQ(maillog.find(t_.key), std::string::npos) << "the key leaked into the maillog";
  auto used = db_.query("SELECT last_used_at FROM credentials WHERE id = ?", {t_.cred_id});
  EXPECT_FALSE(used.at(0).at("last_used_at").empty());
}

TEST_F(SmtpAuthTest, LoginMechanismAndNameUsernameWork) {
  SwaksRun r =
      submit(t_.id + "/app", t_.key, sender(), {"login@rcpt.example"}, from_header(), "LOGIN");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(emails_of_queue_id(db_, r.queue_id()).size(), 1u);
}

TEST_F(SmtpAuthTest, WrongPasswordIsRefused) {
  SwaksRun r = submit(login(), "cred_wrongwrongwrong", sender(), {"x@rcpt.example"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.replied("535 5.7.8 Error: authentication failed: invalid username or password"))
      << r.output;
  SwaksRun other = submit("cmnotthetenant1/" + t_.key, t_.key, sender(), {"x@rcpt.example"});
  EXPECT_TRUE(other.replied("535 5.7.8")) << "a username naming another tenant fails";
}

TEST_F(SmtpAuthTest, HeldCredentialIsRefused) {
  auto p = api("PATCH", "/v1/tenants/" + t_.id + "/credentials/" + t_.cred_id, R"({"hold":true})");
  ASSERT_EQ(p.status, 200) << p.body;
  SwaksRun r = submit(login(), t_.key, sender(), {"x@rcpt.example"});
  EXPECT_TRUE(r.replied("535 5.7.8 Error: authentication failed: credential is on hold"))
      << r.output;
}

TEST_F(SmtpAuthTest, SuspendedAndArchivedTenantsAreRefused) {
  for (const char* status : {"suspended", "archived"}) {
    SCOPED_TRACE(status);
    auto p = api("PATCH", "/v1/tenants/" + t_.id, std::string(R"({"status":")") + status + "\"}");
    ASSERT_EQ(p.status, 200) << p.body;
    SwaksRun r = submit(login(), t_.key, sender(), {"x@rcpt.example"});
    EXPECT_TRUE(r.replied("535 5.7.8 Error: authentication failed: tenant is not active"))
        << r.output;
  }
}

TEST_F(SmtpAuthTest, SenderDomainMustBeAVerifiedDomainOfTheTenant) {
  SmtpTenant other = make_smtp_tenant(db_, unique_label("other"));
  SmtpTenant unverified = make_smtp_tenant(db_, unique_label("unver"), false);
  SwaksRun foreign = submit(login(), t_.key, "x@" + other.domain, {"x@rcpt.example"});
  EXPECT_TRUE(foreign.replied("550 5.7.1 Sender domain is not a verified domain of this tenant"))
      << foreign.output;
  SwaksRun pending = submit(unverified.id + "/" + unverified.key, unverified.key,
                            "x@" + unverified.domain, {"x@rcpt.example"});
  EXPECT_TRUE(pending.replied("550 5.7.1 Sender domain is not verified yet")) << pending.output;
  SwaksRun aligned = submit(login(), t_.key, sender(), {"x@rcpt.example"},
                            {"--header", "From: x@" + other.domain});
  EXPECT_TRUE(aligned.replied("550 5.7.1 From header domain is not a verified domain"))
      << aligned.output;
  EXPECT_TRUE(aligned.queue_id().empty());
}

TEST_F(SmtpAuthTest, BadMetadataHeaderIsRefused) {
  std::vector<std::string> extra = from_header();
  extra.insert(extra.end(), {"--header", "X-Ark-Metadata: not json"});
  SwaksRun r = submit(login(), t_.key, sender(), {"x@rcpt.example"}, extra);
  EXPECT_TRUE(r.replied("550 5.6.0 The metadata breaks the metadata rules")) << r.output;
}

TEST_F(SmtpAuthTest, SuppressedRecipientIsHeldAndKept) {
  auto s = api("POST", "/v1/tenants/" + t_.id + "/suppressions",
               R"({"address":"gone@rcpt.example","reason":"test"})");
  ASSERT_LT(s.status, 300) << s.body;
  SwaksRun r = submit(login(), t_.key, sender(), {"gone@rcpt.example"}, from_header());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string qid = r.queue_id();
  auto rows = emails_of_queue_id(db_, qid);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("held_reason"), "recipient_suppressed");
  EXPECT_FALSE(rows[0].at("held_at").empty());
  std::string id = rows[0].at("id");
  EXPECT_TRUE(eventually([&] { return status_of(db_, id) == "held"; }, 20s));
  EXPECT_TRUE(in_hold_queue(qid)) << "held mail is kept in Postfix's hold queue";
  // SMTP mail has no stored MIME text, but its hold-queue copy is what a retry releases.
  auto d = api("GET", "/v1/emails/" + id + "/deliveries");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_TRUE(d.json->getObject("data")->getValue<bool>("canRetryManually")) << d.body;
  auto retry = api("POST", "/v1/emails/" + id + "/retry");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_TRUE(eventually([&] { return status_of(db_, id) == "sent"; }, 30s)) << status_of(db_, id);
  EXPECT_FALSE(in_hold_queue(qid));
}

TEST_F(SmtpAuthTest, MixedRecipientsGoInSeparateTransactions) {
  api("POST", "/v1/tenants/" + t_.id + "/suppressions", R"({"address":"gone@rcpt.example"})");
  SwaksRun r =
      submit(login(), t_.key, sender(), {"ok@rcpt.example", "gone@rcpt.example"}, from_header());
  EXPECT_TRUE(r.replied("452 4.5.3 Deliver this recipient in a separate transaction")) << r.output;
  auto rows = emails_of_queue_id(db_, r.queue_id());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("rcpt"), "ok@rcpt.example");
}

TEST_F(SmtpAuthTest, OverTheLimitIsHeldAndCountedExactly) {
  db_.exec(
      "INSERT INTO tenant_send_limits (tenant_id, hourly, updated_at) VALUES (?, 2, "
      "UTC_TIMESTAMP(6))",
      {t_.id});
  std::vector<std::string> qids;
  for (int i = 0; i < 3; ++i) {
    SwaksRun r = submit(login(), t_.key, sender(), {"n" + std::to_string(i) + "@rcpt.example"},
                        from_header());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    qids.push_back(r.queue_id());
  }
  EXPECT_TRUE(emails_of_queue_id(db_, qids[0]).at(0).at("held_reason").empty());
  EXPECT_TRUE(emails_of_queue_id(db_, qids[1]).at(0).at("held_reason").empty());
  auto third = emails_of_queue_id(db_, qids[2]).at(0);
  EXPECT_EQ(third.at("held_reason"), "send_limit_exceeded");
  EXPECT_TRUE(eventually([&] { return status_of(db_, third.at("id")) == "held"; }, 20s));
  EXPECT_TRUE(in_hold_queue(qids[2]));
  auto used =
      db_.query("SELECT used FROM send_counters WHERE tenant_id = ? AND period = 'hour'", {t_.id});
  ASSERT_EQ(used.size(), 1u);
  EXPECT_EQ(used[0].at("used"), "2");
  auto events = db_.query(
      "SELECT type FROM events WHERE tenant_id = ? AND type LIKE 'SendLimit%' "
      "ORDER BY id",
      {t_.id});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("type"), "SendLimitApproaching");
  EXPECT_EQ(events[1].at("type"), "SendLimitExceeded");
}

// Appendix C.6: mail held over the limit leaves by itself, oldest first, once the windows
// have room (here: the provider raises the tenant's limit), and is counted then.
TEST_F(SmtpAuthTest, HeldOverTheLimitLeavesWhenTheWindowHasRoom) {
  db_.exec(
      "INSERT INTO tenant_send_limits (tenant_id, hourly, updated_at) VALUES (?, 1, "
      "UTC_TIMESTAMP(6))",
      {t_.id});
  std::vector<std::string> ids;
  std::vector<std::string> qids;
  for (int i = 0; i < 3; ++i) {
    SwaksRun r = submit(login(), t_.key, sender(), {"w" + std::to_string(i) + "@rcpt.example"},
                        from_header());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    qids.push_back(r.queue_id());
    ids.push_back(emails_of_queue_id(db_, qids.back()).at(0).at("id"));
  }
  auto hour_used = [&] {
    return db_.query(
        "SELECT COALESCE(SUM(used), 0) AS n FROM send_counters WHERE tenant_id = ? "
        "AND period = 'hour'",
        {t_.id})[0]["n"];
  };
  EXPECT_TRUE(eventually([&] { return status_of(db_, ids[0]) == "sent"; }, 20s));
  for (int i : {1, 2}) {
    EXPECT_TRUE(eventually([&] { return status_of(db_, ids[i]) == "held"; }, 20s)) << i;
  }
  EXPECT_EQ(hour_used(), "1");

  db_.exec("UPDATE tenant_send_limits SET hourly = 2 WHERE tenant_id = ?", {t_.id});
  EXPECT_TRUE(eventually([&] { return status_of(db_, ids[1]) == "sent"; }, 30s))
      << status_of(db_, ids[1]);
  std::this_thread::sleep_for(3s);  // several release passes (1 s in the dev stack)
  EXPECT_EQ(status_of(db_, ids[2]), "held") << "no room for the third one yet";
  EXPECT_TRUE(in_hold_queue(qids[2]));
  EXPECT_EQ(hour_used(), "2") << "the released message is counted in the window";

  db_.exec("UPDATE tenant_send_limits SET hourly = 10 WHERE tenant_id = ?", {t_.id});
  EXPECT_TRUE(eventually([&] { return status_of(db_, ids[2]) == "sent"; }, 30s))
      << status_of(db_, ids[2]);
  EXPECT_EQ(hour_used(), "3");
  auto marks = db_.query(
      "SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ? AND "
      "(held_at IS NOT NULL OR release_requested_at IS NOT NULL)",
      {t_.id});
  EXPECT_EQ(marks[0]["n"], "0") << "the follower saw every release";
}

TEST_F(SmtpAuthTest, NoAuthWithoutTls) {
  SwaksRun r = swaks({"--server", "127.0.0.1:" + env_get("ARK_SUBMIT_PORT"), "--auth", "PLAIN",
                      "--auth-user", login(), "--auth-password", t_.key, "--from", sender(), "--to",
                      "x@rcpt.example"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("Host did not advertise authentication"), std::string::npos) << r.output;
}

TEST_F(SmtpAuthTest, UnauthenticatedMailWithoutBindingIsRefused) {
  std::string reply;
  int code =
      smtp_send(sender(), {"x@rcpt.example"}, "From: " + sender() + "\r\n\r\nhi\r\n", &reply);
  EXPECT_EQ(code, 550) << reply;
}

}  // namespace
}  // namespace ark::itest
