// Table-driven tests of the failure classification (admind/delivery/classify.h): one row
// per rule and per edge between rules, with the reply texts Postfix really logs.
#include "admind/delivery/classify.h"

#include <gtest/gtest.h>

namespace ark::admind::delivery {
namespace {

struct Row {
  const char* name;
  Outcome outcome;
  const char* dsn;
  std::optional<int> code;
  const char* text;
  bool no_relay;
  const char* expected;  // nullptr: no classification
  int expected_code;
};

const Row kRows[] = {
    {"sent_has_none", Outcome::Sent, "2.0.0", 250, "Ok", false, nullptr, 0},
    {"user_unknown_511", Outcome::Bounced, "5.1.1", 550, "No such user", false, "invalid_recipient",
     10},
    {"user_unknown_510", Outcome::Bounced, "5.1.0", 550, "Address rejected", false,
     "invalid_recipient", 10},
    {"user_unknown_by_words", Outcome::Bounced, "5.0.0", 550,
     "<x@y>: Recipient address rejected: User unknown in virtual mailbox table", false,
     "invalid_recipient", 10},
    {"bad_domain_512", Outcome::Bounced, "5.1.2", 550, "Host unknown", false, "dns_error", 41},
    {"no_mx_postfix_own", Outcome::Bounced, "5.4.4", std::nullopt,
     "Host or domain name not found. Name service error for name=x.test type=MX: Host not found",
     true, "dns_error", 41},
    {"dns_temporary", Outcome::Deferred, "4.4.3", std::nullopt,
     "Host or domain name not found. Name service error for name=x.test type=MX: Host not "
     "found, try again",
     true, "dns_error", 41},
    {"mailbox_disabled_521", Outcome::Bounced, "5.2.1", 550, "Mailbox disabled", false,
     "no_mailbox", 11},
    {"mailbox_full_522", Outcome::Bounced, "5.2.2", 552, "Mailbox full", false, "mailbox_full", 20},
    {"mailbox_full_temporary_422", Outcome::Deferred, "4.2.2", 452, "Over quota", false,
     "mailbox_full", 20},
    {"too_large_534", Outcome::Bounced, "5.3.4", 552, "Message size exceeds fixed limit", false,
     "message_too_large", 21},
    {"too_large_by_words_552", Outcome::Bounced, "5.0.0", 552, "Message too big", false,
     "message_too_large", 21},
    {"spam_blocked_571", Outcome::Bounced, "5.7.1", 554,
     "Service unavailable; Client host blocked using zen.spamhaus.org", false, "spam_block", 30},
    {"spam_words_without_dsn", Outcome::Bounced, "", 550, "Message rejected as spam", false,
     "spam_block", 30},
    {"policy_571_plain", Outcome::Bounced, "5.7.1", 550, "Relaying denied", false,
     "policy_violation", 31},
    {"policy_other_57x", Outcome::Bounced, "5.7.26", 550, "DMARC policy violation", false,
     "policy_violation", 31},
    {"tls_required_5710", Outcome::Bounced, "5.7.10", 530, "Encryption needed", false,
     "tls_required", 32},
    {"tls_required_words", Outcome::Deferred, "4.7.0", 530, "Must issue a STARTTLS command first",
     false, "tls_required", 32},
    {"connection_refused", Outcome::Deferred, "4.4.1", std::nullopt,
     "connect to 127.0.0.1[127.0.0.1]:10031: Connection refused", true, "connection_error", 40},
    {"lost_connection", Outcome::Deferred, "4.4.2", std::nullopt,
     "lost connection with mx.test[192.0.2.1] while receiving the initial server greeting", false,
     "connection_error", 40},
    {"timeout", Outcome::Deferred, "4.4.2", std::nullopt,
     "conversation with mx.test[192.0.2.1] timed out while sending end of data", false,
     "connection_error", 40},
    {"no_relay_no_text", Outcome::Deferred, "4.3.0", std::nullopt, "", true, "connection_error",
     40},
    {"greylisting_450", Outcome::Deferred, "4.2.0", 450, "Mailbox temporarily busy", false,
     "temporarily_unavailable", 42},
    {"rate_limit_421", Outcome::Deferred, "4.7.0", 421, "Try again later", false,
     "temporarily_unavailable", 42},
    {"code_only_4xx", Outcome::Deferred, "", 451, "Local error in processing", false,
     "temporarily_unavailable", 42},
    {"protocol_55x", Outcome::Bounced, "5.5.2", 500, "Syntax error", false, "protocol_error", 50},
    {"protocol_code_only", Outcome::Bounced, "", 503, "Bad sequence of commands", false,
     "protocol_error", 50},
    {"not_accepting_532", Outcome::Bounced, "5.3.2", 554, "System not accepting network messages",
     false, "not_accepting_mail", 12},
    {"null_mx_556", Outcome::Bounced, "5.1.10", 556, "Recipient address has null MX", false,
     "not_accepting_mail", 12},
    {"not_accepting_521", Outcome::Bounced, "5.0.0", 521, "No mail here", false,
     "not_accepting_mail", 12},
    {"unknown_5xx", Outcome::Bounced, "5.0.0", 550, "Something else entirely", false,
     "unclassified", 99},
    {"expired_keeps_last_reason", Outcome::Expired, "4.2.0", 450, "Mailbox temporarily busy", false,
     "temporarily_unavailable", 42},
};

class ClassifyTest : public ::testing::TestWithParam<Row> {};

TEST_P(ClassifyTest, Row) {
  const Row& r = GetParam();
  auto got = classify({r.outcome, r.dsn, r.code, r.text, r.no_relay});
  if (r.expected == nullptr) {
    EXPECT_FALSE(got.has_value());
    return;
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name, r.expected);
  EXPECT_EQ(got->code, r.expected_code);
}

INSTANTIATE_TEST_SUITE_P(Table, ClassifyTest, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<Row>& i) { return i.param.name; });

TEST(ClassifyWords, UnderscoresBecomeSpaces) {
  EXPECT_EQ(classification_words("temporarily_unavailable"), "temporarily unavailable");
  EXPECT_EQ(classification_words("spam_block"), "spam block");
}

}  // namespace
}  // namespace ark::admind::delivery
