// Robustness: the parser is total. Truncations of every fixture line, NUL bytes, huge lines,
// random splices of real lines and random bytes must give a value or std::nullopt, never a
// crash (run under ARK_SANITIZE=ON to catch out-of-bounds reads), and describe() must stay
// one printable line.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "admind/logs/postfix_log.h"
#include "admind/logs/postfix_reply.h"

namespace ark::admind::logs {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = ARK_MAILLOG_FIXTURES;

constexpr std::string_view kSentLine =
    "Nov 29 01:50:45 mx postfix/smtp[6399]: 4jcVVF12fCz1bYB8: to=<tf2@tempfail.test>, "
    "relay=127.0.0.1[127.0.0.1]:10027, delay=0.01, delays=0/0/0/0.01, dsn=4.2.0, "
    "status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 Mailbox temporarily busy (in "
    "reply to RCPT TO command))";

std::vector<std::string> all_fixture_lines() {
  std::vector<std::string> lines;
  for (const auto& e : fs::directory_iterator(kFixtures)) {
    if (e.path().extension() != ".log") {
      continue;
    }
    std::ifstream in(e.path(), std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      lines.push_back(line);
    }
  }
  return lines;
}

// Parses, and when there is a record, checks describe() is one printable ASCII line.
void check_total(std::string_view line) {
  std::optional<LogRecord> r = parse_postfix_line(line);
  if (!r) {
    return;
  }
  std::string d = describe(*r);
  for (char c : d) {
    ASSERT_TRUE(c >= ' ' && c <= '~') << "unprintable byte in: " << d;
  }
  if (const auto* del = std::get_if<Delivery>(&r->body)) {
    parse_reply_text(del->reply);
  }
}

TEST(Robustness, EveryPrefixOfEveryFixtureLine) {
  std::vector<std::string> lines = all_fixture_lines();
  ASSERT_GT(lines.size(), 100u);
  for (const std::string& line : lines) {
    for (size_t n = 0; n <= line.size(); ++n) {
      check_total(std::string_view(line).substr(0, n));
    }
  }
}

TEST(Robustness, TruncatedDeliveryKeepsAPrefixOfTheReply) {
  std::optional<LogRecord> full = parse_postfix_line(kSentLine);
  ASSERT_TRUE(full);
  const std::string reply = std::get<Delivery>(full->body).reply;
  size_t reply_start = kSentLine.find("status=deferred (") + 17;
  for (size_t n = reply_start; n <= kSentLine.size(); ++n) {
    std::optional<LogRecord> r = parse_postfix_line(kSentLine.substr(0, n));
    ASSERT_TRUE(r && std::holds_alternative<Delivery>(r->body)) << n;
    const std::string& got = std::get<Delivery>(r->body).reply;
    EXPECT_EQ(reply.compare(0, got.size(), got), 0) << "not a prefix: " << got;
  }
}

TEST(Robustness, NulByteAnywhere) {
  size_t reply_start = kSentLine.find(" (host") + 2;
  for (size_t i = 0; i < kSentLine.size(); ++i) {
    std::string line(kSentLine);
    line[i] = '\0';
    std::optional<LogRecord> r = parse_postfix_line(line);
    check_total(line);
    if (i >= reply_start && i + 2 < kSentLine.size()) {
      ASSERT_TRUE(r && std::holds_alternative<Delivery>(r->body)) << i;
      EXPECT_EQ(std::get<Delivery>(r->body).reply.find('\0'), i - reply_start);
    }
  }
}

TEST(Robustness, HugeReplyText) {
  std::string line(kSentLine.substr(0, kSentLine.size() - 1));
  line.insert(line.size() - 1, std::string(4 << 20, 'x'));
  line.push_back(')');
  std::optional<LogRecord> r = parse_postfix_line(line);
  ASSERT_TRUE(r && std::holds_alternative<Delivery>(r->body));
  EXPECT_GT(std::get<Delivery>(r->body).reply.size(), size_t{4} << 20);
}

TEST(Robustness, PathologicalRepetitions) {
  const std::string head = "Nov 29 01:50:45 mx postfix/smtp[6399]: 4jcVVF12fCz1bYB8: ";
  for (std::string_view unit : {"(", ")", "<", ">", ", ", "=", "to=<", "\"", "[", "; from=<"}) {
    std::string body;
    while (body.size() < (1u << 20)) {
      body.append(unit);
    }
    check_total(head + body);
    check_total(head + "to=<a@b>, status=sent (" + body);
    check_total(head + "reject: RCPT from x[1.2.3.4]: 550 x" + body);
    parse_reply_text("host " + body);
  }
}

TEST(Robustness, RandomSplicesOfRealLines) {
  std::vector<std::string> lines = all_fixture_lines();
  std::mt19937 rng(20241129);
  for (int i = 0; i < 20000; ++i) {
    const std::string& a = lines[rng() % lines.size()];
    const std::string& b = lines[rng() % lines.size()];
    std::string line = a.substr(0, rng() % (a.size() + 1)) + b.substr(rng() % (b.size() + 1));
    for (int flips = rng() % 3; flips > 0 && !line.empty(); --flips) {
      line[rng() % line.size()] = static_cast<char>(rng() % 256);
    }
    check_total(line);
  }
}

TEST(Robustness, RandomBytes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string line(rng() % 200, '\0');
    for (char& c : line) {
      c = static_cast<char>(rng() % 256);
    }
    EXPECT_FALSE(parse_postfix_line(line).has_value());
  }
}

}  // namespace
}  // namespace ark::admind::logs
