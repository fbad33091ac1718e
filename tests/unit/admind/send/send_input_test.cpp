// The send endpoints' bodies: every field read, every rule of api.md §4.1/§6.3 enforced with
// the spec's error code and field.
#include "admind/send/send_input.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace ark::admind::send {
namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

http::ApiError error_of(const Parsed& p) {
  EXPECT_TRUE(std::holds_alternative<http::ApiError>(p));
  return std::holds_alternative<http::ApiError>(p) ? std::get<http::ApiError>(p) : http::ApiError{};
}

TEST(SendInput, ReadsEveryField) {
  Parsed p = read_send(json(R"({
    "from": "Shop <app@shop.example>", "to": ["a@x.example", "A@x.example"],
    "cc": ["c@x.example"], "bcc": ["a@x.example", "b@x.example"], "replyTo": "r@shop.example",
    "subject": "Hi", "html": "<p>Hello&nbsp;<b>you</b></p><script>x()</script>",
    "headers": {"X-Campaign": "c7"}, "tag": "promo", "metadata": {"orderId": "42"},
    "attachments": [{"content": "aGVsbG8=", "contentType": "text/plain", "filename": "a.txt"}],
    "tenantId": "cmtenant0000001"})"));
  ASSERT_TRUE(std::holds_alternative<SendSpec>(p)) << std::get<http::ApiError>(p).message;
  const SendSpec& s = std::get<SendSpec>(p);
  EXPECT_EQ(s.from.address, "app@shop.example");
  EXPECT_EQ(s.envelope(), (std::vector<std::string>{"a@x.example", "c@x.example", "b@x.example"}));
  EXPECT_EQ(s.reply_to, std::optional<std::string>("r@shop.example"));
  EXPECT_EQ(s.text, "Hello you") << "text is made from html when absent";
  ASSERT_EQ(s.headers.size(), 1u);
  EXPECT_EQ(s.headers[0].first, "X-Campaign");
  ASSERT_EQ(s.attachments.size(), 1u);
  EXPECT_EQ(s.attachments[0].data, "hello");
  EXPECT_EQ(s.tag, std::optional<std::string>("promo"));
  ASSERT_TRUE(s.metadata.has_value());
  EXPECT_EQ(s.tenant_id, std::optional<std::string>("cmtenant0000001"));
  EXPECT_EQ(s.content_size(), static_cast<int64_t>(s.html.size() + s.text.size() + 5));
}

struct Bad {
  const char* name;
  const char* body;
  const char* code;
  const char* field;
};

TEST(SendInput, RefusesWhatBreaksTheContract) {
  std::string fifty_one = "[";
  for (int i = 0; i < 51; ++i) {
    fifty_one += std::string(i ? "," : "") + "\"r" + std::to_string(i) + "@x.example\"";
  }
  fifty_one += "]";
  std::string many_to = R"({"from":"a@b.example","subject":"s","text":"t","to":)" + fifty_one + "}";
  const Bad cases[] = {
      {"no from", R"({"to":["a@x.example"],"subject":"s","text":"t"})", "validation_error", "from"},
      {"bad from", R"({"from":"nope","to":["a@x.example"],"subject":"s","text":"t"})",
       "invalid_email_format", "from"},
      {"bad to", R"({"from":"a@b.example","to":["x"],"subject":"s","text":"t"})",
       "invalid_email_format", "to"},
      {"bad bcc",
       R"({"from":"a@b.example","to":["a@x.example"],"bcc":["y"],"subject":"s","text":"t"})",
       "invalid_email_format", "bcc"},
      {"empty to", R"({"from":"a@b.example","to":[],"subject":"s","text":"t"})", "validation_error",
       "to"},
      {"51 to", many_to.c_str(), "validation_error", "to"},
      {"no body", R"({"from":"a@b.example","to":["a@x.example"],"subject":"s"})",
       "validation_error", "html"},
      {"two-line subject",
       R"({"from":"a@b.example","to":["a@x.example"],"subject":"a\r\nBcc: x@y.z","text":"t"})",
       "validation_error", "subject"},
      {"reserved header",
       R"({"from":"a@b.example","to":["a@x.example"],"subject":"s","text":"t","headers":{"Bcc":"x@y.z"}})",
       "validation_error", "headers"},
      {"Ark header",
       R"({"from":"a@b.example","to":["a@x.example"],"subject":"s","text":"t","headers":{"X-Ark-Binding":"v1"}})",
       "validation_error", "headers"},
      {"header injection",
       R"({"from":"a@b.example","to":["a@x.example"],"subject":"s","text":"t","headers":{"X-A":"a\nB: c"}})",
       "validation_error", "headers"},
      {"bad base64",
       R"({"from":"a@b.example","to":["a@x.example"],"subject":"s","text":"t","attachments":[{"content":"!!","contentType":"a/b","filename":"f"}]})",
       "validation_error", "attachments"},
      {"attachment without type",
       R"({"from":"a@b.example","to":["a@x.example"],"subject":"s","text":"t","attachments":[{"content":"aGk=","filename":"f"}]})",
       "validation_error", "attachments"},
      {"metadata number",
       R"({"from":"a@b.example","to":["a@x.example"],"subject":"s","text":"t","metadata":{"a":1}})",
       "validation_error", "metadata"},
      {"metadata key",
       R"({"from":"a@b.example","to":["a@x.example"],"subject":"s","text":"t","metadata":{"_a":"1"}})",
       "validation_error", "metadata"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    http::ApiError e = error_of(read_send(json(c.body)));
    EXPECT_EQ(e.code, c.code);
    EXPECT_EQ(e.field, c.field);
    EXPECT_EQ(e.status, 400);
  }
}

TEST(SendInput, Raw) {
  Parsed ok = read_raw(json(R"({"from":"a@b.example","to":["x@y.example"],
    "rawMessage":"RnJvbTogYUBiLmV4YW1wbGUNClN1YmplY3Q6IHMNCg0KYm9keQ0K","bounce":true})"));
  ASSERT_TRUE(std::holds_alternative<SendSpec>(ok));
  EXPECT_EQ(std::get<SendSpec>(ok).raw, "From: a@b.example\r\nSubject: s\r\n\r\nbody\r\n");
  EXPECT_TRUE(std::get<SendSpec>(ok).bounce);
  http::ApiError e =
      error_of(read_raw(json(R"({"from":"a@b.example","to":["x@y.example"],"rawMessage":"@@@"})")));
  EXPECT_EQ(e.field, "rawMessage");
  e = error_of(read_raw(
      json(R"({"from":"a@b.example","to":["x@y.example"],"rawMessage":"bm8gc2VwYXJhdG9y"})")));
  EXPECT_EQ(e.field, "rawMessage") << "no blank line between headers and body";
}

TEST(SendInput, BatchItemsFailOnTheirOwn) {
  auto in = read_batch(json(R"({"from":"a@b.example","emails":[
    {"to":["one@x.example"],"subject":"1","text":"t"},
    {"to":["bad"],"subject":"2","text":"t"},
    {"to":["three@x.example"],"subject":"3"}]})"));
  ASSERT_TRUE(std::holds_alternative<BatchInput>(in));
  const auto& items = std::get<BatchInput>(in).items;
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(items[0].spec.has_value());
  EXPECT_EQ(items[0].first_to, "one@x.example");
  EXPECT_FALSE(items[1].spec.has_value());
  EXPECT_EQ(items[1].first_to, "bad");
  EXPECT_NE(items[1].error.find("invalid email address"), std::string::npos);
  EXPECT_EQ(items[2].error, "one of html or text is required");
}

TEST(SendInput, BatchRequestLimits) {
  EXPECT_TRUE(std::holds_alternative<http::ApiError>(
      read_batch(json(R"({"from":"a@b.example","emails":[]})"))));
  std::string many = R"({"from":"a@b.example","emails":[)";
  for (int i = 0; i < 101; ++i) {
    many += std::string(i ? "," : "") + R"({"to":["a@x.example"],"subject":"s","text":"t"})";
  }
  EXPECT_TRUE(std::holds_alternative<http::ApiError>(read_batch(json(many + "]}"))));
  std::string rcpts = "[";
  for (int i = 0; i < 50; ++i) {
    rcpts += std::string(i ? "," : "") + "\"r" + std::to_string(i) + "@x.example\"";
  }
  rcpts += "]";
  std::string big = R"({"from":"a@b.example","emails":[)";
  for (int i = 0; i < 21; ++i) {
    big += std::string(i ? "," : "") + R"({"subject":"s","text":"t","to":)" + rcpts + "}";
  }
  auto over = read_batch(json(big + "]}"));
  ASSERT_TRUE(std::holds_alternative<http::ApiError>(over)) << "1050 recipients";
  EXPECT_EQ(std::get<http::ApiError>(over).field, "emails");
}

TEST(SendInput, TextFromHtml) {
  EXPECT_EQ(text_from_html("<h1>Title</h1><p>One &amp; two</p><br>Three<style>p{}</style>"),
            "Title\nOne & two\nThree");
}

}  // namespace
}  // namespace ark::admind::send
