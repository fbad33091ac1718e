// The send policy inside the milter (issue 4), driven through Connection exactly as the
// libmilter callbacks drive it, with a fake SendStore and a fake clock: SMTP AUTH and relay
// binding, sender/From checks, suppression and limit holds, the one-class-per-transaction
// split, tag/metadata headers, size, API admission, and the admission plan itself.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/mail/binding.h"
#include "core/mail/return_path.h"
#include "milter/connection.h"
#include "milter/message_filter.h"
#include "milter/stages/admit_message.h"
#include "tests/unit/milter/fakes.h"
#include "tests/unit/milter/send_fakes.h"

namespace ark::milter {
namespace {

using testing::FakeClock;
using testing::FakeMessageStore;
using testing::FakeSendStore;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z
constexpr const char* kTenant = "cmtenant0000001";
constexpr const char* kSecret = "binding-secret-0123456789abcdef";
constexpr const char* kQid = "4Vq7Xw1Zk9zB2mC";

struct Tx {
  MailInfo mail;
  std::vector<std::string> rcpts;
  Headers headers;
  std::string body = "hello\r\n";
};

struct Outcome {
  Decision mail;
  std::vector<Decision> rcpt;
  Decision eoh;
  Decision eom;
  bool reached_eom = false;
  std::vector<HeaderEdit> edits;
};

MailInfo login_mail(std::string sender = "app@shop.example",
                    std::string login = std::string(kTenant) + "/app") {
  MailInfo m;
  m.sender = std::move(sender);
  m.auth_login = std::move(login);
  m.daemon_name = "submission";
  return m;
}

Headers plain_headers() {
  return {{"From", "Shop <app@shop.example>"},
          {"To", "a@rcpt.example"},
          {"Subject", "hi"},
          {"Message-ID", "<1@shop.example>"}};
}

class SendPolicyTest : public ::testing::Test {
 protected:
  SendPolicyTest() {
    send_.tenants[kTenant] = policy::TenantStatus::Active;
    send_.logins[std::string(kTenant) + "/app"] = {{1, kTenant, false},
                                                   policy::TenantStatus::Active};
    send_.domains[std::string(kTenant) + "|shop.example"] = {true, true};
    send_.domains[std::string(kTenant) + "|new.example"] = {true, false};
    settings_.policy.default_limits = {5, 0, 0};
    settings_.policy.rules.max_message_size = 10000;
    settings_.policy.rules.sandbox.sender = "sandbox@arkhq.io";
    settings_.policy.rules.sandbox.recipients = {"owner@provider.example"};
    settings_.policy.rules.sandbox.daily_limit = 2;
    settings_.relay_daemon_name = "relay";
    settings_.relay_tenant = kTenant;
  }

  std::unique_ptr<Connection> connect() {
    FilterSettings fs{kSecret, 600, "node-a", Verdict::Tempfail, rp_host_};
    auto filter = std::make_shared<const MessageFilter>(std::move(fs), store_, clock_, nullptr,
                                                        DkimSettings{}, &send_, settings_);
    return std::make_unique<Connection>(std::move(filter));
  }

  Outcome run(Connection& c, const Tx& tx) {
    Outcome out;
    out.mail = c.on_mail(tx.mail);
    if (out.mail.is_final()) {
      return out;
    }
    bool any = false;
    for (const auto& r : tx.rcpts) {
      out.rcpt.push_back(c.on_rcpt("<" + r + ">"));
      any |= !out.rcpt.back().is_final();
    }
    if (!any) {
      c.on_abort();  // Postfix sends no DATA without a recipient
      return out;
    }
    for (const auto& [n, v] : tx.headers) {
      c.on_header(n, v);
    }
    out.eoh = c.on_end_of_headers(kQid);
    if (out.eoh.is_final()) {
      return out;
    }
    c.on_body(tx.body);
    out.reached_eom = true;
    out.eom = c.on_end_of_message(kQid, [&](const HeaderEdit& e) -> base::Status {
      out.edits.push_back(e);
      return {};
    });
    return out;
  }

  Outcome run(const Tx& tx) { return run(*connect(), tx); }

  static bool quarantined(const Outcome& o) {
    for (const auto& e : o.edits) {
      if (e.kind == HeaderEdit::Kind::Quarantine) {
        return true;
      }
    }
    return false;
  }

  FakeClock clock_{kNow * 1000000};
  FakeMessageStore store_;
  FakeSendStore send_;
  SendPolicySettings settings_;
  std::string rp_host_;  // bounces.return_path_host; empty: off
};

TEST_F(SendPolicyTest, AuthenticatedMailIsRecordedUnderItsTenant) {
  Headers h = plain_headers();
  h.push_back({"X-Ark-Tag", "welcome"});
  h.push_back({"X-Ark-Metadata", R"({"orderId":"42"})"});
  Outcome o = run({login_mail(), {"a@rcpt.example", "b@rcpt.example"}, h});
  EXPECT_EQ(o.mail.verdict, Verdict::Continue);
  ASSERT_EQ(o.rcpt.size(), 2u);
  EXPECT_EQ(o.rcpt[0].verdict, Verdict::Continue);
  EXPECT_EQ(o.rcpt[1].verdict, Verdict::Continue);
  ASSERT_TRUE(o.reached_eom);
  EXPECT_EQ(o.eom.verdict, Verdict::Accept);
  EXPECT_EQ(o.eom.reason, "recorded");
  EXPECT_FALSE(quarantined(o));
  ASSERT_EQ(send_.admitted.size(), 1u);
  const AdmitRequest& r = send_.admitted[0].request;
  EXPECT_FALSE(r.api);
  EXPECT_EQ(r.tenant_id, kTenant);
  EXPECT_EQ(r.queue_id, kQid);
  EXPECT_EQ(r.node, "node-a");
  EXPECT_EQ(r.envelope_from, "app@shop.example");
  EXPECT_EQ(r.from_header, "Shop <app@shop.example>");
  EXPECT_EQ(r.subject, "hi");
  EXPECT_EQ(r.message_id_hdr, "<1@shop.example>");
  EXPECT_EQ(r.tag, std::optional<std::string>("welcome"));
  EXPECT_EQ(r.metadata_json, std::optional<std::string>(R"({"orderId":"42"})"));
  ASSERT_EQ(r.emails.size(), 2u);
  EXPECT_EQ(r.emails[0].rcpt, "a@rcpt.example");
  EXPECT_EQ(r.emails[0].status, "pending");
  EXPECT_NE(r.emails[0].id, r.emails[1].id);
  EXPECT_EQ(send_.admitted[0].plan.counted, 2);
  EXPECT_GT(r.size_bytes, 7);
  // The Ark headers are removed, the stamp added.
  std::vector<HeaderEdit> want = {{HeaderEdit::Kind::Delete, "X-Ark-Tag", 1, ""},
                                  {HeaderEdit::Kind::Delete, "X-Ark-Metadata", 1, ""},
                                  {HeaderEdit::Kind::Add, "X-Ark-Id", 0, r.message_id}};
  EXPECT_EQ(o.edits, want);
  EXPECT_TRUE(store_.calls.empty()) << "SMTP mail has no binding to record";
}

struct MailReject {
  const char* name;
  MailInfo mail;
  const char* code;
  const char* xcode;
  const char* reason;
};

TEST_F(SendPolicyTest, MailStageRefusals) {
  send_.logins["cmsuspended0001/app"] = {{2, "cmsuspended0001", false},
                                         policy::TenantStatus::Suspended};
  const MailReject cases[] = {
      {"deleted credential", login_mail("app@shop.example", std::string(kTenant) + "/gone"), "550",
       "5.7.1", "credential_unknown"},
      {"login without tenant", login_mail("app@shop.example", "app"), "550", "5.7.1",
       "credential_unknown"},
      {"suspended tenant", login_mail("app@shop.example", "cmsuspended0001/app"), "550", "5.7.1",
       "tenant_inactive"},
      {"foreign sender domain", login_mail("x@other.example"), "550", "5.7.1",
       "sender_domain_foreign"},
      {"unverified sender domain", login_mail("x@new.example"), "550", "5.7.1",
       "sender_domain_unverified"},
      {"null sender", login_mail(""), "553", "5.1.7", "sender_missing"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Outcome o = run({c.mail, {"a@rcpt.example"}, plain_headers()});
    EXPECT_EQ(o.mail.verdict, Verdict::Reject);
    EXPECT_EQ(o.mail.reply_code, c.code);
    EXPECT_EQ(o.mail.extended_code, c.xcode);
    EXPECT_EQ(o.mail.reason, c.reason);
  }
  EXPECT_TRUE(send_.admitted.empty());
}

TEST_F(SendPolicyTest, DeclaredSizeOverTheLimitIsRefusedAtMail) {
  MailInfo m = login_mail();
  m.esmtp_args = {"BODY=8BITMIME", "SIZE=10001"};
  Outcome o = run({m, {"a@rcpt.example"}, plain_headers()});
  EXPECT_EQ(o.mail.reply_code, "552");
  EXPECT_EQ(o.mail.extended_code, "5.3.4");
}

TEST_F(SendPolicyTest, ActualSizeOverTheLimitIsRefusedAtEndOfMessage) {
  Tx tx{login_mail(), {"a@rcpt.example"}, plain_headers(), std::string(10000, 'x')};
  Outcome o = run(tx);
  EXPECT_EQ(o.eom.verdict, Verdict::Reject);
  EXPECT_EQ(o.eom.reply_code, "552");
  EXPECT_TRUE(send_.admitted.empty());
}

TEST_F(SendPolicyTest, StoreOutageTempfailsAndWritesNothing) {
  send_.fail_lookups = true;
  Outcome o = run({login_mail(), {"a@rcpt.example"}, plain_headers()});
  EXPECT_EQ(o.mail.verdict, Verdict::Tempfail);
  EXPECT_EQ(o.mail.reply_code, "451");
  send_.fail_lookups = false;
  send_.fail_admit = true;
  o = run({login_mail(), {"a@rcpt.example"}, plain_headers()});
  EXPECT_EQ(o.eom.verdict, Verdict::Tempfail);
  EXPECT_TRUE(send_.admitted.empty());
}

TEST_F(SendPolicyTest, HeldCredentialIsAcceptedAndHeld) {
  send_.logins[std::string(kTenant) + "/app"].credential.hold = true;
  Outcome o = run({login_mail(), {"a@rcpt.example"}, plain_headers()});
  EXPECT_EQ(o.eom.verdict, Verdict::Accept);
  EXPECT_EQ(o.eom.reason, "held:credential_held");
  EXPECT_TRUE(quarantined(o));
  ASSERT_EQ(send_.admitted.size(), 1u);
  EXPECT_EQ(send_.admitted[0].request.emails[0].status, "held");
  EXPECT_EQ(send_.admitted[0].request.emails[0].held_reason, "credential_held");
  EXPECT_EQ(send_.admitted[0].plan.counted, 0) << "held mail is not counted";
}

TEST_F(SendPolicyTest, SuppressedRecipientIsHeldNotRejected) {
  send_.suppressed[std::string(kTenant) + "|gone@rcpt.example"] = "hard fail";
  Outcome o = run({login_mail(), {"gone@rcpt.example"}, plain_headers()});
  ASSERT_EQ(o.rcpt.size(), 1u);
  EXPECT_EQ(o.rcpt[0].verdict, Verdict::Continue);
  EXPECT_EQ(o.eom.verdict, Verdict::Accept);
  EXPECT_EQ(o.eom.reason, "held:recipient_suppressed");
  EXPECT_TRUE(quarantined(o));
  const NewEmail& e = send_.admitted.at(0).request.emails.at(0);
  EXPECT_EQ(e.status, "held");
  EXPECT_EQ(e.held_reason, "recipient_suppressed");
  EXPECT_EQ(e.held_detail,
            "Recipient gone@rcpt.example is on the suppression list (reason: hard fail)");
}

TEST_F(SendPolicyTest, OneClassPerTransaction) {
  send_.suppressed[std::string(kTenant) + "|gone@rcpt.example"] = "";
  Outcome o = run(
      {login_mail(), {"a@rcpt.example", "gone@rcpt.example", "b@rcpt.example"}, plain_headers()});
  ASSERT_EQ(o.rcpt.size(), 3u);
  EXPECT_EQ(o.rcpt[0].verdict, Verdict::Continue);
  EXPECT_EQ(o.rcpt[1].verdict, Verdict::Tempfail);
  EXPECT_EQ(o.rcpt[1].reply_code, "452");
  EXPECT_EQ(o.rcpt[1].extended_code, "4.5.3");
  EXPECT_EQ(o.rcpt[2].verdict, Verdict::Continue);
  EXPECT_FALSE(quarantined(o));
  ASSERT_EQ(send_.admitted.at(0).request.emails.size(), 2u) << "the 452 recipient is not kept";
  // The client sends the refused recipient again on its own: held there.
  Outcome again = run({login_mail(), {"gone@rcpt.example"}, plain_headers()});
  EXPECT_TRUE(quarantined(again));
}

TEST_F(SendPolicyTest, OverTheLimitIsHeldAndCountsExactly) {
  // Limit 5 per hour: 2 + 3 fit, the next message is held, and nothing more is counted.
  EXPECT_EQ(run({login_mail(), {"a@r.example", "b@r.example"}, plain_headers()}).eom.reason,
            "recorded");
  EXPECT_EQ(run({login_mail(), {"c@r.example", "d@r.example", "e@r.example"}, plain_headers()})
                .eom.reason,
            "recorded");
  Outcome held = run({login_mail(), {"f@r.example"}, plain_headers()});
  EXPECT_EQ(held.eom.reason, "held:send_limit_exceeded");
  EXPECT_TRUE(quarantined(held));
  int64_t hour = policy::window_start(policy::Period::Hour, kNow);
  EXPECT_EQ((send_.counters[{kTenant, policy::Period::Hour, hour}]), 5);
  // Approaching once (4 of 5 crossed 90 %? no: 5 of 5 did), exceeded once.
  ASSERT_EQ(send_.events.size(), 2u);
  EXPECT_EQ(send_.events[0].type, "SendLimitApproaching");
  EXPECT_EQ(send_.events[0].window.used, 5);
  EXPECT_EQ(send_.events[1].type, "SendLimitExceeded");
  EXPECT_EQ(send_.admitted.back().request.emails[0].held_reason, "send_limit_exceeded");
}

TEST_F(SendPolicyTest, PartialFitSplitsTheTransaction) {
  int64_t hour = policy::window_start(policy::Period::Hour, kNow);
  send_.counters[{kTenant, policy::Period::Hour, hour}] = 3;  // 2 left
  Outcome o = run({login_mail(), {"a@r.example", "b@r.example", "c@r.example"}, plain_headers()});
  EXPECT_EQ(o.rcpt[0].verdict, Verdict::Continue);
  EXPECT_EQ(o.rcpt[1].verdict, Verdict::Continue);
  EXPECT_EQ(o.rcpt[2].reply_code, "452") << "the third one does not fit: its own transaction";
  EXPECT_EQ(o.eom.reason, "recorded");
  EXPECT_EQ((send_.counters[{kTenant, policy::Period::Hour, hour}]), 5);
}

TEST_F(SendPolicyTest, LimitReachedBetweenRcptAndEndOfMessageHoldsTheMessage) {
  auto c = connect();
  c->on_mail(login_mail());
  EXPECT_EQ(c->on_rcpt("<a@r.example>").verdict, Verdict::Continue);
  // Another node takes the whole hour meanwhile.
  int64_t hour = policy::window_start(policy::Period::Hour, kNow);
  send_.counters[{kTenant, policy::Period::Hour, hour}] = 5;
  for (const auto& [n, v] : plain_headers()) {
    c->on_header(n, v);
  }
  c->on_end_of_headers(kQid);
  bool held = false;
  Decision d = c->on_end_of_message(kQid, [&](const HeaderEdit& e) -> base::Status {
    held |= e.kind == HeaderEdit::Kind::Quarantine;
    return {};
  });
  EXPECT_EQ(d.reason, "held:send_limit_exceeded");
  EXPECT_TRUE(held);
  EXPECT_EQ((send_.counters[{kTenant, policy::Period::Hour, hour}]), 5);
}

TEST_F(SendPolicyTest, UnlimitedTenantsNeedNoCountAtRcpt) {
  send_.overrides[kTenant] = {int64_t{0}, int64_t{0}, int64_t{0}};
  EXPECT_EQ(run({login_mail(), {"a@r.example", "b@r.example"}, plain_headers()}).eom.reason,
            "recorded");
  EXPECT_EQ(send_.usage_lookups, 0);
  EXPECT_EQ(send_.limit_lookups, 2);
  int64_t hour = policy::window_start(policy::Period::Hour, kNow);
  EXPECT_EQ((send_.counters[{kTenant, policy::Period::Hour, hour}]), 2) << "still counted";
}

TEST_F(SendPolicyTest, TenantLimitOverridesTheDefault) {
  send_.overrides[kTenant].hourly = 1;
  EXPECT_EQ(run({login_mail(), {"a@r.example"}, plain_headers()}).eom.reason, "recorded");
  EXPECT_EQ(run({login_mail(), {"b@r.example"}, plain_headers()}).eom.reason,
            "held:send_limit_exceeded");
}

struct HeaderReject {
  const char* name;
  Headers headers;
  const char* xcode;
  const char* reason;
};

TEST_F(SendPolicyTest, HeaderStageRefusals) {
  auto with = [](Headers h, std::string n, std::string v) {
    h.push_back({std::move(n), std::move(v)});
    return h;
  };
  const HeaderReject cases[] = {
      {"From of a foreign domain",
       {{"From", "x@other.example"}, {"Subject", "s"}},
       "5.7.1",
       "from_not_aligned"},
      {"From of an unverified domain", {{"From", "x@new.example"}}, "5.7.1", "from_not_aligned"},
      {"no From", {{"Subject", "s"}}, "5.7.1", "from_not_aligned"},
      {"two From",
       {{"From", "app@shop.example"}, {"From", "app@shop.example"}},
       "5.7.1",
       "from_not_aligned"},
      {"metadata not JSON", with(plain_headers(), "X-Ark-Metadata", "orderId=42"), "5.6.0",
       "bad_metadata"},
      {"metadata breaks a rule", with(plain_headers(), "X-Ark-Metadata", R"({"1bad":"x"})"),
       "5.6.0", "bad_metadata"},
      {"tag twice", with(with(plain_headers(), "X-Ark-Tag", "a"), "x-ark-tag", "b"), "5.6.0",
       "bad_tag"},
      {"tag too long", with(plain_headers(), "X-Ark-Tag", std::string(1001, 't')), "5.6.0",
       "bad_tag"},
      {"binding header on SMTP mail", with(plain_headers(), "X-Ark-Binding", "v1; m=x"), "5.7.1",
       "binding_on_smtp"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Outcome o = run({login_mail(), {"a@rcpt.example"}, c.headers});
    EXPECT_EQ(o.eoh.verdict, Verdict::Reject);
    EXPECT_EQ(o.eoh.extended_code, c.xcode);
    EXPECT_EQ(o.eoh.reason, c.reason);
    EXPECT_FALSE(o.reached_eom);
  }
  EXPECT_TRUE(send_.admitted.empty());
}

TEST_F(SendPolicyTest, FoldedFromHeaderIsUnderstood) {
  Outcome o =
      run({login_mail(), {"a@rcpt.example"}, {{"From", "\"Shop,\n\tInc\" <app@shop.example>"}}});
  EXPECT_EQ(o.eom.verdict, Verdict::Accept);
}

TEST_F(SendPolicyTest, Sandbox) {
  MailInfo m = login_mail("sandbox@arkhq.io");
  Headers h = {{"From", "sandbox@arkhq.io"}};
  Outcome bad = run({m, {"someone@else.example"}, h});
  EXPECT_EQ(bad.rcpt.at(0).verdict, Verdict::Reject);
  EXPECT_EQ(bad.rcpt.at(0).reason, "sandbox_recipient");
  EXPECT_EQ(run({m, {"owner@provider.example"}, h}).eom.reason, "recorded");
  EXPECT_EQ(run({m, {"owner@provider.example"}, h}).eom.reason, "recorded");
  Outcome third = run({m, {"owner@provider.example"}, h});
  EXPECT_EQ(third.eom.verdict, Verdict::Reject);
  EXPECT_EQ(third.eom.reason, "sandbox_daily_limit");
  EXPECT_EQ(send_.admitted.size(), 2u);
}

TEST_F(SendPolicyTest, RelayListenerSendsAsItsTenant) {
  MailInfo m;
  m.sender = "app@shop.example";
  m.daemon_name = "relay";
  Outcome o = run({m, {"a@rcpt.example"}, plain_headers()});
  EXPECT_EQ(o.eom.reason, "recorded");
  EXPECT_EQ(send_.admitted.at(0).request.tenant_id, kTenant);
  MailInfo other = m;
  other.daemon_name = "smtpd";
  Outcome unbound = run({other, {"a@rcpt.example"}, plain_headers()});
  EXPECT_EQ(unbound.eoh.reason, "missing_binding") << "other listeners need AUTH or a binding";
}

TEST_F(SendPolicyTest, ApiMailIsAdmittedWithItsBinding) {
  send_.api_waiting = {"msgApiOne", "msgApiTwo"};
  send_.api_emails["msgApiOne"] = {2, 0};
  send_.api_emails["msgApiTwo"] = {0, 1};  // admind held its only recipient (suppressed)
  auto send_api = [&](const char* id) {
    MailInfo m;
    m.sender = "app@shop.example";
    Headers h = plain_headers();
    h.push_back({"X-Ark-Binding", mail::sign_binding({id, kTenant, kNow}, kSecret)});
    return run({m, {"a@rcpt.example"}, h});
  };
  Outcome one = send_api("msgApiOne");
  EXPECT_EQ(one.eom.reason, "recorded");
  EXPECT_TRUE(send_.admitted.at(0).request.api);
  EXPECT_EQ(send_.admitted.at(0).plan.counted, 2);
  std::vector<HeaderEdit> want = {{HeaderEdit::Kind::Delete, "X-Ark-Binding", 1, ""},
                                  {HeaderEdit::Kind::Add, "X-Ark-Id", 0, "msgApiOne"}};
  EXPECT_EQ(one.edits, want);
  Outcome two = send_api("msgApiTwo");
  EXPECT_EQ(two.eom.reason, "held:recipient_suppressed");
  EXPECT_TRUE(quarantined(two));
  Outcome replay = send_api("msgApiOne");
  EXPECT_EQ(replay.eom.verdict, Verdict::Reject);
  EXPECT_EQ(replay.eom.reason, "unknown_binding");
}

// ---- VERP return paths (bounces.return_path_host) ---------------------------------------

MailInfo report_mail() {
  MailInfo m;  // a remote MTA on the public listener: null sender, no login
  m.daemon_name = "smtpd";
  return m;
}

Headers report_headers() {
  return {{"From", "MAILER-DAEMON@mx.remote.example"},
          {"Subject", "Undelivered Mail Returned to Sender"},
          {"Content-Type", "multipart/report; report-type=delivery-status; boundary=b"}};
}

const HeaderEdit* change_from(const Outcome& o) {
  for (const auto& e : o.edits) {
    if (e.kind == HeaderEdit::Kind::ChangeFrom) {
      return &e;
    }
  }
  return nullptr;
}

TEST_F(SendPolicyTest, ReportsToTheReturnPathHostPassWithoutABinding) {
  rp_host_ = "rp.ark.test";
  Outcome o = run({report_mail(), {"msgAbc.0123456789@RP.ark.test"}, report_headers()});
  EXPECT_EQ(o.eoh.verdict, Verdict::Accept) << o.eoh.reason;
  EXPECT_EQ(o.eoh.reason, "return_path_report");
  EXPECT_TRUE(send_.admitted.empty()) << "a report is not a tenant's mail";
  EXPECT_TRUE(store_.calls.empty());
}

TEST_F(SendPolicyTest, ReportsNeedEveryRecipientOnTheReturnPathHost) {
  rp_host_ = "rp.ark.test";
  Outcome mixed =
      run({report_mail(), {"msgAbc.0123456789@rp.ark.test", "a@rcpt.example"}, report_headers()});
  EXPECT_EQ(mixed.eoh.verdict, Verdict::Reject);
  EXPECT_EQ(mixed.eoh.reason, "missing_binding");
  Outcome sub_domain = run({report_mail(), {"x@sub.rp.ark.test"}, report_headers()});
  EXPECT_EQ(sub_domain.eoh.reason, "missing_binding");
  Headers forged = report_headers();
  forged.push_back({"X-Ark-Binding", "v1;garbage"});
  Outcome bound = run({report_mail(), {"msgAbc.0123456789@rp.ark.test"}, forged});
  EXPECT_EQ(bound.eoh.verdict, Verdict::Reject) << "a binding is checked, never skipped";
}

TEST_F(SendPolicyTest, WithoutAReturnPathHostReportsAreUnboundMail) {
  Outcome o = run({report_mail(), {"msgAbc.0123456789@rp.ark.test"}, report_headers()});
  EXPECT_EQ(o.eoh.verdict, Verdict::Reject);
  EXPECT_EQ(o.eoh.reason, "missing_binding");
}

TEST_F(SendPolicyTest, SmtpMailLeavesWithItsVerpReturnPath) {
  rp_host_ = "rp.ark.test";
  Outcome o = run({login_mail(), {"a@rcpt.example"}, plain_headers()});
  ASSERT_EQ(o.eom.reason, "recorded");
  const HeaderEdit* cf = change_from(o);
  ASSERT_NE(cf, nullptr);
  const std::string& id = send_.admitted.at(0).request.message_id;
  EXPECT_EQ(cf->value, mail::make_return_path(id, "rp.ark.test", kSecret));
  auto parsed = mail::parse_return_path(cf->value, kSecret);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->message_id, id);
  EXPECT_EQ(send_.admitted.at(0).request.envelope_from, "app@shop.example")
      << "the record keeps the tenant's sender";
}

TEST_F(SendPolicyTest, ReturnPathIsLeftAloneWhereItDoesNotApply) {
  Outcome off = run({login_mail(), {"a@rcpt.example"}, plain_headers()});
  EXPECT_EQ(change_from(off), nullptr) << "no return-path host configured";
  rp_host_ = "rp.ark.test";
  send_.api_waiting = {"msgApiRp"};
  send_.api_emails["msgApiRp"] = {1, 0};
  MailInfo api;
  api.sender = mail::make_return_path("msgApiRp", "rp.ark.test", kSecret);  // admind's VERP
  Headers h = plain_headers();
  h.push_back({"X-Ark-Binding", mail::sign_binding({"msgApiRp", kTenant, kNow}, kSecret)});
  Outcome api_mail = run({api, {"a@rcpt.example"}, h});
  EXPECT_EQ(api_mail.eom.reason, "recorded");
  EXPECT_EQ(change_from(api_mail), nullptr) << "admind already set it";
}

TEST_F(SendPolicyTest, ApiSandboxMailIsKnownByItsFromHeaderUnderAVerpSender) {
  send_.api_waiting = {"msgSandbox"};
  send_.api_emails["msgSandbox"] = {1, 0};
  MailInfo api;
  api.sender = mail::make_return_path("msgSandbox", "rp.ark.test", kSecret);
  Headers h = {{"From", "Ark Sandbox <sandbox@arkhq.io>"},
               {"To", "owner@provider.example"},
               {"Subject", "try"},
               {"X-Ark-Binding", mail::sign_binding({"msgSandbox", kTenant, kNow}, kSecret)}};
  Outcome o = run({api, {"owner@provider.example"}, h});
  EXPECT_EQ(o.eom.reason, "recorded");
  EXPECT_TRUE(send_.admitted.at(0).request.sandbox);
}

TEST(AdmitPlan, ApproachingIsRecordedOnlyWhenCrossing) {
  auto w = policy::send_windows(kNow, {10, 0, 0});
  policy::SandboxRules rules;
  w[0].used = 8;
  AdmitPlan p = AdmitMessage::plan(w, std::nullopt, 1, 0, std::nullopt, std::nullopt, rules);
  EXPECT_TRUE(p.events.empty()) << "9 of 10 is 90 %, not above";
  p = AdmitMessage::plan(w, std::nullopt, 2, 0, std::nullopt, std::nullopt, rules);
  ASSERT_EQ(p.events.size(), 1u);
  EXPECT_EQ(p.events[0].window.used, 10);
  EXPECT_EQ(p.counted, 2);
  EXPECT_FALSE(p.held);
}

TEST(AdmitPlan, NothingToCountAndNothingHeldIsJustAdmitted) {
  auto w = policy::send_windows(kNow, {1, 0, 0});
  w[0].used = 1;
  AdmitPlan p = AdmitMessage::plan(w, std::nullopt, 0, 0, std::nullopt, std::nullopt, {});
  EXPECT_FALSE(p.held);
  EXPECT_EQ(p.counted, 0);
}

}  // namespace
}  // namespace ark::milter
