// Tag and metadata rules, and the X-Ark-Metadata JSON reader.
#include "policy/engine/metadata.h"

#include <gtest/gtest.h>

namespace ark::policy {
namespace {

TEST(Metadata, ParsesAFlatObjectOfStrings) {
  auto m = parse_metadata_json(R"( { "orderId" : "42", "note":"caf\u00e9 \"x\"\n" } )");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0], (std::pair<std::string, std::string>{"orderId", "42"}));
  EXPECT_EQ((*m)[1].second, "caf\xc3\xa9 \"x\"\n");
  EXPECT_TRUE(parse_metadata_json("{}").ok());
}

TEST(Metadata, SurrogatePairsBecomeOneCodePoint) {
  auto m = parse_metadata_json(R"({"e":"\ud83d\ude00"})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)[0].second, "\xf0\x9f\x98\x80");
  EXPECT_EQ(utf8_length((*m)[0].second), 1u);
  EXPECT_FALSE(parse_metadata_json(R"({"e":"\ud83d"})").ok()) << "lone high surrogate";
  EXPECT_FALSE(parse_metadata_json(R"({"e":"\ude00"})").ok()) << "lone low surrogate";
}

TEST(Metadata, RejectsWhatIsNotAnObjectOfStrings) {
  for (const char* bad :
       {"", "[]", "\"x\"", "{\"a\":1}", "{\"a\":null}", "{\"a\":\"b\"", "{a:\"b\"}",
        "{\"a\":\"b\",}", "{\"a\":\"b\"} x", "{\"a\":\"\\q\"}", "{\"a\":\"tab\there\"}"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_metadata_json(bad).ok());
  }
}

TEST(Metadata, ValidationRules) {
  EXPECT_TRUE(validate_metadata({{"a", "b"}, {"key_2", std::string(500, 'x')}}).ok());
  EXPECT_FALSE(validate_metadata({{"1a", "b"}}).ok()) << "key must start with a letter";
  EXPECT_FALSE(validate_metadata({{"a-b", "b"}}).ok());
  EXPECT_FALSE(validate_metadata({{std::string(41, 'k'), "b"}}).ok());
  EXPECT_TRUE(validate_metadata({{std::string(40, 'k'), "b"}}).ok());
  EXPECT_FALSE(validate_metadata({{"a", ""}}).ok()) << "empty value";
  EXPECT_FALSE(validate_metadata({{"a", std::string(501, 'x')}}).ok());
  EXPECT_TRUE(validate_metadata({{"a", std::string(250, 'x') + std::string(250, 'x')}}).ok());
  EXPECT_FALSE(validate_metadata({{"a", "line\nbreak"}}).ok());
  EXPECT_FALSE(validate_metadata({{"a", "x"}, {"a", "y"}}).ok()) << "duplicate key";
  Metadata eleven;
  for (int i = 0; i < 11; ++i) {
    eleven.push_back({"k" + std::to_string(i), "v"});
  }
  EXPECT_FALSE(validate_metadata(eleven).ok());
  Metadata big;
  for (int i = 0; i < 9; ++i) {
    big.push_back({"k" + std::to_string(i), std::string(490, 'x')});
  }
  EXPECT_FALSE(validate_metadata(big).ok()) << "over 4 KB as JSON";
}

TEST(Metadata, ValueLengthCountsCharactersNotBytes) {
  std::string e_acute = "\xc3\xa9";
  std::string five_hundred;
  for (int i = 0; i < 500; ++i) {
    five_hundred += e_acute;
  }
  EXPECT_TRUE(validate_metadata({{"a", five_hundred}}).ok());
  EXPECT_FALSE(validate_metadata({{"a", five_hundred + e_acute}}).ok());
}

TEST(Metadata, JsonRoundTrip) {
  Metadata m = {{"a", "q\"uote\\"}, {"b", "\x01"}};
  std::string text = metadata_json(m);
  EXPECT_EQ(text, R"({"a":"q\"uote\\","b":"\u0001"})");
  auto back = parse_metadata_json(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, m);
}

TEST(Tag, Rules) {
  EXPECT_TRUE(validate_tag("").ok());
  EXPECT_TRUE(validate_tag(std::string(1000, 't')).ok());
  EXPECT_FALSE(validate_tag(std::string(1001, 't')).ok());
  EXPECT_FALSE(validate_tag("a\r\nb").ok());
}

}  // namespace
}  // namespace ark::policy
