// Golden tests: every line of every tests/fixtures/maillog/*.log is parsed and rendered with
// describe() ("-" for std::nullopt), one output line per input line, and compared with the
// checked-in <name>.expected. Regenerate deliberately: ARK_UPDATE_GOLDENS=1 ./postfix_log_test
// (then review the diff). A second test cross-checks the real captures with plain string
// searches that do not share code with the parser.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "admind/logs/postfix_log.h"

namespace ark::admind::logs {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = ARK_MAILLOG_FIXTURES;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      nl = text.size();
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kFixtures)) {
    if (e.path().extension() == ".log") {
      names.push_back(e.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string render(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    std::optional<LogRecord> r = parse_postfix_line(line);
    out.append(r ? describe(*r) : std::string("-"));
    out.push_back('\n');
  }
  return out;
}

bool updating() {
  const char* v = std::getenv("ARK_UPDATE_GOLDENS");
  return v != nullptr && std::string_view(v) == "1";
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesExpected) {
  const fs::path log = kFixtures / (GetParam() + ".log");
  const fs::path expected_path = kFixtures / (GetParam() + ".expected");
  std::vector<std::string> input = split_lines(read_file(log));
  ASSERT_FALSE(input.empty()) << log;
  std::string actual = render(input);
  if (updating()) {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << expected_path << " is missing; create it with ARK_UPDATE_GOLDENS=1";
  std::vector<std::string> want = split_lines(read_file(expected_path));
  std::vector<std::string> got = split_lines(actual);
  ASSERT_EQ(got.size(), input.size());
  EXPECT_EQ(want.size(), got.size()) << "line count differs from " << expected_path;
  int reported = 0;
  for (size_t i = 0; i < std::min(want.size(), got.size()) && reported < 5; ++i) {
    if (want[i] != got[i]) {
      ++reported;
      ADD_FAILURE() << GetParam() << ".log line " << (i + 1) << ": " << input[i]
                    << "\n  expected: " << want[i] << "\n  actual:   " << got[i];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenTest, ::testing::ValuesIn(fixture_names()),
                         [](const auto& p) {
                           std::string n = p.param;
                           std::replace_if(
                               n.begin(), n.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return n;
                         });

// The text between `open` and the next `close` after it, or "" when absent.
std::string between(const std::string& s, const std::string& open, const std::string& close) {
  size_t a = s.find(open);
  if (a == std::string::npos) {
    return "";
  }
  a += open.size();
  size_t b = s.find(close, a);
  return s.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

// Cross-check of the real captures: each line is classified by simple searches, and the
// parser must agree.
TEST(RealCaptures, AgreeWithPlainStringSearches) {
  int deliveries = 0;
  for (std::string name : {"postfix-3.7-long-ids", "postfix-3.7-short-ids"}) {
    for (const std::string& line : split_lines(read_file(kFixtures / (name + ".log")))) {
      std::optional<LogRecord> r = parse_postfix_line(line);
      std::string after_pid = between(line, "]: ", "\n");
      if (after_pid.find(": to=<") != std::string::npos) {
        ASSERT_TRUE(r && std::holds_alternative<Delivery>(r->body)) << line;
        const auto& d = std::get<Delivery>(r->body);
        EXPECT_EQ(d.to, between(line, "to=<", ">,")) << line;
        EXPECT_EQ(d.status_word, between(line, "status=", " ")) << line;
        EXPECT_EQ(d.dsn, between(line, "dsn=", ",")) << line;
        EXPECT_EQ("(" + d.reply + ")", line.substr(line.find(" (", line.find("status=")) + 1));
        ++deliveries;
      } else if (after_pid.find(": message-id=") != std::string::npos) {
        ASSERT_TRUE(r && std::holds_alternative<MessageId>(r->body)) << line;
      } else if (after_pid.rfind("connect from", 0) == 0 || after_pid.rfind("warning:", 0) == 0 ||
                 after_pid.rfind("disconnect from", 0) == 0) {
        EXPECT_FALSE(r.has_value()) << line;
      }
      if (r && !r->header.queue_id.empty()) {
        EXPECT_EQ(r->header.queue_id, between(line, "]: ", ":")) << line;
      }
    }
  }
  EXPECT_GT(deliveries, 50);
}

}  // namespace
}  // namespace ark::admind::logs
