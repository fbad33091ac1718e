#include "admind/api/email_views.h"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include "admind/api/mime_view.h"
#include "admind/http/reply.h"
#include "admind/submit/submitter.h"
#include "core/crypto/crypto.h"

namespace ark::admind::api {
namespace {

submit::OutgoingMessage message(const std::string& text, const std::string& html) {
  submit::OutgoingMessage m;
  m.envelope_from = "a@x.test";
  m.rcpts = {"b@y.test"};
  m.from_header = "Alice <a@x.test>";
  m.to_header = {"b@y.test"};
  m.subject = "Grüße";
  m.text = text;
  m.html = html;
  m.message_id = "<m1@x.test>";
  m.binding = "v1; m=msg1; t=cm1; ts=1700000000; s=c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl";
  m.date_s = 1700000000;
  return m;
}

TEST(StripBinding, RemovesOnlyTheHeaderEvenWhenFolded) {
  std::string msg =
      "From: a@x.test\r\nX-Ark-Binding: v1; m=1;\r\n t=2; s=abc\r\nSubject: hi\r\n\r\n"
      "X-Ark-Binding: this line is body text\r\n";
  std::string out = strip_binding_header(msg);
  EXPECT_EQ(out, "From: a@x.test\r\nSubject: hi\r\n\r\nX-Ark-Binding: this line is body text\r\n");
  std::string composed = submit::compose(message("hi", ""));
  ASSERT_NE(composed.find("X-Ark-Binding"), std::string::npos);
  EXPECT_EQ(strip_binding_header(composed).find("X-Ark-Binding"), std::string::npos);
  size_t start = composed.find("X-Ark-Binding");
  std::string expected = composed;
  expected.erase(start, composed.find("\r\n", start) + 2 - start);
  EXPECT_EQ(strip_binding_header(composed), expected);
}

TEST(MimeView, ReadsBackWhatComposeWrote) {
  std::string text =
      "Hallo Welt, ä ö ü — a line longer than seventy-six characters to force soft "
      "line breaks in quoted-printable";
  std::string html = "<p>Hallo <b>Welt</b> ä</p>";
  MimeView v = parse_mime(strip_binding_header(submit::compose(message(text, html))));
  ASSERT_TRUE(v.text);
  ASSERT_TRUE(v.html);
  EXPECT_EQ(*v.text, text);
  EXPECT_EQ(*v.html, html);
  EXPECT_TRUE(v.attachments.empty());
  bool has_message_id = false;
  for (const auto& [name, value] : v.headers) {
    if (name == "Message-ID") {
      has_message_id = value == "<m1@x.test>";
    }
    EXPECT_NE(name, "X-Ark-Binding");
  }
  EXPECT_TRUE(has_message_id);
}

TEST(MimeView, NestedMultipartWithAttachment) {
  std::string pdf = std::string("%PDF-1.4\x00\x01\xff", 11);
  std::string raw =
      "From: a@x.test\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"OUTER\"\r\n\r\n"
      "--OUTER\r\nContent-Type: multipart/alternative; boundary=\"INNER\"\r\n\r\n"
      "--INNER\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain part\r\n"
      "--INNER\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html part</p>\r\n"
      "--INNER--\r\n"
      "--OUTER\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\n"
      "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      crypto::base64_encode(pdf) + "\r\n--OUTER--\r\n";
  MimeView v = parse_mime(raw);
  EXPECT_EQ(v.text.value_or(""), "plain part");
  EXPECT_EQ(v.html.value_or(""), "<p>html part</p>");
  ASSERT_EQ(v.attachments.size(), 1u);
  EXPECT_EQ(v.attachments[0].filename, "report.pdf");
  EXPECT_EQ(v.attachments[0].content_type, "application/pdf");
  EXPECT_EQ(v.attachments[0].data, pdf);
}

TEST(Expansions, StoredContentOnlyWhenRetained) {
  std::string raw = strip_binding_header(submit::compose(message("body text", "")));
  auto o = http::new_object();
  add_expansions(o, {"full"}, raw);
  EXPECT_EQ(o->getValue<std::string>("plainBody"), "body text");
  EXPECT_FALSE(o->has("htmlBody"));
  EXPECT_EQ(o->getObject("headers")->getValue<std::string>("Message-ID"), "<m1@x.test>");
  EXPECT_EQ(*crypto::base64_decode(o->getValue<std::string>("rawMessage")), raw);
  EXPECT_EQ(o->getArray("attachments")->size(), 0u);
  EXPECT_EQ(o->getObject("activity")->getArray("opens")->size(), 0u);
  auto gone = http::new_object();
  add_expansions(gone, {"content", "raw", "activity"}, std::nullopt);
  EXPECT_FALSE(gone->has("plainBody"));
  EXPECT_FALSE(gone->has("rawMessage"));
  EXPECT_TRUE(gone->has("activity"));
  auto only_headers = http::new_object();
  add_expansions(only_headers, {"headers"}, raw);
  EXPECT_TRUE(only_headers->has("headers"));
  EXPECT_FALSE(only_headers->has("plainBody"));
}

TEST(RetryStateJson, NullOrTheSpecFields) {
  EXPECT_TRUE(retry_state_json(std::nullopt).isEmpty());
  RetryState r;
  r.attempt = 2;
  r.max_attempts = 18;
  r.next_retry_us = 1705903200LL * 1000000;
  auto o = retry_state_json(r).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(o->getValue<int>("attemptsRemaining"), 16);
  EXPECT_EQ(o->getValue<std::string>("nextRetryAtIso"), "2024-01-22T06:00:00Z");
  EXPECT_DOUBLE_EQ(o->getValue<double>("nextRetryAt"), 1705903200.0);
}

}  // namespace
}  // namespace ark::admind::api
