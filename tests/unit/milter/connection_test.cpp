// The per-message logic of ark-milter, driven through Connection (the same entry points
// the libmilter callbacks use) with a fake store and a fake clock.
#include "milter/connection.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/mail/binding.h"
#include "milter/message_filter.h"
#include "tests/unit/milter/fakes.h"

namespace ark::milter {
namespace {

using testing::FakeClock;
using testing::FakeMessageStore;

constexpr const char* kSecret = "binding-secret-0123456789abcdef";
constexpr int64_t kNow = 1700000000;
constexpr int64_t kMaxAge = 600;
constexpr const char* kQueueId = "4Vq7Xw1Zk9zB2mC";
constexpr const char* kMessageId = "msgAbCdEfGhIjKlMnOpQrStU";
constexpr const char* kTenantId = "cmabcdefghijklm";

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string make_binding(int64_t ts, const std::string& secret = kSecret,
                         const std::string& message = kMessageId,
                         const std::string& tenant = kTenantId) {
  return mail::sign_binding({message, tenant, ts}, secret);
}

struct Outcome {
  Decision eoh;
  Decision eom;
  bool reached_eom = false;
  std::vector<HeaderEdit> edits;
};

class MilterMessageTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> connect(Verdict on_error = Verdict::Tempfail) {
    FilterSettings fs{kSecret, kMaxAge, "node-a", on_error};
    auto filter = std::make_shared<const MessageFilter>(std::move(fs), store_, clock_);
    return std::make_unique<Connection>(std::move(filter));
  }

  // One SMTP transaction as Postfix drives it: MAIL, headers, end of headers and, unless
  // that was final, end of message. `refuse_edits` makes the MTA refuse header changes.
  Outcome send(Connection& c, const Headers& headers, const std::string& qid = kQueueId,
               bool refuse_edits = false) {
    Outcome out;
    EXPECT_EQ(c.on_mail().verdict, Verdict::Continue);
    for (const auto& [name, value] : headers) {
      EXPECT_EQ(c.on_header(name, value).verdict, Verdict::Continue);
    }
    out.eoh = c.on_end_of_headers(qid);
    if (out.eoh.is_final()) {
      return out;
    }
    out.reached_eom = true;
    out.eom = c.on_end_of_message(qid, [&](const HeaderEdit& e) -> base::Status {
      if (refuse_edits) {
        return base::Error::internal("refused");
      }
      out.edits.push_back(e);
      return {};
    });
    return out;
  }

  FakeClock clock_{kNow * 1000000};
  FakeMessageStore store_;
};

TEST_F(MilterMessageTest, ValidBindingIsRecordedStrippedAndStamped) {
  auto c = connect();
  Outcome out = send(
      *c,
      {{"From", "a@example.org"}, {"X-Ark-Binding", make_binding(kNow - 5)}, {"Subject", "hi"}});

  EXPECT_EQ(out.eoh.verdict, Verdict::Continue);
  ASSERT_TRUE(out.reached_eom);
  EXPECT_EQ(out.eom.verdict, Verdict::Accept);
  std::vector<HeaderEdit> want = {
      {HeaderEdit::Kind::Delete, "X-Ark-Binding", 1, ""},
      {HeaderEdit::Kind::Add, "X-Ark-Id", 0, kMessageId},
  };
  EXPECT_EQ(out.edits, want);
  ASSERT_EQ(store_.calls.size(), 1u);
  EXPECT_EQ(store_.calls[0].message_id, kMessageId);
  EXPECT_EQ(store_.calls[0].tenant_id, kTenantId);
  EXPECT_EQ(store_.calls[0].queue_id, kQueueId);
  EXPECT_EQ(store_.calls[0].node, "node-a");
}

TEST_F(MilterMessageTest, HeaderNameMatchesCaseInsensitively) {
  for (const char* name : {"x-ark-binding", "X-ARK-BINDING", "X-Ark-Binding"}) {
    SCOPED_TRACE(name);
    auto c = connect();
    Outcome out = send(*c, {{name, make_binding(kNow)}});
    EXPECT_EQ(out.eom.verdict, Verdict::Accept);
  }
  EXPECT_EQ(store_.calls.size(), 3u);
}

TEST_F(MilterMessageTest, BindingAtTheEdgeOfMaxAgeIsAccepted) {
  auto c = connect();
  EXPECT_EQ(send(*c, {{"X-Ark-Binding", make_binding(kNow - kMaxAge)}}).eom.verdict,
            Verdict::Accept);
}

struct BindingCase {
  const char* name;
  Headers headers;
  const char* text;
  const char* reason;
};

TEST_F(MilterMessageTest, BadBindingsAreRejectedAtEndOfHeaders) {
  std::string good = make_binding(kNow);
  std::string other_tenant = good;
  other_tenant.replace(other_tenant.find(kTenantId), std::string(kTenantId).size(),
                       "cmzzzzzzzzzzzzz");
  const std::vector<BindingCase> cases = {
      {"missing", {{"Subject", "x"}}, "message is not bound to a tenant", "missing_binding"},
      {"two headers",
       {{"X-Ark-Binding", good}, {"x-ark-binding", good}},
       "invalid binding",
       "multiple_bindings"},
      {"forged signature",
       {{"X-Ark-Binding", make_binding(kNow, "another-secret-0123456789")}},
       "invalid binding",
       "bad_binding"},
      {"tenant swapped under a valid signature",
       {{"X-Ark-Binding", other_tenant}},
       "invalid binding",
       "bad_binding"},
      {"malformed", {{"X-Ark-Binding", "v1; m=abc"}}, "invalid binding", "bad_binding"},
      {"empty value", {{"X-Ark-Binding", ""}}, "invalid binding", "bad_binding"},
      {"expired",
       {{"X-Ark-Binding", make_binding(kNow - kMaxAge - 1)}},
       "binding expired",
       "expired_binding"},
      {"from the future",
       {{"X-Ark-Binding", make_binding(kNow + 3600)}},
       "binding expired",
       "expired_binding"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto c = connect();
    Outcome out = send(*c, tc.headers);
    EXPECT_FALSE(out.reached_eom);
    EXPECT_EQ(out.eoh.verdict, Verdict::Reject);
    EXPECT_EQ(out.eoh.reply_code, "550");
    EXPECT_EQ(out.eoh.extended_code, "5.7.1");
    EXPECT_EQ(out.eoh.text, tc.text);
    EXPECT_EQ(out.eoh.reason, tc.reason);
  }
  EXPECT_TRUE(store_.calls.empty());
}

TEST_F(MilterMessageTest, RowAlreadyRecordedOrUnknownIsRejected) {
  store_.answer = [](const QueueRecord&) { return base::Result<bool>(false); };
  auto c = connect();
  Outcome out = send(*c, {{"X-Ark-Binding", make_binding(kNow)}});
  EXPECT_EQ(out.eom.verdict, Verdict::Reject);
  EXPECT_EQ(out.eom.reply_code, "550");
  EXPECT_EQ(out.eom.extended_code, "5.7.1");
  EXPECT_EQ(out.eom.text, "unknown or already used binding");
  EXPECT_TRUE(out.edits.empty());
}

TEST_F(MilterMessageTest, TransientStoreErrorTempfails) {
  store_.answer = [](const QueueRecord&) {
    return base::Result<bool>(base::Error::transient("database connect failed"));
  };
  auto c = connect(Verdict::Accept);  // not the internal-error path: tempfail regardless
  Outcome out = send(*c, {{"X-Ark-Binding", make_binding(kNow)}});
  EXPECT_EQ(out.eom.verdict, Verdict::Tempfail);
  EXPECT_EQ(out.eom.reply_code, "451");
  EXPECT_EQ(out.eom.extended_code, "4.3.0");
  EXPECT_EQ(out.eom.text, "temporary storage failure, try again later");
  EXPECT_TRUE(out.edits.empty());
}

struct ActionCase {
  Verdict configured;
  Verdict verdict;
  const char* code;
  const char* xcode;
};

const ActionCase kActionCases[] = {
    {Verdict::Tempfail, Verdict::Tempfail, "451", "4.3.0"},
    {Verdict::Accept, Verdict::Accept, "", ""},
    {Verdict::Reject, Verdict::Reject, "550", "5.3.0"},
};

void expect_action(const Decision& d, const ActionCase& ac) {
  EXPECT_EQ(d.verdict, ac.verdict);
  EXPECT_EQ(d.reply_code, ac.code);
  EXPECT_EQ(d.extended_code, ac.xcode);
  EXPECT_EQ(d.reason, "internal_error");
}

TEST_F(MilterMessageTest, ExceptionInStoreGivesConfiguredAction) {
  store_.answer = [](const QueueRecord&) -> base::Result<bool> {
    throw std::runtime_error("boom");
  };
  for (const auto& ac : kActionCases) {
    SCOPED_TRACE(to_string(ac.configured));
    auto c = connect(ac.configured);
    Outcome out = send(*c, {{"X-Ark-Binding", make_binding(kNow)}});
    expect_action(out.eom, ac);
    EXPECT_TRUE(out.edits.empty());
  }
}

TEST_F(MilterMessageTest, ExceptionAtEndOfHeadersGivesConfiguredAction) {
  for (const auto& ac : kActionCases) {
    SCOPED_TRACE(to_string(ac.configured));
    auto c = connect(ac.configured);
    c->on_mail();
    c->on_header("X-Ark-Binding", make_binding(kNow));
    clock_.set_failing(true);
    Decision d = c->on_end_of_headers(kQueueId);
    clock_.set_failing(false);
    expect_action(d, ac);
  }
  EXPECT_TRUE(store_.calls.empty());
}

TEST_F(MilterMessageTest, NonTransientStoreErrorGivesConfiguredAction) {
  store_.answer = [](const QueueRecord&) {
    return base::Result<bool>(base::Error::internal("table missing"));
  };
  for (const auto& ac : kActionCases) {
    SCOPED_TRACE(to_string(ac.configured));
    auto c = connect(ac.configured);
    expect_action(send(*c, {{"X-Ark-Binding", make_binding(kNow)}}).eom, ac);
  }
}

TEST_F(MilterMessageTest, RefusedHeaderEditGivesConfiguredAction) {
  auto c = connect(Verdict::Reject);
  Outcome out = send(*c, {{"X-Ark-Binding", make_binding(kNow)}}, kQueueId, true);
  expect_action(out.eom, kActionCases[2]);
}

TEST_F(MilterMessageTest, MissingQueueIdGivesConfiguredAction) {
  auto c = connect();
  Outcome out = send(*c, {{"X-Ark-Binding", make_binding(kNow)}}, "");
  expect_action(out.eom, kActionCases[0]);
  EXPECT_TRUE(store_.calls.empty());
}

TEST_F(MilterMessageTest, AbortForgetsTheMessage) {
  auto c = connect();
  c->on_mail();
  c->on_header("X-Ark-Binding", make_binding(kNow));
  c->on_abort();
  EXPECT_TRUE(c->message_for_test().binding_values.empty());
  Outcome out = send(*c, {{"Subject", "second"}});
  EXPECT_EQ(out.eoh.reason, "missing_binding");
}

TEST_F(MilterMessageTest, MailStartsAFreshMessage) {
  auto c = connect();
  c->on_mail();
  c->on_header("X-Ark-Binding", make_binding(kNow));
  // No abort: Postfix may go straight to the next MAIL (e.g. after RSET).
  Outcome out = send(*c, {{"Subject", "second"}});
  EXPECT_EQ(out.eoh.reason, "missing_binding");
}

TEST_F(MilterMessageTest, TwoMessagesOnOneConnectionAreIndependent) {
  auto c = connect();
  Outcome first = send(*c, {{"X-Ark-Binding", make_binding(kNow)}}, "QID1");
  std::string other = make_binding(kNow, kSecret, "msgSecondMessage000000000");
  Outcome second = send(*c, {{"X-Ark-Binding", other}}, "QID2");
  EXPECT_EQ(first.eom.verdict, Verdict::Accept);
  EXPECT_EQ(second.eom.verdict, Verdict::Accept);
  ASSERT_EQ(store_.calls.size(), 2u);
  EXPECT_EQ(store_.calls[1].message_id, "msgSecondMessage000000000");
  EXPECT_EQ(store_.calls[1].queue_id, "QID2");
  EXPECT_EQ(second.edits.back().value, "msgSecondMessage000000000");
  EXPECT_TRUE(c->message_for_test().binding_values.empty());
}

TEST(DecisionTest, InternalErrorMapsEachConfiguredAction) {
  for (const auto& ac : kActionCases) {
    SCOPED_TRACE(to_string(ac.configured));
    expect_action(Decision::internal_error(ac.configured), ac);
  }
}

}  // namespace
}  // namespace ark::milter
