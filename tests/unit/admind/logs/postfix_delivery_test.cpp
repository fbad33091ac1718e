// Table-driven tests for delivery lines ("to=<...>, relay=..., status=...").

#include <gtest/gtest.h>

#include <string>

#include "admind/logs/postfix_log.h"

namespace ark::admind::logs {
namespace {

constexpr int kAbsent = -1;

struct DeliveryCase {
  const char* name;
  std::string_view line;
  const char* to;
  const char* orig_to;  // nullptr: no orig_to field
  const char* relay;
  const char* relay_host;
  const char* relay_addr;
  int relay_port;  // kAbsent: none
  const char* dsn;
  DeliveryStatus status;
  const char* status_word;
  const char* reply;
};

const DeliveryCase kDeliveryCases[] = {
    {"sent_through_smtp",
     "Nov 29 00:42:48 mx postfix/smtp[15663]: 3AB6FA7202A: to=<user@ok.test>, "
     "relay=127.0.0.1[127.0.0.1]:10026, delay=0.1, delays=0.09/0.01/0/0, dsn=2.0.0, "
     "status=sent (250 2.0.0 Ok)",
     "user@ok.test", nullptr, "127.0.0.1[127.0.0.1]:10026", "127.0.0.1", "127.0.0.1", 10026,
     "2.0.0", DeliveryStatus::Sent, "sent", "250 2.0.0 Ok"},
    {"deferred_with_remote_reply",
     "Nov 29 01:50:45 mx postfix/smtp[6399]: 4jcVVF12fCz1bYB8: to=<tf2@tempfail.test>, "
     "relay=127.0.0.1[127.0.0.1]:10027, delay=0.01, delays=0/0/0/0.01, dsn=4.2.0, "
     "status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 Mailbox temporarily busy (in "
     "reply to RCPT TO command))",
     "tf2@tempfail.test", nullptr, "127.0.0.1[127.0.0.1]:10027", "127.0.0.1", "127.0.0.1", 10027,
     "4.2.0", DeliveryStatus::Deferred, "deferred",
     "host 127.0.0.1[127.0.0.1] said: 450 4.2.0 Mailbox temporarily busy (in reply to RCPT TO "
     "command)"},
    {"nested_parentheses_in_reply",
     "Nov 29 00:42:48 mx postfix/smtp[15663]: 759FAA72032: to=<user@reject.test>, "
     "relay=127.0.0.1[127.0.0.1]:10028, delay=0.09, delays=0.09/0/0/0, dsn=5.1.1, "
     "status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1 No such user (spike sink) (in "
     "reply to RCPT TO command))",
     "user@reject.test", nullptr, "127.0.0.1[127.0.0.1]:10028", "127.0.0.1", "127.0.0.1", 10028,
     "5.1.1", DeliveryStatus::Bounced, "bounced",
     "host 127.0.0.1[127.0.0.1] said: 550 5.1.1 No such user (spike sink) (in reply to RCPT TO "
     "command)"},
    {"relay_none_connection_refused",
     "Nov 29 01:50:45 mx postfix/smtp[6399]: 4jcVVF2qB7z1bYMP: to=<r3@later.test>, relay=none, "
     "delay=0, delays=0/0/0/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:10029: "
     "Connection refused)",
     "r3@later.test", nullptr, "none", "", "", kAbsent, "4.4.1", DeliveryStatus::Deferred,
     "deferred", "connect to 127.0.0.1[127.0.0.1]:10029: Connection refused"},
    {"orig_to_and_local_relay",
     "Nov 29 01:00:00 mx postfix/local[42]: 3AB6FA7202A: to=<bob@mx.test>, "
     "orig_to=<postmaster@mx.test>, relay=local, delay=0.02, delays=0/0/0/0.02, dsn=2.0.0, "
     "status=sent (delivered to mailbox)",
     "bob@mx.test", "postmaster@mx.test", "local", "local", "", kAbsent, "2.0.0",
     DeliveryStatus::Sent, "sent", "delivered to mailbox"},
    {"conn_use_field",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, "
     "relay=mx.b.test[192.0.2.7]:25, conn_use=3, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, "
     "status=sent (250 2.0.0 Ok: queued as 4XyZ)",
     "a@b.test", nullptr, "mx.b.test[192.0.2.7]:25", "mx.b.test", "192.0.2.7", 25, "2.0.0",
     DeliveryStatus::Sent, "sent", "250 2.0.0 Ok: queued as 4XyZ"},
    {"ipv6_relay_address",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, "
     "relay=mx.b.test[2001:db8::25]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 "
     "ok)",
     "a@b.test", nullptr, "mx.b.test[2001:db8::25]:25", "mx.b.test", "2001:db8::25", 25, "2.0.0",
     DeliveryStatus::Sent, "sent", "250 ok"},
    {"lmtp_unix_socket_relay_has_no_port",
     "Nov 29 01:00:00 mx postfix/lmtp[42]: 3AB6FA7202A: to=<a@b.test>, "
     "relay=mx.test[private/dovecot-lmtp], delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent "
     "(250 2.0.0 <a@b.test> Saved)",
     "a@b.test", nullptr, "mx.test[private/dovecot-lmtp]", "mx.test", "private/dovecot-lmtp",
     kAbsent, "2.0.0", DeliveryStatus::Sent, "sent", "250 2.0.0 <a@b.test> Saved"},
    {"unknown_field_before_status_is_skipped",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=x[192.0.2.1]:25, "
     "delay=1, delays=0/0/0/1, dsn=2.0.0, tls_level=secure, status=sent (250 ok)",
     "a@b.test", nullptr, "x[192.0.2.1]:25", "x", "192.0.2.1", 25, "2.0.0", DeliveryStatus::Sent,
     "sent", "250 ok"},
    {"field_after_status_ends_the_reply",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, status=sent (250 ok), "
     "relay=x[192.0.2.1]:25, dsn=2.0.0",
     "a@b.test", nullptr, "x[192.0.2.1]:25", "x", "192.0.2.1", 25, "2.0.0", DeliveryStatus::Sent,
     "sent", "250 ok"},
    {"unbalanced_open_paren_in_reply",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=x[192.0.2.1]:25, "
     "dsn=5.0.0, status=bounced (host x[192.0.2.1] said: 550 bad ( char (in reply to RCPT TO "
     "command))",
     "a@b.test", nullptr, "x[192.0.2.1]:25", "x", "192.0.2.1", 25, "5.0.0", DeliveryStatus::Bounced,
     "bounced", "host x[192.0.2.1] said: 550 bad ( char (in reply to RCPT TO command)"},
    {"unbalanced_close_paren_in_reply",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=x[192.0.2.1]:25, "
     "dsn=5.0.0, status=bounced (host x[192.0.2.1] said: 550 oops) here (in reply to RCPT TO "
     "command))",
     "a@b.test", nullptr, "x[192.0.2.1]:25", "x", "192.0.2.1", 25, "5.0.0", DeliveryStatus::Bounced,
     "bounced", "host x[192.0.2.1] said: 550 oops) here (in reply to RCPT TO command)"},
    {"truncated_reply_keeps_what_is_there",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=x[192.0.2.1]:25, "
     "dsn=4.0.0, status=deferred (host x[192.0.2.1] said: 450 try la",
     "a@b.test", nullptr, "x[192.0.2.1]:25", "x", "192.0.2.1", 25, "4.0.0",
     DeliveryStatus::Deferred, "deferred", "host x[192.0.2.1] said: 450 try la"},
    {"status_without_reply",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=none, dsn=4.0.0, "
     "status=deferred",
     "a@b.test", nullptr, "none", "", "", kAbsent, "4.0.0", DeliveryStatus::Deferred, "deferred",
     ""},
    {"softbounce_is_other_with_word_kept",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=x[192.0.2.1]:25, "
     "dsn=5.1.1, status=SOFTBOUNCE (host x[192.0.2.1] said: 550 5.1.1 no)",
     "a@b.test", nullptr, "x[192.0.2.1]:25", "x", "192.0.2.1", 25, "5.1.1", DeliveryStatus::Other,
     "SOFTBOUNCE", "host x[192.0.2.1] said: 550 5.1.1 no"},
    {"expired_status",
     "Nov 29 01:00:00 mx postfix/qmgr[42]: 3AB6FA7202A: to=<a@b.test>, relay=none, delay=432000, "
     "delays=432000/0/0/0, dsn=4.4.1, status=expired (connect to x[192.0.2.1]:25: Connection "
     "timed out)",
     "a@b.test", nullptr, "none", "", "", kAbsent, "4.4.1", DeliveryStatus::Expired, "expired",
     "connect to x[192.0.2.1]:25: Connection timed out"},
    {"quoted_local_part_with_bracket_and_comma",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<\"a>, b\"@b.test>, relay=none, "
     "dsn=5.0.0, status=bounced (bad)",
     "\"a>, b\"@b.test", nullptr, "none", "", "", kAbsent, "5.0.0", DeliveryStatus::Bounced,
     "bounced", "bad"},
    {"error_transport_text_without_code",
     "Nov 29 01:00:00 mx postfix/error[42]: 3AB6FA7202A: to=<u@mx.test.local>, relay=none, "
     "delay=0.01, delays=0/0/0/0, dsn=5.1.1, status=bounced (no local delivery on this test "
     "instance)",
     "u@mx.test.local", nullptr, "none", "", "", kAbsent, "5.1.1", DeliveryStatus::Bounced,
     "bounced", "no local delivery on this test instance"},
    {"discard_transport",
     "Nov 29 01:50:48 mx postfix/discard[6505]: 4jcVVJ2Bznz1bXxN: to=<dc12@discard.test>, "
     "relay=none, delay=0.01, delays=0/0.01/0/0, dsn=2.0.0, status=sent (silently dropped by "
     "test transport)",
     "dc12@discard.test", nullptr, "none", "", "", kAbsent, "2.0.0", DeliveryStatus::Sent, "sent",
     "silently dropped by test transport"},
    {"empty_recipient",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<>, relay=none, dsn=5.0.0, "
     "status=bounced (x)",
     "", nullptr, "none", "", "", kAbsent, "5.0.0", DeliveryStatus::Bounced, "bounced", "x"},
};

class DeliveryTest : public ::testing::TestWithParam<DeliveryCase> {};

TEST_P(DeliveryTest, ParsesFields) {
  const DeliveryCase& c = GetParam();
  std::optional<LogRecord> r = parse_postfix_line(c.line);
  ASSERT_TRUE(r.has_value());
  const auto* d = std::get_if<Delivery>(&r->body);
  ASSERT_NE(d, nullptr) << describe(*r);
  EXPECT_EQ(d->to, c.to);
  EXPECT_EQ(d->orig_to.has_value(), c.orig_to != nullptr);
  if (c.orig_to != nullptr && d->orig_to) {
    EXPECT_EQ(*d->orig_to, c.orig_to);
  }
  EXPECT_EQ(d->relay, c.relay);
  EXPECT_EQ(d->relay_host, c.relay_host);
  EXPECT_EQ(d->relay_addr, c.relay_addr);
  EXPECT_EQ(d->relay_port.value_or(kAbsent), c.relay_port);
  EXPECT_EQ(d->dsn, c.dsn);
  EXPECT_EQ(d->status, c.status);
  EXPECT_EQ(d->status_word, c.status_word);
  EXPECT_EQ(d->reply, c.reply);
}

INSTANTIATE_TEST_SUITE_P(Lines, DeliveryTest, ::testing::ValuesIn(kDeliveryCases),
                         [](const auto& p) { return std::string(p.param.name); });

std::optional<Delivery> delivery_of(std::string_view line) {
  std::optional<LogRecord> r = parse_postfix_line(line);
  if (!r || !std::holds_alternative<Delivery>(r->body)) {
    return std::nullopt;
  }
  return std::get<Delivery>(r->body);
}

TEST(DeliveryNumbers, DelayDelaysAndConnUse) {
  auto d = delivery_of(
      "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=x[192.0.2.1]:25, "
      "conn_use=3, delay=12.5, delays=0.09/0.01/2.4/10, dsn=2.0.0, status=sent (250 ok)");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->conn_use, 3);
  ASSERT_TRUE(d->delay.has_value());
  EXPECT_DOUBLE_EQ(*d->delay, 12.5);
  ASSERT_TRUE(d->delays.has_value());
  EXPECT_DOUBLE_EQ(d->delays->before_qmgr, 0.09);
  EXPECT_DOUBLE_EQ(d->delays->in_qmgr, 0.01);
  EXPECT_DOUBLE_EQ(d->delays->conn_setup, 2.4);
  EXPECT_DOUBLE_EQ(d->delays->transmission, 10);
}

TEST(DeliveryNumbers, DelaysWithThreePartsAreDroppedNotFatal) {
  auto d = delivery_of(
      "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=none, delay=x, "
      "delays=0/0/0, dsn=4.0.0, status=deferred (x)");
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->delays.has_value());
  EXPECT_FALSE(d->delay.has_value());
  EXPECT_FALSE(d->conn_use.has_value());
}

TEST(DeliveryNumbers, PortOutOfRangeIsDropped) {
  auto d = delivery_of(
      "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, "
      "relay=x[192.0.2.1]:99999, dsn=2.0.0, status=sent (ok)");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->relay_addr, "192.0.2.1");
  EXPECT_FALSE(d->relay_port.has_value());
}

struct NotADeliveryCase {
  const char* name;
  std::string_view line;
};

const NotADeliveryCase kNotADeliveryCases[] = {
    {"missing_status",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, relay=none, delay=0"},
    {"unterminated_recipient", "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test"},
    {"empty_status_word",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: to=<a@b.test>, status= (x)"},
    {"status_only_without_recipient",
     "Nov 29 01:00:00 mx postfix/smtp[42]: 3AB6FA7202A: status=sent (250 ok)"},
};

class NotADeliveryTest : public ::testing::TestWithParam<NotADeliveryCase> {};

TEST_P(NotADeliveryTest, GivesNullopt) {
  EXPECT_FALSE(parse_postfix_line(GetParam().line).has_value());
}

INSTANTIATE_TEST_SUITE_P(Lines, NotADeliveryTest, ::testing::ValuesIn(kNotADeliveryCases),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace ark::admind::logs
