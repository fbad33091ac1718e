// Table-driven tests for the line header: time stamps, program, pid, queue ids.

#include <gtest/gtest.h>

#include <string>

#include "admind/logs/postfix_log.h"

namespace ark::admind::logs {
namespace {

struct HeaderCase {
  const char* name;
  std::string_view line;
  LogTime time;
  const char* host;
  const char* syslog_name;
  const char* service;
  const char* daemon;
  int pid;
  const char* queue_id;
};

LogTime at(int month, int day, int h, int m, int s, int micros = 0, int year = 0,
           std::optional<int> offset = std::nullopt) {
  return LogTime{year, month, day, h, m, s, micros, offset};
}

const HeaderCase kHeaderCases[] = {
    {"classic_stamp_short_queue_id", "Nov 29 00:42:48 mx postfix/qmgr[15611]: 3AB6FA7202A: removed",
     at(11, 29, 0, 42, 48), "mx", "postfix", "qmgr", "qmgr", 15611, "3AB6FA7202A"},
    {"long_queue_id", "Nov 29 01:50:44 mx postfix/qmgr[6388]: 4jcVVD6MzGz1bY9D: removed",
     at(11, 29, 1, 50, 44), "mx", "postfix", "qmgr", "qmgr", 6388, "4jcVVD6MzGz1bY9D"},
    {"noqueue_gives_empty_queue_id",
     "Nov 29 01:50:47 mx postfix/smtpd[6394]: NOQUEUE: reject: RCPT from x[1.2.3.4]: 554 no",
     at(11, 29, 1, 50, 47), "mx", "postfix", "smtpd", "smtpd", 6394, ""},
    {"space_padded_day", "Jan  9 23:59:59 mx postfix/qmgr[1]: 3AB6FA7202A: removed",
     at(1, 9, 23, 59, 59), "mx", "postfix", "qmgr", "qmgr", 1, "3AB6FA7202A"},
    {"unpadded_single_digit_day", "Feb 3 07:08:09 mx postfix/qmgr[1]: 3AB6FA7202A: removed",
     at(2, 3, 7, 8, 9), "mx", "postfix", "qmgr", "qmgr", 1, "3AB6FA7202A"},
    {"fraction_in_classic_stamp_is_micros",
     "Dec 31 12:00:00.25 mx postfix/qmgr[1]: 3AB6FA7202A: removed", at(12, 31, 12, 0, 0, 250000),
     "mx", "postfix", "qmgr", "qmgr", 1, "3AB6FA7202A"},
    {"rfc3339_stamp_with_offset",
     "2024-11-29T00:42:48.123456+01:00 mail.example.com postfix/smtp[9]: 3AB6FA7202A: removed",
     at(11, 29, 0, 42, 48, 123456, 2024, 60), "mail.example.com", "postfix", "smtp", "smtp", 9,
     "3AB6FA7202A"},
    {"rfc3339_stamp_zulu", "2025-03-01T10:00:00Z mx postfix/smtp[9]: 3AB6FA7202A: removed",
     at(3, 1, 10, 0, 0, 0, 2025, 0), "mx", "postfix", "smtp", "smtp", 9, "3AB6FA7202A"},
    {"rfc3339_negative_offset_nanoseconds_truncated",
     "2025-03-01T10:00:00.123456789-05:30 mx postfix/smtp[9]: 3AB6FA7202A: removed",
     at(3, 1, 10, 0, 0, 123456, 2025, -330), "mx", "postfix", "smtp", "smtp", 9, "3AB6FA7202A"},
    {"master_cf_service_prefix",
     "Nov 29 01:50:47 mx postfix/submission/smtpd[6395]: 4jcVVH6Bfpz1bYMl: client=unknown[1.2.3.4]",
     at(11, 29, 1, 50, 47), "mx", "postfix", "submission/smtpd", "smtpd", 6395, "4jcVVH6Bfpz1bYMl"},
    {"multi_instance_syslog_name", "Nov 29 01:50:47 mx postfix-out/smtp[77]: 3AB6FA7202A: removed",
     at(11, 29, 1, 50, 47), "mx", "postfix-out", "smtp", "smtp", 77, "3AB6FA7202A"},
    {"crlf_line_end_is_ignored", "Nov 29 01:50:47 mx postfix/qmgr[7]: 3AB6FA7202A: removed\r\n",
     at(11, 29, 1, 50, 47), "mx", "postfix", "qmgr", "qmgr", 7, "3AB6FA7202A"},
};

class HeaderTest : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(HeaderTest, ParsesAllParts) {
  const HeaderCase& c = GetParam();
  std::string_view payload;
  std::optional<LineHeader> h = parse_line_header(c.line, &payload);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->time, c.time);
  EXPECT_EQ(h->host, c.host);
  EXPECT_EQ(h->syslog_name, c.syslog_name);
  EXPECT_EQ(h->service, c.service);
  EXPECT_EQ(h->daemon(), c.daemon);
  EXPECT_EQ(h->pid, c.pid);
  EXPECT_EQ(h->queue_id, c.queue_id);
  EXPECT_FALSE(payload.empty());
  EXPECT_NE(payload.back(), '\n');
}

INSTANTIATE_TEST_SUITE_P(Lines, HeaderTest, ::testing::ValuesIn(kHeaderCases),
                         [](const auto& p) { return std::string(p.param.name); });

struct NotAHeaderCase {
  const char* name;
  std::string_view line;
};

const NotAHeaderCase kNotAHeaderCases[] = {
    {"empty_line", ""},
    {"stamp_only", "Nov 29 00:42:48"},
    {"connect_line_has_no_queue_id",
     "Nov 29 00:42:48 mx postfix/smtpd[15615]: connect from unknown[127.0.0.1]"},
    {"warning_is_not_a_queue_id",
     "Nov 29 01:50:45 mx postfix/bounce[6408]: warning: for instructions see the bounce(5) manual"},
    {"word_with_vowels_is_not_a_long_id",
     "Nov 29 01:50:51 mx postfix/scache[6500]: statistics: start interval Nov 29 01:50:48"},
    {"unknown_month", "Foo 29 00:42:48 mx postfix/qmgr[1]: 3AB6FA7202A: removed"},
    {"hour_out_of_range", "Nov 29 24:42:48 mx postfix/qmgr[1]: 3AB6FA7202A: removed"},
    {"day_zero", "Nov  0 00:42:48 mx postfix/qmgr[1]: 3AB6FA7202A: removed"},
    {"missing_pid", "Nov 29 00:42:48 mx postfix/qmgr: 3AB6FA7202A: removed"},
    {"pid_not_closed", "Nov 29 00:42:48 mx postfix/qmgr[12: 3AB6FA7202A: removed"},
    {"program_without_service", "Nov 29 00:42:48 mx postfix[12]: 3AB6FA7202A: removed"},
    {"other_program_with_queue_id",
     "Nov 29 00:42:48 mx opendkim[5]: 3AB6FA7202A: DKIM-Signature field added"},
    {"other_program_with_slash", "Nov 29 00:42:48 mx dovecot/imap[5]: 3AB6FA7202A: removed"},
    {"short_id_too_short", "Nov 29 00:42:48 mx postfix/qmgr[1]: 3AB6F: removed"},
    {"short_id_lowercase_hex", "Nov 29 00:42:48 mx postfix/qmgr[1]: 3ab6fa7202a: removed"},
    {"queue_id_without_colon_space", "Nov 29 00:42:48 mx postfix/qmgr[1]: 3AB6FA7202A removed"},
    {"no_host", "Nov 29 00:42:48 postfix/qmgr[1]: 3AB6FA7202A: removed"},
    {"rfc3339_without_zone", "2024-11-29T00:42:48 mx postfix/qmgr[1]: 3AB6FA7202A: removed"},
    {"rfc3339_month_13", "2024-13-29T00:42:48Z mx postfix/qmgr[1]: 3AB6FA7202A: removed"},
};

class NotAHeaderTest : public ::testing::TestWithParam<NotAHeaderCase> {};

TEST_P(NotAHeaderTest, GivesNullopt) {
  EXPECT_FALSE(parse_line_header(GetParam().line).has_value());
  EXPECT_FALSE(parse_postfix_line(GetParam().line).has_value());
}

INSTANTIATE_TEST_SUITE_P(Lines, NotAHeaderTest, ::testing::ValuesIn(kNotAHeaderCases),
                         [](const auto& p) { return std::string(p.param.name); });

struct QueueIdCase {
  const char* name;
  std::string_view id;
  bool ok;
};

const QueueIdCase kQueueIdCases[] = {
    {"short_hex_11", "3AB6FA7202A", true},
    {"short_hex_6", "ABCDEF", true},
    {"long_16", "4jcVVD6MzGz1bY9D", true},
    {"long_with_z_separator", "4bT9Xq0ZQGz9sW1", true},
    {"noqueue_is_not_an_id", "NOQUEUE", false},
    {"long_with_vowel", "4jcVVD6MzGz1bYaD", false},
    {"too_short", "3AB6F", false},
    {"too_long", "0123456789ABCDEF0123456789ABCDEF0", false},
    {"punctuation", "3AB6FA7202A-", false},
    {"empty", "", false},
};

class QueueIdTest : public ::testing::TestWithParam<QueueIdCase> {};

TEST_P(QueueIdTest, Classifies) {
  EXPECT_EQ(is_queue_id(GetParam().id), GetParam().ok);
}

INSTANTIATE_TEST_SUITE_P(Ids, QueueIdTest, ::testing::ValuesIn(kQueueIdCases),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace ark::admind::logs
