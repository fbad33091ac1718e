// Delivery truth against the real stack (issue 6): API mail through Postfix to the sinks
// that answer 250 (ok.test), 450 (tempfail.test) and 550 (reject.test); the log follower's
// statuses, attempts, classifications, events and suppressions; an NDR for a sent email
// arriving through Postfix and the LMTP intake; manual retries (flush, re-send, release);
// operator actions (hold, force-expire).
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>

#include "core/mail/return_path.h"
#include "tests/integration/delivery_support.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

class DeliveryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = new TestDb(); }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  void SetUp() override { tenant_ = create_tenant("Delivery Co"); }

  TestDb& db() { return *db_; }

  bool wait_status(const std::string& id, const std::string& status,
                   std::chrono::milliseconds d = 30s) {
    return eventually([&] { return email_status(db(), id) == status; }, d);
  }
  std::vector<Row> attempts(const std::string& id) {
    return db().query("SELECT * FROM delivery_attempts WHERE email_id = ? ORDER BY id", {id});
  }
  std::vector<Row> events(const std::string& id) {
    return db().query("SELECT * FROM events WHERE email_id = ? ORDER BY id", {id});
  }
  std::string suppression(const std::string& address) {
    auto rows = db().query("SELECT reason FROM suppressions WHERE tenant_id = ? AND address = ?",
                           {tenant_, address});
    return rows.empty() ? "<none>" : rows[0]["reason"];
  }
  std::string queue_id(const std::string& email_id) {
    auto rows = db().query(
        "SELECT m.queue_id FROM emails e JOIN messages m ON m.id = e.message_id WHERE e.id = ?",
        {email_id});
    return rows.empty() ? "" : rows[0]["queue_id"];
  }
  void request_retry(const std::string& email_id) {
    db().exec(
        "INSERT INTO email_retries (email_id, tenant_id, requested_at) VALUES (?, ?, "
        "UTC_TIMESTAMP(6))",
        {email_id, tenant_});
  }
  std::string retry_outcome(const std::string& email_id) {
    auto rows = db().query(
        "SELECT COALESCE(outcome, '') AS o FROM email_retries WHERE email_id = ? ORDER BY id "
        "DESC LIMIT 1",
        {email_id});
    return rows.empty() ? "" : rows[0]["o"];
  }
  // The re-delivery worker runs postqueue/postsuper on the stack's Postfix only when admind
  // knows its config directory (postfix.config_directory).
  static bool admind_knows_postfix_dir() {
    return read_file(env_get("ARK_ADMIND_CONFIG")).find("config_directory: \"/") !=
           std::string::npos;
  }
  int postfix_tool(const std::string& tool, const std::string& args) {
    return run(tool + " -c '" + env_get("ARK_PF_CONF") + "' " + args + " >/dev/null 2>&1");
  }

  static TestDb* db_;
  std::string tenant_;
};

TestDb* DeliveryTest::db_ = nullptr;

TEST_F(DeliveryTest, SinkAnswersGiveStatusesAttemptsClassificationsAndEvents) {
  auto ids = send_api_email(db(), tenant_, {"ok1@ok.test", "tf1@tempfail.test", "rj1@reject.test"},
                            "mixed outcomes");
  ASSERT_TRUE(wait_status(ids[0], "sent")) << email_status(db(), ids[0]);
  ASSERT_TRUE(wait_status(ids[1], "softfail")) << email_status(db(), ids[1]);
  ASSERT_TRUE(wait_status(ids[2], "hardfail")) << email_status(db(), ids[2]);

  auto ok = attempts(ids[0]);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0]["status"], "sent");
  EXPECT_EQ(ok[0]["code"], "250");
  EXPECT_EQ(ok[0]["smtp_enhanced_code"], "2.0.0");
  EXPECT_EQ(ok[0]["remote_host"], "127.0.0.1");
  EXPECT_EQ(ok[0]["classification"], "");
  EXPECT_EQ(ok[0]["sent_with_ssl"], "0");
  EXPECT_EQ(ok[0]["details"], "Message for ok1@ok.test accepted by 127.0.0.1:" +
                                  env_get("ARK_SINK_OK_PORT") + " (127.0.0.1)");

  auto tf = attempts(ids[1]);
  ASSERT_GE(tf.size(), 1u);
  EXPECT_EQ(tf[0]["status"], "softfail");
  EXPECT_EQ(tf[0]["code"], "450");
  EXPECT_EQ(tf[0]["smtp_enhanced_code"], "4.2.0");
  EXPECT_EQ(tf[0]["classification"], "temporarily_unavailable");
  EXPECT_EQ(tf[0]["classification_code"], "42");
  EXPECT_EQ(tf[0]["output"].substr(0, 34), "450 4.2.0 Mailbox temporarily busy");
  EXPECT_EQ(tf[0]["details"],
            "450 temporarily unavailable: Delivery to tf1@tempfail.test failed at "
            "127.0.0.1:" +
                env_get("ARK_SINK_4XX_PORT") + " (127.0.0.1)");

  auto rj = attempts(ids[2]);
  ASSERT_EQ(rj.size(), 1u);
  EXPECT_EQ(rj[0]["code"], "550");
  EXPECT_EQ(rj[0]["smtp_enhanced_code"], "5.1.1");
  EXPECT_EQ(rj[0]["classification"], "invalid_recipient");
  EXPECT_EQ(rj[0]["classification_code"], "10");
  EXPECT_EQ(suppression("rj1@reject.test"), "hard fail");
  EXPECT_EQ(suppression("tf1@tempfail.test"), "<none>") << "soft fails do not suppress";

  // One event per attempt, in the same transaction: the types follow the statuses.
  auto ev_ok = events(ids[0]);
  ASSERT_EQ(ev_ok.size(), 1u);
  EXPECT_EQ(ev_ok[0]["type"], "MessageSent");
  auto p = json(ev_ok[0]["payload"]);
  EXPECT_EQ(p->getValue<std::string>("status"), "Sent");
  EXPECT_EQ(p->getObject("message")->getValue<std::string>("token"), ids[0]);
  EXPECT_EQ(p->getObject("message")->getValue<std::string>("to"), "ok1@ok.test");
  EXPECT_EQ(p->getObject("message")->getValue<std::string>("direction"), "outgoing");
  EXPECT_TRUE(p->getObject("message")->has("id"));
  EXPECT_EQ(events(ids[1]).size(), attempts(ids[1]).size());
  EXPECT_EQ(events(ids[1])[0]["type"], "MessageDelayed");
  auto pf = json(events(ids[2])[0]["payload"]);
  EXPECT_EQ(events(ids[2])[0]["type"], "MessageDeliveryFailed");
  EXPECT_EQ(pf->getValue<std::string>("status"), "HardFail");
  EXPECT_EQ(pf->getValue<std::string>("classification"), "invalid_recipient");
  EXPECT_EQ(pf->getValue<int>("classification_code"), 10);
  EXPECT_EQ(pf->getValue<std::string>("smtp_enhanced_code"), "5.1.1");
  EXPECT_EQ(pf->getValue<std::string>("remote_host"), "127.0.0.1");
  // The dev stack's dispatcher runs alongside: the row is in the outbox, pending or already
  // handed to the plugins, never lost.
  std::string state = events(ids[2])[0]["dispatch_state"];
  EXPECT_TRUE(state == "pending" || state == "dispatched") << state;
}

TEST_F(DeliveryTest, SuccessfulDeliveryRemovesASuppression) {
  db().exec(
      "INSERT INTO suppressions (tenant_id, address, reason, created_at) VALUES (?, ?, "
      "'hard fail', UTC_TIMESTAMP(6))",
      {tenant_, "back@ok.test"});
  auto ids = send_api_email(db(), tenant_, {"back@ok.test"}, "comes back");
  // With the milter's suppression policy the email is held first; a manual retry bypasses it.
  ASSERT_TRUE(eventually(
      [&] {
        std::string s = email_status(db(), ids[0]);
        return s == "sent" || s == "held";
      },
      30s));
  if (email_status(db(), ids[0]) == "held") {
    request_retry(ids[0]);
  }
  ASSERT_TRUE(wait_status(ids[0], "sent")) << email_status(db(), ids[0]);
  EXPECT_EQ(suppression("back@ok.test"), "<none>");
}

std::string dsn_for(const std::string& rp, const std::string& rcpt, const std::string& tag) {
  return "From: Mail Delivery System <MAILER-DAEMON@mx.ok.test>\n"
         "To: " +
         rp +
         "\n"
         "Subject: Undelivered Mail Returned to Sender\n"
         "Message-ID: <ndr-" +
         tag +
         "@mx.ok.test>\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n"
         "--b1\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
         "--b1\nContent-Type: message/delivery-status\n\n"
         "Reporting-MTA: dns; mx.ok.test\n\n"
         "Final-Recipient: rfc822; " +
         rcpt +
         "\nAction: failed\nStatus: 5.1.1\n"
         "Remote-MTA: dns; inbox.ok.test\n"
         "Diagnostic-Code: smtp; 550 5.1.1 <" +
         rcpt + ">: user unknown\n\n--b1--\n";
}

// Hands a report to the dev Postfix as a remote MTA does: over SMTP to its public smtpd
// listener (so through ark-milter, which must let it in unbound), from the null sender.
void inject(const std::string& rcpt, const std::string& text) {
  std::string reply;
  ASSERT_EQ(smtp_send("", {rcpt}, text, &reply), 250) << rcpt << ": " << reply;
}

TEST_F(DeliveryTest, AnNdrForASentEmailMakesItBounced) {
  std::string rp_host = postconf("relay_domains");
  if (rp_host.empty()) {
    GTEST_SKIP() << "the dev stack has no bounce intake: admind.yaml needs "
                    "bounces.lmtp_socket (scripts/lib/config.sh); arkctl postfix-config then "
                    "routes dns.return_path_host to it";
  }
  auto ids = send_api_email(db(), tenant_, {"ndr1@ok.test"}, "will bounce later");
  ASSERT_TRUE(wait_status(ids[0], "sent"));
  auto msg = db().query("SELECT message_id FROM emails WHERE id = ?", {ids[0]});
  std::string secret = read_file(env_get("ARK_BINDING_SECRET_FILE"));
  secret = secret.substr(0, secret.find('\n'));
  std::string rp = mail::make_return_path(msg[0]["message_id"], rp_host, secret);
  // The message left with that VERP return path as its envelope sender.
  std::string copy = sink_copy("X-Ark-Id: " + msg[0]["message_id"]);
  ASSERT_FALSE(copy.empty());
  EXPECT_NE(copy.find("X-Mail-Args: <" + rp + ">"), std::string::npos) << copy.substr(0, 400);
  std::string tag = ids[0];
  inject(rp, dsn_for(rp, "ndr1@ok.test", tag));

  ASSERT_TRUE(wait_status(ids[0], "bounced")) << email_status(db(), ids[0]);
  auto b = db().query("SELECT * FROM bounces WHERE email_id = ?", {ids[0]});
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["dsn_status"], "5.1.1");
  EXPECT_EQ(b[0]["dsn_action"], "failed");
  EXPECT_EQ(b[0]["remote_mta"], "inbox.ok.test");
  auto ev =
      db().query("SELECT * FROM events WHERE email_id = ? AND type = 'MessageBounced'", {ids[0]});
  ASSERT_EQ(ev.size(), 1u);
  auto p = json(ev[0]["payload"]);
  EXPECT_EQ(p->getObject("original_message")->getValue<std::string>("token"), ids[0]);
  EXPECT_EQ(p->getObject("bounce")->getValue<std::string>("direction"), "incoming");
  EXPECT_EQ(p->getObject("bounce")->getValue<std::string>("subject"),
            "Undelivered Mail Returned to Sender");
  EXPECT_EQ(p->getObject("bounce")->getValue<std::string>("message_id"),
            "<ndr-" + tag + "@mx.ok.test>");
  auto last = attempts(ids[0]).back();
  EXPECT_EQ(last["status"], "bounced");
  EXPECT_EQ(last["classification"], "invalid_recipient");
  EXPECT_EQ(suppression("ndr1@ok.test"), "hard fail") << "Appendix C.3: permanent NDR";

  // The same report again (Postfix retried it, say): recorded once.
  inject(rp, dsn_for(rp, "ndr1@ok.test", tag));
  std::string maillog = env_get("ARK_MAILLOG");
  ASSERT_TRUE(eventually(
      [&] { return read_file(maillog).find("2.0.0 nothing to record") != std::string::npos; },
      30s));
  EXPECT_EQ(db().query("SELECT id FROM bounces WHERE email_id = ?", {ids[0]}).size(), 1u);
  EXPECT_EQ(
      db().query("SELECT id FROM events WHERE email_id = ? AND type = 'MessageBounced'", {ids[0]})
          .size(),
      1u);

  // A return path with a wrong tag is refused at RCPT by the intake.
  std::string forged = msg[0]["message_id"] + ".0000000000@" + rp_host;
  inject(forged, dsn_for(forged, "ndr1@ok.test", tag + "-forged"));
  EXPECT_TRUE(eventually(
      [&] {
        std::string log = read_file(maillog);
        return log.find("to=<" + forged + ">") != std::string::npos &&
               log.find("not a return path of this server") != std::string::npos;
      },
      30s));
}

TEST_F(DeliveryTest, ManualRetryFlushesADeferredEmail) {
  if (!admind_knows_postfix_dir()) {
    GTEST_SKIP() << "admind.yaml lacks postfix.config_directory (scripts/lib/config.sh)";
  }
  auto ids = send_api_email(db(), tenant_, {"flush@tempfail.test"}, "flush me");
  ASSERT_TRUE(wait_status(ids[0], "softfail"));
  size_t before = attempts(ids[0]).size();
  request_retry(ids[0]);
  // Postfix's own next try is at least minimal_backoff_time (10 s in the dev stack) away;
  // a new attempt within 8 s is the flush.
  EXPECT_TRUE(eventually([&] { return attempts(ids[0]).size() > before; }, 8s));
  EXPECT_EQ(retry_outcome(ids[0]), "flushed");
}

TEST_F(DeliveryTest, ManualRetryResubmitsAHardFail) {
  auto ids = send_api_email(db(), tenant_, {"again@reject.test"}, "resubmit me");
  ASSERT_TRUE(wait_status(ids[0], "hardfail"));
  std::string old_qid = queue_id(ids[0]);
  // API sends store their MIME text (sql/003); an older send path may not have: store one.
  db().exec(
      "UPDATE messages m JOIN emails e ON e.message_id = m.id SET m.raw_message = ? "
      "WHERE e.id = ? AND m.raw_message IS NULL",
      {"From: Deliveries <sender@delivery.test>\r\nTo: again@reject.test\r\n"
       "Subject: resubmit me\r\nMessage-ID: <resubmit-" +
           ids[0] +
           "@delivery.test>\r\n\r\n"
           "hello\r\n",
       ids[0]});
  request_retry(ids[0]);
  ASSERT_TRUE(eventually([&] { return retry_outcome(ids[0]).rfind("resubmitted", 0) == 0; }, 30s))
      << retry_outcome(ids[0]);
  ASSERT_TRUE(eventually([&] { return attempts(ids[0]).size() == 2; }, 30s));
  auto a = attempts(ids[0]);
  EXPECT_EQ(a[1]["status"], "hardfail");
  EXPECT_NE(a[1]["queue_id"], old_qid) << "a new Postfix queue entry";
  EXPECT_EQ(queue_id(ids[0]), a[1]["queue_id"]);
  EXPECT_EQ(email_status(db(), ids[0]), "hardfail");
}

TEST_F(DeliveryTest, OperatorHoldThenManualRelease) {
  if (!admind_knows_postfix_dir()) {
    GTEST_SKIP() << "admind.yaml lacks postfix.config_directory (scripts/lib/config.sh)";
  }
  auto ids = send_api_email(db(), tenant_, {"hold@tempfail.test"}, "hold me");
  ASSERT_TRUE(wait_status(ids[0], "softfail"));
  ASSERT_EQ(postfix_tool("postsuper", "-h " + queue_id(ids[0])), 0);
  ASSERT_TRUE(wait_status(ids[0], "held"));
  auto held = events(ids[0]).back();
  EXPECT_EQ(held["type"], "MessageHeld");
  EXPECT_EQ(json(held["payload"])->getValue<std::string>("status"), "Held");
  request_retry(ids[0]);
  ASSERT_TRUE(eventually([&] { return retry_outcome(ids[0]) == "released"; }, 10s))
      << retry_outcome(ids[0]);
  EXPECT_TRUE(wait_status(ids[0], "softfail")) << "released, tried again, deferred again";
}

TEST_F(DeliveryTest, OperatorForceExpireIsAHardFailWithoutSuppression) {
  auto ids = send_api_email(db(), tenant_, {"expire@tempfail.test"}, "expire me");
  ASSERT_TRUE(wait_status(ids[0], "softfail"));
  std::string qid = queue_id(ids[0]);
  ASSERT_EQ(postfix_tool("postsuper", "-e " + qid), 0);
  postfix_tool("postqueue", "-i " + qid);
  ASSERT_TRUE(wait_status(ids[0], "hardfail"));
  EXPECT_EQ(events(ids[0]).back()["type"], "MessageDeliveryFailed");
  EXPECT_EQ(suppression("expire@tempfail.test"), "<none>");
  EXPECT_NE(attempts(ids[0]).back()["details"].find("expired by the operator"), std::string::npos);
}

}  // namespace
}  // namespace ark::itest
