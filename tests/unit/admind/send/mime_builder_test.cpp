// MIME composition: structure per content, encodings, line lengths, the binding on top.
#include "admind/send/mime_builder.h"

#include <gtest/gtest.h>

#include "admind/send/smtp_batch.h"
#include "core/crypto/crypto.h"

namespace ark::admind::send {
namespace {

SendSpec spec(std::string text, std::string html) {
  SendSpec s;
  s.from_text = "Shop <app@shop.example>";
  s.from = *mail::parse_mailbox(s.from_text);
  s.to = {"a@x.example"};
  s.subject = "Hello";
  s.text = std::move(text);
  s.html = std::move(html);
  return s;
}

MimeMeta meta() {
  return {"<m1@shop.example>", 1700000000, "v1; m=x", "TOKEN"};
}

size_t longest_line(const std::string& text) {
  size_t longest = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\r\n", start);
    if (end == std::string::npos) {
      end = text.size();
    }
    longest = std::max(longest, end - start);
    start = end + 2;
  }
  return longest;
}

TEST(MimeBuilder, TextOnly) {
  std::string m = build_mime(spec("hi", ""), meta());
  EXPECT_EQ(m.rfind("X-Ark-Binding: v1; m=x\r\n", 0), 0u) << "the binding goes first";
  EXPECT_NE(m.find("From: \"Shop\" <app@shop.example>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <m1@shop.example>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(m.find("multipart"), std::string::npos);
  EXPECT_EQ(header_value(m, "subject"), std::optional<std::string>("Hello"));
}

TEST(MimeBuilder, AlternativeInsideMixedWithAttachments) {
  SendSpec s = spec("hi", "<p>hi</p>");
  s.cc = {"c@x.example"};
  s.bcc = {"secret@x.example"};
  s.reply_to = "r@shop.example";
  s.headers = {{"X-Campaign", "c7"}};
  s.attachments = {{"a.bin", "application/octet-stream", std::string(200, '\x01')}};
  std::string m = build_mime(s, meta());
  EXPECT_NE(m.find("Content-Type: multipart/mixed; boundary=\"=_mix_TOKEN\""), std::string::npos);
  EXPECT_NE(m.find("Content-Type: multipart/alternative; boundary=\"=_alt_TOKEN\""),
            std::string::npos);
  EXPECT_LT(m.find("multipart/mixed"), m.find("multipart/alternative"));
  EXPECT_NE(m.find("Content-Disposition: attachment; filename=\"a.bin\""), std::string::npos);
  EXPECT_NE(m.find("--=_mix_TOKEN--\r\n"), std::string::npos);
  EXPECT_EQ(m.find("secret@x.example"), std::string::npos) << "Bcc never appears";
  EXPECT_EQ(header_value(m, "Cc"), std::optional<std::string>("c@x.example"));
  EXPECT_EQ(header_value(m, "Reply-To"), std::optional<std::string>("r@shop.example"));
  EXPECT_EQ(header_value(m, "X-Campaign"), std::optional<std::string>("c7"));
  EXPECT_LE(longest_line(m), 78u);
}

TEST(MimeBuilder, LongRecipientListsAreFolded) {
  SendSpec s = spec("hi", "");
  s.to.clear();
  for (int i = 0; i < 50; ++i) {
    s.to.push_back("recipient" + std::to_string(i) + "@example.org");
  }
  std::string m = build_mime(s, meta());
  EXPECT_LE(longest_line(m), 78u);
  auto to = header_value(m, "To");
  ASSERT_TRUE(to.has_value());
  EXPECT_NE(to->find("recipient49@example.org"), std::string::npos);
}

TEST(MimeBuilder, QuotedPrintable) {
  EXPECT_EQ(quoted_printable("a=b"), "a=3Db");
  EXPECT_EQ(quoted_printable("trailing \nnext"), "trailing=20\r\nnext");
  EXPECT_EQ(quoted_printable("caf\xc3\xa9"), "caf=C3=A9");
  std::string qp = quoted_printable(std::string(200, 'x'));
  EXPECT_LE(longest_line(qp), 76u);
  EXPECT_NE(qp.find("=\r\n"), std::string::npos) << "soft line breaks";
}

TEST(MimeBuilder, EncodedWords) {
  EXPECT_EQ(encode_word("plain"), "plain");
  EXPECT_EQ(encode_word("Gr\xc3\xbc\xc3\x9f"
                        "e"),
            "=?UTF-8?B?R3LDvMOfZQ==?=");
  std::string many;
  for (int i = 0; i < 40; ++i) {
    many += "\xc3\xa9";
  }
  std::string w = encode_word(many);
  EXPECT_NE(w.find("?=\r\n =?UTF-8?B?"), std::string::npos) << "split into several words";
  size_t start = 0;
  while ((start = w.find("=?UTF-8?B?", start)) != std::string::npos) {
    size_t end = w.find("?=", start + 10);
    auto bytes = *crypto::base64_decode(w.substr(start + 10, end - start - 10));
    EXPECT_EQ(bytes.size() % 2, 0u) << "no UTF-8 sequence split across words";
    start = end;
  }
}

TEST(MimeBuilder, RawMessagesAndHeaders) {
  std::string m = with_binding("From: a@b.example\nSubject: long\n  folded\n\nbody\n", "v1; m=y");
  EXPECT_EQ(m,
            "X-Ark-Binding: v1; m=y\r\nFrom: a@b.example\r\nSubject: long\r\n  folded\r\n\r\n"
            "body\r\n");
  EXPECT_EQ(header_value(m, "subject"), std::optional<std::string>("long  folded"));
  EXPECT_EQ(header_value(m, "Message-ID"), std::nullopt);
  EXPECT_EQ(header_value("a: 1\r\n\r\nb: 2\r\n", "b"), std::nullopt)
      << "body lines are not headers";
}

TEST(SmtpData, DotStuffingAndTerminator) {
  EXPECT_EQ(data_payload("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n");
  EXPECT_EQ(data_payload(".first\r\nno newline"), "..first\r\nno newline\r\n.\r\n");
}

}  // namespace
}  // namespace ark::admind::send
