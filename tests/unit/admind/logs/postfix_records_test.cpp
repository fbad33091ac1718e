// Tests for the non-delivery records: cleanup, qmgr, bounce, smtpd, pickup, postsuper.

#include <gtest/gtest.h>

#include <string>

#include "admind/logs/postfix_log.h"

namespace ark::admind::logs {
namespace {

// The body of `line` as T; a test failure (and nullptr) when the line is not a T.
template <typename T>
std::optional<T> body_of(std::string_view line) {
  std::optional<LogRecord> r = parse_postfix_line(line);
  if (!r) {
    ADD_FAILURE() << "no record for: " << line;
    return std::nullopt;
  }
  if (!std::holds_alternative<T>(r->body)) {
    ADD_FAILURE() << "other record: " << describe(*r);
    return std::nullopt;
  }
  return std::get<T>(r->body);
}

TEST(MessageIdRecord, KeepsBrackets) {
  auto m = body_of<MessageId>(
      "Nov 29 01:50:44 mx postfix/cleanup[6398]: 4jcVVD6MzGz1bY9D: "
      "message-id=<sent-1@sender.test>");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_id, "<sent-1@sender.test>");
  EXPECT_FALSE(m->resent);
}

TEST(MessageIdRecord, ResentMessageId) {
  auto m = body_of<MessageId>(
      "Nov 29 01:50:44 mx postfix/cleanup[6398]: 3AB6FA7202A: resent-message-id=<r@x.test>");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_id, "<r@x.test>");
  EXPECT_TRUE(m->resent);
}

TEST(MessageIdRecord, EmptyValueIsKept) {
  auto m = body_of<MessageId>("Nov 29 01:50:44 mx postfix/cleanup[1]: 3AB6FA7202A: message-id=");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_id, "");
}

TEST(QmgrFromRecord, SizeAndRecipientCount) {
  auto q = body_of<QmgrFrom>(
      "Nov 29 01:50:45 mx postfix/qmgr[6388]: 4jcVVF12fCz1bYB8: from=<sender@sender.test>, "
      "size=408, nrcpt=3 (queue active)");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->from, "sender@sender.test");
  EXPECT_EQ(q->size, 408);
  EXPECT_EQ(q->nrcpt, 3);
}

TEST(QmgrFromRecord, BounceHasEmptySender) {
  auto q = body_of<QmgrFrom>(
      "Nov 29 01:50:45 mx postfix/qmgr[6388]: 4jcVVF18Hpz1bYMQ: from=<>, size=2354, nrcpt=1 "
      "(queue active)");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->from, "");
  EXPECT_EQ(q->size, 2354);
}

TEST(ExpiredRecord, ReturnedToSender) {
  auto e = body_of<Expired>(
      "Nov 29 01:50:51 mx postfix/qmgr[6594]: 4jcVVH4cVGz1bYMd: from=<sender@sender.test>, "
      "status=expired, returned to sender");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->from, "sender@sender.test");
  EXPECT_FALSE(e->forced);
}

TEST(ExpiredRecord, ForceExpiredByOperator) {
  auto e = body_of<Expired>(
      "Nov 29 01:50:48 mx postfix/qmgr[6388]: 4jcVVJ47Qjz1bXxN: from=<sender@sender.test>, "
      "status=force-expired, returned to sender");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->forced);
}

TEST(ExpiredRecord, UnknownQmgrStatusIsNotARecord) {
  EXPECT_FALSE(
      parse_postfix_line("Nov 29 01:50:48 mx postfix/qmgr[1]: 3AB6FA7202A: from=<a@b>, "
                         "status=frozen, returned to sender"));
}

TEST(RemovedRecord, QmgrRemovesWhenDone) {
  auto r = body_of<Removed>("Nov 29 01:50:44 mx postfix/qmgr[6388]: 4jcVVD6MzGz1bY9D: removed");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->by_operator);
}

TEST(RemovedRecord, PostsuperDeleteIsByOperator) {
  auto r =
      body_of<Removed>("Nov 29 01:50:49 mx postfix/postsuper[6549]: 4jcVVK64n8z1bXxQ: removed");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->by_operator);
}

struct NoticeCase {
  const char* name;
  std::string_view payload;
  NoticeKind kind;
  bool to_postmaster;
};

const NoticeCase kNoticeCases[] = {
    {"sender_non_delivery", "sender non-delivery notification: 4jcVVF18Hpz1bYMQ",
     NoticeKind::NonDelivery, false},
    {"sender_delay", "sender delay notification: 4jcVVF18Hpz1bYMQ", NoticeKind::Delay, false},
    {"sender_delivery_status", "sender delivery status notification: 4jcVVF18Hpz1bYMQ",
     NoticeKind::DeliveryStatus, false},
    {"postmaster_non_delivery", "postmaster non-delivery notification: 4jcVVF18Hpz1bYMQ",
     NoticeKind::NonDelivery, true},
};

class NoticeTest : public ::testing::TestWithParam<NoticeCase> {};

TEST_P(NoticeTest, NamesTheNoticeQueueId) {
  std::string line = "Nov 29 01:50:45 mx postfix/bounce[6409]: 4jcVVF12fCz1bYB8: ";
  line.append(GetParam().payload);
  auto n = body_of<BounceNotice>(line);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, GetParam().kind);
  EXPECT_EQ(n->to_postmaster, GetParam().to_postmaster);
  EXPECT_EQ(n->notice_queue_id, "4jcVVF18Hpz1bYMQ");
}

INSTANTIATE_TEST_SUITE_P(Payloads, NoticeTest, ::testing::ValuesIn(kNoticeCases),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(BounceNoticeRecord, NoticeQueueIdMustBeValid) {
  EXPECT_FALSE(
      parse_postfix_line("Nov 29 01:50:45 mx postfix/bounce[1]: 3AB6FA7202A: sender "
                         "non-delivery notification: oops"));
  EXPECT_FALSE(
      parse_postfix_line("Nov 29 01:50:45 mx postfix/bounce[1]: 3AB6FA7202A: sender "
                         "non-delivery notification: "));
}

TEST(SmtpdClientRecord, PlainClient) {
  auto c = body_of<SmtpdClient>(
      "Nov 29 00:42:48 mx postfix/smtpd[15615]: 3AB6FA7202A: client=unknown[127.0.0.1]");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->client, "unknown[127.0.0.1]");
  EXPECT_EQ(c->client_name, "unknown");
  EXPECT_EQ(c->client_addr, "127.0.0.1");
  EXPECT_FALSE(c->client_port.has_value());
  EXPECT_EQ(c->sasl_method, "");
  EXPECT_EQ(c->sasl_username, "");
}

TEST(SmtpdClientRecord, SaslLoginOnSubmission) {
  std::string_view line =
      "Nov 29 00:42:48 mx postfix/submission/smtpd[16684]: 4DB8DA72323: "
      "client=unknown[127.0.0.1], sasl_method=PLAIN, sasl_username=alice@spike.test";
  auto c = body_of<SmtpdClient>(line);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->sasl_method, "PLAIN");
  EXPECT_EQ(c->sasl_username, "alice@spike.test");
  EXPECT_EQ(parse_postfix_line(line)->header.daemon(), "smtpd");
}

TEST(SmtpdClientRecord, PortLoggingAndUnknownField) {
  auto c = body_of<SmtpdClient>(
      "Nov 29 00:42:48 mx postfix/smtpd[1]: 3AB6FA7202A: client=mail.example[2001:db8::1]:41234, "
      "orig_queue_id=ABCDEF123, sasl_method=LOGIN, sasl_username=u, sasl_sender=s@x");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->client_name, "mail.example");
  EXPECT_EQ(c->client_addr, "2001:db8::1");
  EXPECT_EQ(c->client_port, 41234);
  EXPECT_EQ(c->sasl_method, "LOGIN");
  EXPECT_EQ(c->sasl_sender, "s@x");
}

TEST(PickupRecord, UidAndSender) {
  auto p = body_of<Pickup>(
      "Nov 29 01:50:47 mx postfix/pickup[6387]: 4jcVVH5mklz1bYMl: uid=0 from=<root@test.local>");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->uid, 0);
  EXPECT_EQ(p->from, "root@test.local");
}

TEST(HoldRecord, CleanupHeaderCheck) {
  auto h = body_of<Hold>(
      "Nov 29 01:50:46 mx postfix/cleanup[6398]: 4jcVVG430cz1bYMb: hold: header Subject: hold-me "
      "now from unknown[127.0.0.1]; from=<sender@sender.test> to=<h5@ok.test> proto=ESMTP "
      "helo=<client.test>: held by test rule");
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->by_operator);
  ASSERT_TRUE(h->context.has_value());
  const ActionContext& c = *h->context;
  EXPECT_EQ(c.stage, "header");
  EXPECT_EQ(c.content, "Subject: hold-me now");
  EXPECT_EQ(c.client, "unknown[127.0.0.1]");
  EXPECT_EQ(c.from, "sender@sender.test");
  EXPECT_EQ(c.to, "h5@ok.test");
  EXPECT_EQ(c.proto, "ESMTP");
  EXPECT_EQ(c.helo, "client.test");
  EXPECT_EQ(c.text, "held by test rule");
}

TEST(HoldRecord, OperatorHoldAndRelease) {
  auto h =
      body_of<Hold>("Nov 29 01:50:47 mx postfix/postsuper[6442]: 4jcVVH4cVGz1bYMd: placed on hold");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->by_operator);
  EXPECT_FALSE(h->context.has_value());
  EXPECT_TRUE(body_of<Release>(
      "Nov 29 01:50:47 mx postfix/postsuper[6444]: 4jcVVH4cVGz1bYMd: released from hold"));
  EXPECT_TRUE(body_of<ForceExpire>(
      "Nov 29 01:50:48 mx postfix/postsuper[6517]: 4jcVVJ47Qjz1bXxN: expired"));
}

TEST(HoldRecord, ExpiredWordFromOtherDaemonIsNotAnOperatorAction) {
  EXPECT_FALSE(parse_postfix_line("Nov 29 01:50:48 mx postfix/qmgr[1]: 4jcVVJ47Qjz1bXxN: expired"));
  EXPECT_FALSE(
      parse_postfix_line("Nov 29 01:50:48 mx postfix/postsuper[1]: 4jcVVJ47Qjz1bXxN: requeued"));
}

TEST(RejectRecord, SmtpdNoqueueRcptReject) {
  std::string_view line =
      "Nov 29 01:50:47 mx postfix/smtpd[6394]: NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 554 "
      "5.7.1 <b8@blocked.test>: Recipient address rejected: blocked by test rule; "
      "from=<sender@sender.test> to=<b8@blocked.test> proto=ESMTP helo=<client.test>";
  auto r = body_of<Reject>(line);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->milter);
  EXPECT_EQ(r->context.stage, "RCPT");
  EXPECT_EQ(r->context.client, "unknown[127.0.0.1]");
  EXPECT_EQ(r->context.reply,
            "554 5.7.1 <b8@blocked.test>: Recipient address rejected: blocked by test rule");
  EXPECT_EQ(r->context.from, "sender@sender.test");
  EXPECT_EQ(r->context.to, "b8@blocked.test");
  EXPECT_EQ(r->context.helo, "client.test");
  EXPECT_EQ(parse_postfix_line(line)->header.queue_id, "");
}

TEST(RejectRecord, MilterRejectAtConnectHasOnlyProto) {
  auto r = body_of<Reject>(
      "Nov 29 00:50:00 mx postfix/smtpd[17045]: NOQUEUE: milter-reject: CONNECT from "
      "unknown[127.0.0.1]: 451 4.7.1 Service unavailable - try again later; proto=SMTP");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->milter);
  EXPECT_EQ(r->context.stage, "CONNECT");
  EXPECT_EQ(r->context.reply, "451 4.7.1 Service unavailable - try again later");
  EXPECT_EQ(r->context.proto, "SMTP");
  EXPECT_EQ(r->context.from, "");
}

TEST(RejectRecord, CleanupHeaderRejectKeepsActionText) {
  auto r = body_of<Reject>(
      "Nov 29 01:50:47 mx postfix/cleanup[6398]: 4jcVVH5CrBz1bYMh: reject: header Subject: "
      "reject-me please from unknown[127.0.0.1]; from=<sender@sender.test> to=<r7@ok.test> "
      "proto=ESMTP helo=<client.test>: 5.7.1 rejected by test rule");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->context.stage, "header");
  EXPECT_EQ(r->context.content, "Subject: reject-me please");
  EXPECT_EQ(r->context.text, "5.7.1 rejected by test rule");
}

TEST(RejectRecord, HeaderTextThatMimicsTheListUsesTheLastList) {
  auto r = body_of<Reject>(
      "Nov 29 01:50:47 mx postfix/cleanup[1]: 3AB6FA7202A: reject: header Subject: x; from=<evil> "
      "from unknown[127.0.0.1]; from=<real@x.test> to=<r@x.test> proto=ESMTP helo=<h>");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->context.from, "real@x.test");
  EXPECT_EQ(r->context.content, "Subject: x; from=<evil>");
}

TEST(DiscardRecord, MilterDiscardWithQueueId) {
  auto d = body_of<Discard>(
      "Nov 29 01:50:47 mx postfix/cleanup[1]: 3AB6FA7202A: milter-discard: END-OF-MESSAGE from "
      "unknown[127.0.0.1]: milter triggers DISCARD action; from=<a@x> to=<b@y> proto=ESMTP "
      "helo=<h>");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->milter);
  EXPECT_EQ(d->context.stage, "END-OF-MESSAGE");
  EXPECT_EQ(d->context.to, "b@y");
}

struct IgnoredCase {
  const char* name;
  std::string_view line;
};

const IgnoredCase kIgnoredCases[] = {
    {"header_checks_warn_action",
     "Nov 29 01:50:47 mx postfix/cleanup[1]: 3AB6FA7202A: warning: header Subject: x from "
     "unknown[127.0.0.1]; from=<a@x> to=<b@y> proto=ESMTP helo=<h>"},
    {"smtp_pix_workaround",
     "Nov 29 01:50:47 mx postfix/smtp[1]: 3AB6FA7202A: enabling PIX workarounds"},
    {"smtp_lost_connection_notice",
     "Nov 29 01:50:47 mx postfix/smtp[1]: 3AB6FA7202A: lost connection with x[192.0.2.1] while "
     "sending RCPT TO"},
    {"qmgr_skipped",
     "Nov 29 01:50:47 mx postfix/qmgr[1]: 3AB6FA7202A: skipped, still being delivered"},
    {"reject_warning_is_not_a_reject",
     "Nov 29 01:50:47 mx postfix/smtpd[1]: NOQUEUE: reject_warning: RCPT from x[192.0.2.1]: 450 "
     "no; from=<a@x> to=<b@y> proto=ESMTP helo=<h>"},
    {"empty_payload", "Nov 29 01:50:47 mx postfix/qmgr[1]: 3AB6FA7202A: "},
    {"pickup_without_from", "Nov 29 01:50:47 mx postfix/pickup[1]: 3AB6FA7202A: uid=0"},
    {"client_key_without_value_separator",
     "Nov 29 01:50:47 mx postfix/smtpd[1]: 3AB6FA7202A: client"},
};

class IgnoredTest : public ::testing::TestWithParam<IgnoredCase> {};

TEST_P(IgnoredTest, GivesNullopt) {
  std::optional<LogRecord> r = parse_postfix_line(GetParam().line);
  EXPECT_FALSE(r.has_value()) << describe(*r);
}

INSTANTIATE_TEST_SUITE_P(Lines, IgnoredTest, ::testing::ValuesIn(kIgnoredCases),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace ark::admind::logs
