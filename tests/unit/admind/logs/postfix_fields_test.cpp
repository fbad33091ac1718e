// Tests for the parser's building blocks: <addresses>, host[addr]:port, (nested (text)).

#include <gtest/gtest.h>

#include <string>

#include "admind/logs/postfix_fields.h"

namespace ark::admind::logs::fields {
namespace {

struct AngleCase {
  const char* name;
  std::string_view text;
  bool ok;
  const char* inside;
  const char* rest;  // what the scanner has left afterwards
};

const AngleCase kAngleCases[] = {
    {"simple", "<a@b.test>, size=1", true, "a@b.test", ", size=1"},
    {"empty", "<>, size=1", true, "", ", size=1"},
    {"at_end", "<a@b.test>", true, "a@b.test", ""},
    {"space_terminates", "<a@b.test> to=<c>", true, "a@b.test", " to=<c>"},
    {"colon_terminates", "<h.test>: held", true, "h.test", ": held"},
    {"gt_inside_is_skipped", "<a>b@c.test>, x", true, "a>b@c.test", ", x"},
    {"quoted_local_part", "<\"a>, b\"@c.test>, x", true, "\"a>, b\"@c.test", ", x"},
    {"escaped_quote_in_quoted_part", "<\"a\\\">, \"@c.test>, x", true, "\"a\\\">, \"@c.test",
     ", x"},
    {"unbalanced_quote_falls_back", "<a\"b@c.test>, x", true, "a\"b@c.test", ", x"},
    {"unterminated", "<a@b.test", false, "", "<a@b.test"},
    {"not_at_bracket", "a@b.test>", false, "", "a@b.test>"},
    {"empty_text", "", false, "", ""},
};

class AngleTest : public ::testing::TestWithParam<AngleCase> {};

TEST_P(AngleTest, Takes) {
  const AngleCase& c = GetParam();
  scan::Scanner s(c.text);
  std::optional<std::string_view> v = take_angle(s);
  ASSERT_EQ(v.has_value(), c.ok);
  if (v) {
    EXPECT_EQ(*v, c.inside);
  }
  EXPECT_EQ(s.rest(), c.rest);
}

INSTANTIATE_TEST_SUITE_P(Texts, AngleTest, ::testing::ValuesIn(kAngleCases),
                         [](const auto& p) { return std::string(p.param.name); });

struct EndpointCase {
  const char* name;
  std::string_view text;
  const char* host;
  const char* addr;
  int port;  // -1: none
};

const EndpointCase kEndpointCases[] = {
    {"host_addr_port", "mx.example[192.0.2.1]:25", "mx.example", "192.0.2.1", 25},
    {"host_addr", "unknown[127.0.0.1]", "unknown", "127.0.0.1", -1},
    {"ipv6", "mx[2001:db8::1]:587", "mx", "2001:db8::1", 587},
    {"name_only", "local", "local", "", -1},
    {"unclosed_bracket", "mx[192.0.2.1", "mx", "192.0.2.1", -1},
    {"bad_port", "mx[192.0.2.1]:2x5", "mx", "192.0.2.1", -1},
    {"empty_port", "mx[192.0.2.1]:", "mx", "192.0.2.1", -1},
};

class EndpointTest : public ::testing::TestWithParam<EndpointCase> {};

TEST_P(EndpointTest, Splits) {
  const EndpointCase& c = GetParam();
  Endpoint ep = split_endpoint(c.text);
  EXPECT_EQ(ep.name, c.host);
  EXPECT_EQ(ep.addr, c.addr);
  EXPECT_EQ(ep.port.value_or(-1), c.port);
}

INSTANTIATE_TEST_SUITE_P(Texts, EndpointTest, ::testing::ValuesIn(kEndpointCases),
                         [](const auto& p) { return std::string(p.param.name); });

struct ParenCase {
  const char* name;
  std::string_view text;  // after the opening '('
  const char* inside;
  size_t consumed;
};

const ParenCase kParenCases[] = {
    {"simple_at_end", "250 Ok)", "250 Ok", 7},
    {"nested_at_end", "a (b) (c))", "a (b) (c)", 10},
    {"followed_by_field", "250 Ok), x=1", "250 Ok", 7},
    {"unbalanced_open_uses_last_close", "a ( b (c))", "a ( b (c)", 10},
    {"unbalanced_close_uses_last_close", "a) b (c))", "a) b (c)", 9},
    {"truncated_takes_all", "a (b", "a (b", 4},
    {"close_then_prose_is_not_a_field", "a), then more", "a), then more", 13},
    {"empty", "", "", 0},
};

class ParenTest : public ::testing::TestWithParam<ParenCase> {};

TEST_P(ParenTest, FindsTheEnd) {
  const ParenCase& c = GetParam();
  size_t consumed = 99;
  EXPECT_EQ(paren_text(c.text, &consumed), c.inside);
  EXPECT_EQ(consumed, c.consumed);
}

INSTANTIATE_TEST_SUITE_P(Texts, ParenTest, ::testing::ValuesIn(kParenCases),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace ark::admind::logs::fields
