// The webhook envelope and headers (envelope.h), the retry schedule (retry_schedule.h), the
// stored-text clean-up (text.h) and fan-out planning (fanout.h): pure functions, table
// driven where there are cases.
#include "admind/events/envelope.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "admind/events/fanout.h"
#include "admind/events/retry_schedule.h"
#include "admind/events/text.h"

namespace ark::events {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST(Envelope, TenantFormHasTheSpecMembersInOrderAndThePayloadVerbatim) {
  const std::string payload = "{\"status\": \"Sent\",  \"time\":2.11 }";
  std::string body = build_envelope({"MessageSent", std::nullopt, 1704672000123456,
                                     "2b6c0a3e-1111-4222-8333-444455556666", payload});
  EXPECT_EQ(body,
            "{\"event\":\"MessageSent\",\"timestamp\":1704672000.123456,"
            "\"uuid\":\"2b6c0a3e-1111-4222-8333-444455556666\",\"payload\":" +
                payload + "}");
  auto o = parse(body);
  EXPECT_FALSE(o->has("tenant_id"));
  EXPECT_EQ(o->getObject("payload")->getValue<std::string>("status"), "Sent");
}

TEST(Envelope, PlatformFormCarriesTenantIdAfterEvent) {
  std::string body =
      build_envelope({"DomainDNSError", std::string_view("ten_1\"x"), 5, "u-1", "{}"});
  EXPECT_EQ(body,
            "{\"event\":\"DomainDNSError\",\"tenant_id\":\"ten_1\\\"x\",\"timestamp\":0.000005,"
            "\"uuid\":\"u-1\",\"payload\":{}}");
  EXPECT_EQ(parse(body)->getValue<std::string>("tenant_id"), "ten_1\"x");
}

TEST(Envelope, UnixSecondsKeepMicroseconds) {
  struct Case {
    int64_t us;
    const char* text;
  };
  for (const Case& c : {Case{0, "0.000000"}, Case{1, "0.000001"}, Case{999999, "0.999999"},
                        Case{1000000, "1.000000"}, Case{1704672000123456, "1704672000.123456"},
                        Case{-1, "-0.000001"}, Case{-1500000, "-1.500000"}}) {
    EXPECT_EQ(format_unix_seconds(c.us), c.text) << c.us;
  }
}

TEST(Envelope, JsonStringEscapesWhatJsonRequires) {
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string(std::string("\n\t\x01", 3)), "\"\\u000a\\u0009\\u0001\"");
  EXPECT_EQ(json_string("Gr\xc3\xbc\xc3\x9f"
                        "e/</"),
            "\"Gr\xc3\xbc\xc3\x9f"
            "e/</\"");
  // Every escape parses back to the original.
  std::string nasty = std::string("x\"\\\b\f\n\r\t\x1f y", 12);
  EXPECT_EQ(parse("{\"k\":" + json_string(nasty) + "}")->getValue<std::string>("k"), nasty);
}

TEST(Envelope, ReplaceTimestampTouchesOnlyTheTopLevelMember) {
  const std::string env =
      "{\"event\":\"MessageSent\",\"note\":\"\\\"timestamp\\\":1\",\"payload\":{\"timestamp\":"
      "17.5,\"message\":{\"timestamp\":3}},\"timestamp\": 1704672000.123456 ,\"uuid\":\"u\"}";
  auto out = replace_timestamp(env, 1800000000000001);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(
      *out,
      "{\"event\":\"MessageSent\",\"note\":\"\\\"timestamp\\\":1\",\"payload\":{\"timestamp\":"
      "17.5,\"message\":{\"timestamp\":3}},\"timestamp\": 1800000000.000001 ,\"uuid\":\"u\"}");
}

TEST(Envelope, ReplaceTimestampHandlesPocoNumberFormsAndRefusesOthers) {
  auto sci = replace_timestamp("{\"timestamp\":1.704672e+09,\"uuid\":\"u\"}", 2000000);
  ASSERT_TRUE(sci.has_value());
  EXPECT_EQ(*sci, "{\"timestamp\":2.000000,\"uuid\":\"u\"}");
  struct Case {
    const char* text;
    const char* why;
  };
  for (const Case& c :
       {Case{"[1,2]", "not an object"}, Case{"{\"event\":\"x\"}", "no timestamp"},
        Case{"{\"timestamp\":\"soon\"}", "not a number"},
        Case{"{\"payload\":{\"timestamp\":1}}", "only nested"}, Case{"{\"timestamp\":", "cut off"},
        Case{"{\"a\":\"unterminated", "bad string"}}) {
    EXPECT_FALSE(replace_timestamp(c.text, 1).has_value()) << c.why;
  }
}

TEST(Envelope, HeadersAreTheSignedOnesAndRenderAsJson) {
  StringPairs h = webhook_headers(Signature{"c2ln", "ab12"});
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"Content-Type", "application/json"}));
  EXPECT_EQ(h[1].first, "User-Agent");
  EXPECT_EQ(h[2], (std::pair<std::string, std::string>{"X-Ark-Signature", "c2ln"}));
  EXPECT_EQ(h[3], (std::pair<std::string, std::string>{"X-Ark-Signature-KID", "ab12"}));
  auto o = parse(headers_json(h));
  EXPECT_EQ(o->getValue<std::string>("X-Ark-Signature-KID"), "ab12");
  EXPECT_EQ(o->size(), 4u);
  EXPECT_EQ(headers_json({}), "{}");
}

TEST(RetrySchedule, StandardIsAppendixC2) {
  RetrySchedule s = RetrySchedule::standard();
  EXPECT_EQ(s.max_attempts(), 12);
  const int64_t min = 60000;
  const int64_t hour = 60 * min;
  std::vector<int64_t> want = {min,      5 * min,  15 * min,  30 * min,  hour,     2 * hour,
                               4 * hour, 8 * hour, 12 * hour, 24 * hour, 24 * hour};
  EXPECT_EQ(s.delays_ms(), want);
  EXPECT_EQ(s.delay_after_ms(1), min);
  EXPECT_EQ(s.delay_after_ms(11), 24 * hour);
  EXPECT_FALSE(s.delay_after_ms(12).has_value()) << "the 12th attempt is the last";
  EXPECT_FALSE(s.delay_after_ms(0).has_value());
  int64_t total = 0;
  for (int64_t d : want) {
    total += d;
  }
  EXPECT_EQ(total, (75 * 60 + 51) * min) << "about 3.2 days";
}

TEST(RetrySchedule, ParsesDurationsAndRefusesBadOnes) {
  auto s = RetrySchedule::parse({"2s", "1m", "1h"});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->delays_ms(), (std::vector<int64_t>{2000, 60000, 3600000}));
  auto none = RetrySchedule::parse({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->max_attempts(), 1);
  EXPECT_FALSE(none->delay_after_ms(1).has_value());
  for (const char* bad : {"10", "soon", "500ms", "-1s"}) {
    auto r = RetrySchedule::parse({"1s", bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
}

TEST(ValidUtf8, ReplacesIllFormedBytesAndNeverCutsACharacter) {
  struct Case {
    std::string in;
    size_t max;
    std::string out;
    const char* what;
  };
  const std::vector<Case> cases = {
      {"plain", 100, "plain", "ascii"},
      {"\xc3\xa9t\xc3\xa9", 100, "\xc3\xa9t\xc3\xa9", "two-byte"},
      {"\xf0\x9f\x98\x80!", 100, "\xf0\x9f\x98\x80!", "four-byte"},
      {"a\xff"
       "b",
       100, "a?b", "invalid byte"},
      {"\xc0\xaf", 100, "??", "overlong"},
      {"\xed\xa0\x80", 100, "???", "surrogate"},
      {std::string("a\0b", 3), 100, "a?b", "NUL"},
      {"\xe2\x82", 100, "??", "cut sequence"},
      {"ab\xc3\xa9", 3, "ab", "limit inside a character"},
      {"abcdef", 4, "abcd", "limit"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(valid_utf8(c.in, c.max), c.out) << c.what;
  }
}

TEST(Fanout, SubscriptionRules) {
  Subscription listed{"1", {"MessageSent", "MessageBounced"}, false};
  Subscription all{"2", {"MessageSent"}, true};
  Subscription empty{"3", {}, false};
  EXPECT_TRUE(tenant_webhook_wants(listed, "MessageSent"));
  EXPECT_FALSE(tenant_webhook_wants(listed, "MessageDelayed"));
  EXPECT_TRUE(tenant_webhook_wants(all, "SendLimitExceeded")) << "allEvents ignores the list";
  EXPECT_FALSE(tenant_webhook_wants(empty, "MessageSent"));
  EXPECT_TRUE(platform_webhook_wants(empty, "SendLimitApproaching")) << "empty = every event";
  EXPECT_FALSE(platform_webhook_wants(listed, "DomainDNSError"));
  EXPECT_EQ(parse_event_list("[\"MessageSent\",\"MessageHeld\"]"),
            (std::vector<std::string>{"MessageSent", "MessageHeld"}));
  EXPECT_TRUE(parse_event_list("not json").empty());
  EXPECT_TRUE(parse_event_list("{\"a\":1}").empty());
}

TEST(Fanout, TargetsRoundTrip) {
  for (const char* text : {"tenant:12", "platform:pwh_abc", "sink:events-file"}) {
    auto t = Target::parse(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(t->text(), text);
  }
  EXPECT_TRUE(Target::parse("tenant:1")->is_webhook());
  EXPECT_FALSE(Target::parse("sink:x")->is_webhook());
  for (const char* bad : {"tenant:", "other:1", "", "sink"}) {
    EXPECT_FALSE(Target::parse(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace ark::events
