// Table-driven tests for parse_reply_text (SMTP code, enhanced code, remote host).

#include <gtest/gtest.h>

#include <string>

#include "admind/logs/postfix_reply.h"

namespace ark::admind::logs {
namespace {

constexpr int kNoCode = 0;

struct ReplyCase {
  const char* name;
  std::string_view text;
  int code;  // kNoCode: none
  const char* enhanced;
  const char* remote_host;
  const char* remote_addr;
  const char* in_reply_to;
  const char* reply_text;
  const char* queued_as;
};

const ReplyCase kReplyCases[] = {
    {"local_ok_with_queued_as", "250 2.0.0 Ok: queued as 4XyZ9", 250, "2.0.0", "", "", "",
     "Ok: queued as 4XyZ9", "4XyZ9"},
    {"remote_said_rcpt_reject",
     "host 127.0.0.1[127.0.0.1] said: 550 5.1.1 No such user (in reply to RCPT TO command)", 550,
     "5.1.1", "127.0.0.1", "127.0.0.1", "RCPT TO", "No such user", ""},
    {"remote_said_with_inner_parentheses",
     "host mx.example[192.0.2.1] said: 550 5.1.1 No such user (spike sink) (in reply to RCPT TO "
     "command)",
     550, "5.1.1", "mx.example", "192.0.2.1", "RCPT TO", "No such user (spike sink)", ""},
    {"end_of_data_reject",
     "host 127.0.0.1[127.0.0.1] said: 554 5.7.1 Message content refused (in reply to end of DATA "
     "command)",
     554, "5.7.1", "127.0.0.1", "127.0.0.1", "end of DATA", "Message content refused", ""},
    {"refused_to_talk_to_me", "host mx.example[192.0.2.1] refused to talk to me: 554 5.7.1 Go away",
     554, "5.7.1", "mx.example", "192.0.2.1", "", "Go away", ""},
    {"multiline_reply_takes_first_code",
     "host gmail-smtp-in.l.google.com[192.0.2.9] said: 550-5.1.1 The email account does not "
     "exist. 550 5.1.1 https://support.example/?p=NoSuchUser - gsmtp (in reply to RCPT TO "
     "command)",
     550, "5.1.1", "gmail-smtp-in.l.google.com", "192.0.2.9", "RCPT TO",
     "The email account does not exist. 550 5.1.1 https://support.example/?p=NoSuchUser - gsmtp",
     ""},
    {"code_without_enhanced",
     "host mx.example[192.0.2.1] said: 452 Too many recipients (in reply to RCPT TO command)", 452,
     "", "mx.example", "192.0.2.1", "RCPT TO", "Too many recipients", ""},
    {"ipv6_remote",
     "host mx.example[2001:db8::1] said: 421 4.7.0 Try again later (in reply to MAIL FROM "
     "command)",
     421, "4.7.0", "mx.example", "2001:db8::1", "MAIL FROM", "Try again later", ""},
    {"connection_refused_has_no_code", "connect to 127.0.0.1[127.0.0.1]:10029: Connection refused",
     kNoCode, "", "127.0.0.1", "127.0.0.1", "",
     "connect to 127.0.0.1[127.0.0.1]:10029: Connection refused", ""},
    {"lost_connection_has_no_code",
     "lost connection with mx.example[192.0.2.1] while receiving the initial server greeting",
     kNoCode, "", "mx.example", "192.0.2.1", "",
     "lost connection with mx.example[192.0.2.1] while receiving the initial server greeting", ""},
    {"conversation_timed_out",
     "conversation with mx.example[192.0.2.1] timed out while sending end of data -- message may "
     "be sent more than once",
     kNoCode, "", "mx.example", "192.0.2.1", "",
     "conversation with mx.example[192.0.2.1] timed out while sending end of data -- message may "
     "be sent more than once",
     ""},
    {"qmgr_suspended_wrapper",
     "delivery temporarily suspended: connect to mx.example[192.0.2.1]:25: Connection timed out",
     kNoCode, "", "mx.example", "192.0.2.1", "",
     "delivery temporarily suspended: connect to mx.example[192.0.2.1]:25: Connection timed out",
     ""},
    {"enhanced_code_only", "5.7.1 rejected by test rule", kNoCode, "5.7.1", "", "", "",
     "rejected by test rule", ""},
    {"plain_text_no_codes", "no local delivery on this test instance", kNoCode, "", "", "", "",
     "no local delivery on this test instance", ""},
    {"code_glued_to_text_is_not_a_code", "5500 nope", kNoCode, "", "", "", "", "5500 nope", ""},
    {"code_out_of_class_is_not_a_code", "650 nope", kNoCode, "", "", "", "", "650 nope", ""},
    {"bare_code", "250", 250, "", "", "", "", "", ""},
    {"host_prefix_without_brackets_is_plain_text", "host lookup failed: 550 x", kNoCode, "", "", "",
     "", "host lookup failed: 550 x", ""},
    {"in_reply_to_without_command_word_is_kept",
     "host a[192.0.2.1] said: 550 5.0.0 x (in reply to RCPT TO", 550, "5.0.0", "a", "192.0.2.1", "",
     "x (in reply to RCPT TO", ""},
    {"empty_text", "", kNoCode, "", "", "", "", "", ""},
};

class ReplyTest : public ::testing::TestWithParam<ReplyCase> {};

TEST_P(ReplyTest, Extracts) {
  const ReplyCase& c = GetParam();
  SmtpReply r = parse_reply_text(c.text);
  EXPECT_EQ(r.code.value_or(kNoCode), c.code);
  EXPECT_EQ(r.enhanced, c.enhanced);
  EXPECT_EQ(r.remote_host, c.remote_host);
  EXPECT_EQ(r.remote_addr, c.remote_addr);
  EXPECT_EQ(r.in_reply_to, c.in_reply_to);
  EXPECT_EQ(r.text, c.reply_text);
  EXPECT_EQ(r.queued_as, c.queued_as);
}

INSTANTIATE_TEST_SUITE_P(Texts, ReplyTest, ::testing::ValuesIn(kReplyCases),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace ark::admind::logs
