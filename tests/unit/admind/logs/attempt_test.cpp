// Delivery line -> attempt facts (admind/logs/delivery.h), TLS lines and the year of a
// classic stamp, on lines captured from Postfix 3.7 (tests/fixtures/maillog).
#include <gtest/gtest.h>

#include <cstdlib>

#include "admind/logs/delivery.h"
#include "admind/logs/tls_tracker.h"
#include "core/base/clock.h"

namespace ark::admind::logs {
namespace {

constexpr int64_t kNov30_2026 = 1795996800LL * 1000000;  // 2026-11-30T00:00:00Z

class AttemptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  AttemptFacts facts(const std::string& line, bool tls = false) {
    auto rec = parse_postfix_line(line);
    EXPECT_TRUE(rec) << line;
    auto f = rec ? attempt_from_record(*rec, kNov30_2026, tls) : std::nullopt;
    EXPECT_TRUE(f) << line;
    return f.value_or(AttemptFacts{});
  }
};

TEST_F(AttemptTest, Sent) {
  auto f = facts(
      "Nov 29 00:42:48 mx postfix/smtp[15663]: 3AB6FA7202A: to=<user@ok.test>, "
      "relay=127.0.0.1[127.0.0.1]:10026, delay=0.1, delays=0.09/0.01/0/0.02, dsn=2.0.0, "
      "status=sent (250 2.0.0 Ok)");
  EXPECT_EQ(f.email_status, "sent");
  EXPECT_EQ(f.code, 250);
  EXPECT_EQ(f.enhanced, "2.0.0");
  EXPECT_EQ(f.output, "250 2.0.0 Ok");
  EXPECT_EQ(f.remote_host, "127.0.0.1");
  EXPECT_FALSE(f.classification);
  EXPECT_EQ(f.details, "Message for user@ok.test accepted by 127.0.0.1:10026 (127.0.0.1)");
  EXPECT_DOUBLE_EQ(f.time_s, 0.02);
  EXPECT_EQ(base::format_iso8601(f.time_us), "2026-11-29T00:42:48Z");
}

TEST_F(AttemptTest, DeferredStripsPostfixWrapping) {
  auto f = facts(
      "Nov 29 00:42:48 mx postfix/smtp[15663]: 57AFFA7202A: to=<user@tempfail.test>, "
      "relay=127.0.0.1[127.0.0.1]:10027, delay=0.1, delays=0.09/0/0/0.01, dsn=4.2.0, "
      "status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 Mailbox temporarily busy "
      "(spike sink) (in reply to RCPT TO command))");
  EXPECT_EQ(f.email_status, "softfail");
  EXPECT_EQ(f.output, "450 4.2.0 Mailbox temporarily busy (spike sink)");
  EXPECT_EQ(f.details,
            "450 temporarily unavailable: Delivery to user@tempfail.test failed at "
            "127.0.0.1:10027 (127.0.0.1)");
  ASSERT_TRUE(f.classification);
  EXPECT_EQ(f.classification->code, 42);
}

TEST_F(AttemptTest, RelayNoneHasNoHostAndTheConnectionErrorText) {
  auto f = facts(
      "Nov 29 01:50:45 mx postfix/smtp[6399]: 4jcVVF2qB7z1bYMP: to=<r3@later.test>, relay=none, "
      "delay=0, delays=0/0/0/0, dsn=4.4.1, status=deferred (connect to "
      "127.0.0.1[127.0.0.1]:10029: Connection refused)");
  EXPECT_FALSE(f.remote_host);
  EXPECT_FALSE(f.code);
  EXPECT_EQ(f.output, "connect to 127.0.0.1[127.0.0.1]:10029: Connection refused");
  EXPECT_EQ(f.details, "Connection error: Could not connect to any mail server for later.test");
  EXPECT_EQ(f.classification->name, "connection_error");
}

TEST_F(AttemptTest, OrigToIsTheSubmittedRecipient) {
  auto f = facts(
      "Dec  1 08:00:01 mail postfix/local[2003]: 5C2E1A7200B: to=<bob@mail.example.org>, "
      "orig_to=<postmaster@example.org>, relay=local, delay=0.03, delays=0.01/0.01/0/0.01, "
      "dsn=2.0.0, status=sent (delivered to mailbox)");
  EXPECT_EQ(f.recipient, "postmaster@example.org");
  EXPECT_EQ(base::format_iso8601(f.time_us), "2026-12-01T08:00:01Z");
}

TEST_F(AttemptTest, TlsFlagOnlyWithAHost) {
  EXPECT_TRUE(facts("Dec  1 08:00:04 mail postfix/smtp[2004]: 5C2E1A7200B: to=<d@example.net>, "
                    "relay=mx.example.net[192.0.2.30]:25, delay=0.2, delays=0/0/0.1/0.1, "
                    "dsn=2.0.0, status=sent (250 ok)",
                    true)
                  .sent_with_ssl);
}

TEST_F(AttemptTest, NotAnAttempt) {
  for (const char* line :
       {"Nov 29 00:42:48 mx postfix/qmgr[15611]: 3AB6FA7202A: removed",
        "Dec  1 08:00:09 mail postfix/smtp[2007]: 7E4A3A7200D: to=<i@example.com>, "
        "relay=mx.example.com[192.0.2.70]:25, delay=0.2, delays=0/0/0.1/0.1, dsn=5.1.1, "
        "status=SOFTBOUNCE (host mx.example.com[192.0.2.70] said: 550 5.1.1 unknown user)"}) {
    auto rec = parse_postfix_line(line);
    ASSERT_TRUE(rec) << line;
    EXPECT_FALSE(attempt_from_record(*rec, kNov30_2026, false)) << line;
  }
}

TEST_F(AttemptTest, YearOfAClassicStamp) {
  LogTime dec{0, 12, 31, 23, 59, 59, 0, std::nullopt};
  LogTime jan{0, 1, 1, 0, 0, 1, 0, std::nullopt};
  int64_t jan2_2027 = 1798848000LL * 1000000 + 86400LL * 1000000;
  EXPECT_EQ(base::format_iso8601(stamp_to_us(dec, jan2_2027)), "2026-12-31T23:59:59Z")
      << "a December line read in January";
  int64_t dec31_2026 = 1798675200LL * 1000000;
  EXPECT_EQ(base::format_iso8601(stamp_to_us(jan, dec31_2026)), "2027-01-01T00:00:01Z")
      << "a clock stepped back over new year";
  LogTime exact{2024, 11, 29, 0, 42, 48, 123456, 60};
  EXPECT_EQ(base::format_iso8601(stamp_to_us(exact, jan2_2027), true), "2024-11-28T23:42:48.123Z");
}

TEST(TlsLine, Parsed) {
  auto t = parse_tls_line(
      "Dec  2 09:00:00 mx postfix/smtp[3001]: Untrusted TLS connection established to "
      "mx.tls.example[192.0.2.90]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->service, "smtp");
  EXPECT_EQ(t->pid, 3001);
  EXPECT_EQ(t->peer, "mx.tls.example[192.0.2.90]:25");
  EXPECT_EQ(t->trust, "Untrusted");
  auto v6 = parse_tls_line(
      "Dec  2 09:00:00 mx postfix/relay/smtp[7]: Verified TLS connection established to "
      "mx6.example[2001:db8::25]:25: TLSv1.2 with cipher X");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->peer, "mx6.example[2001:db8::25]:25");
  EXPECT_EQ(v6->service, "relay/smtp");
  EXPECT_FALSE(
      parse_tls_line("Dec  2 09:00:00 mx postfix/smtpd[3]: Anonymous TLS connection "
                     "established from unknown[127.0.0.1]: TLSv1.3"));
  EXPECT_FALSE(
      parse_tls_line("Dec  2 09:00:00 mx postfix/smtp[3]: Bogus TLS connection "
                     "established to a[b]:25: x"));
}

}  // namespace
}  // namespace ark::admind::logs
