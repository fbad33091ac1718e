// Signatures made by ark_dkim, checked by an independent verifier (dkimpy, Debian
// python3-dkim) over the wire form of the message, for RSA-2048 and Ed25519 keys made by
// ark_dkim_keys. Each case names the one oddity it carries.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/crypto/crypto.h"
#include "core/dkim_keys/dkim_keys.h"
#include "dkimpy_verifier.h"
#include "milter/dkim/body_hasher.h"
#include "milter/dkim/signer.h"

namespace ark::milter::dkim {
namespace {

using testing::dkimpy_verify;
using testing::wire_message;

constexpr const char* kDomain = "mail.example.org";
constexpr const char* kSelector = "ark-t3st01";

struct TestKey {
  std::string name;
  std::string pem;
  std::string txt;
};

const std::vector<TestKey>& keys() {
  static const std::vector<TestKey> k = [] {
    std::vector<TestKey> out;
    for (auto type : {dkim_keys::KeyType::Rsa, dkim_keys::KeyType::Ed25519}) {
      std::string pem = dkim_keys::generate_private_key_pem(type).value();
      auto pub = dkim_keys::public_key_from_private_pem(pem).value();
      out.push_back({dkim_keys::key_type_name(type), pem, dkim_keys::dns_txt_value(pub)});
    }
    return out;
  }();
  return k;
}

std::string dns_name() {
  return std::string(kSelector) + "._domainkey." + kDomain;
}

SignParams params() {
  SignParams p;
  p.domain = kDomain;
  p.selector = kSelector;
  p.timestamp = 1718000000;
  return p;
}

struct Case {
  std::string edge;
  std::vector<Header> headers;
  std::string body;
};

std::vector<Header> basic_headers() {
  return {{"Received", " from client by mx (Postfix)"},
          {"From", " Sender <s@mail.example.org>"},
          {"To", " r@dest.example"},
          {"Subject", " hello"},
          {"Date", " Mon, 10 Jun 2024 06:13:20 +0000"},
          {"Message-ID", " <abc@mail.example.org>"},
          {"MIME-Version", " 1.0"},
          {"Content-Type", " text/plain; charset=utf-8"}};
}

std::string multipart_body() {
  std::string raw;
  uint32_t x = 12345;  // fixed pseudo-random attachment bytes
  for (int i = 0; i < 3000; ++i) {
    x = x * 1103515245u + 12345u;
    raw += static_cast<char>(x >> 24);
  }
  std::string b64 = crypto::base64_encode(raw);
  std::string att;
  for (size_t i = 0; i < b64.size(); i += 76) {
    att += b64.substr(i, 76) + "\r\n";
  }
  return "This is a multi-part message in MIME format.\r\n"
         "--b0undary\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n\r\n"
         "Hallo   Welt \t\r\nGr\xc3\xbc\xc3\x9f"
         "e\r\n\r\n"
         "--b0undary\r\n"
         "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
         "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" +
         att + "--b0undary--\r\n";
}

std::vector<Case> cases() {
  std::vector<Case> out;
  out.push_back({"plain_crlf_body", basic_headers(), "Hello,\r\nworld.\r\n"});
  out.push_back({"bare_lf_body", basic_headers(), "Hello,\nworld.\n\nbye\n"});
  out.push_back({"mixed_crlf_and_bare_lf", basic_headers(), "a\r\nb\nc\r\n\nd\n"});
  out.push_back({"empty_body", basic_headers(), ""});
  out.push_back({"only_empty_lines_body", basic_headers(), "\r\n\r\n\r\n"});
  out.push_back({"no_final_newline", basic_headers(), "last line  "});
  out.push_back({"trailing_whitespace_and_blank_lines", basic_headers(),
                 "line one   \r\nline\t\ttwo \t\r\n  lead\r\n   \r\n\r\n\t\r\n"});
  out.push_back({"long_line_body", basic_headers(), std::string(5000, 'x') + "\r\n"});
  {
    Case c{"eight_bit_headers_and_body", basic_headers(),
           "Gr\xc3\xbc\xc3\x9f"
           "e aus K\xc3\xb6ln \xe2\x9c\x93\r\n\xff\xfe raw\r\n"};
    c.headers[1].value = " =?utf-8?q?J=C3=B6rg?= <s@mail.example.org>";
    c.headers[3].value =
        " Gr\xc3\xbc\xc3\x9f"
        "e \xe2\x9c\x93  aus   K\xc3\xb6ln";
    c.headers.push_back({"Content-Transfer-Encoding", " 8bit"});
    out.push_back(c);
  }
  {
    Case c{"long_and_folded_headers", basic_headers(), "body\r\n"};
    std::string subject = " A very long subject line that goes on";
    for (int i = 0; i < 8; ++i) {
      subject += "\r\n\tand on, fold number " + std::to_string(i) + ",   with  runs\t of WSP";
    }
    c.headers[3].value = subject;
    std::string to = " r0@dest.example";
    for (int i = 1; i < 25; ++i) {
      to += ",\n r" + std::to_string(i) + "@dest.example";  // bare LF folding
    }
    c.headers[2].value = to;
    std::string refs;
    for (int i = 0; i < 30; ++i) {
      refs += " <ref" + std::to_string(i) + "@x.example>";
    }
    c.headers.push_back({"References", refs});  // one 900-byte unfolded line
    out.push_back(c);
  }
  {
    Case c{"repeated_and_odd_case_headers", basic_headers(), "x\r\n"};
    c.headers.push_back({"Cc", " first@dest.example"});
    c.headers.push_back({"CC", " second@dest.example"});
    c.headers[3].name = "SUBJECT";
    c.headers[5].name = "message-id";
    c.headers.push_back({"Reply-To", "no-leading-space@mail.example.org"});
    c.headers.push_back({"In-Reply-To", " \t <prev@x.example> \t"});
    out.push_back(c);
  }
  {
    Case c{"multipart_with_attachment", basic_headers(), multipart_body()};
    c.headers[7].value = " multipart/mixed;\r\n boundary=\"b0undary\"";
    out.push_back(c);
  }
  return out;
}

Case find_case(const std::string& edge) {
  for (Case& c : cases()) {
    if (c.edge == edge) {
      return c;
    }
  }
  ADD_FAILURE() << "no case " << edge;
  return {};
}

void expect_verifies(const std::string& wire, const TestKey& k, const std::string& what) {
  auto r = dkimpy_verify(wire, dns_name(), k.txt);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "verifier failed to run\n" << r.log;
  EXPECT_TRUE(r.verified) << what << " key=" << k.name << "\n" << r.log << "\n" << wire;
}

void expect_rejected(const std::string& wire, const TestKey& k, const std::string& what) {
  auto r = dkimpy_verify(wire, dns_name(), k.txt);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "verifier failed to run\n" << r.log;
  EXPECT_FALSE(r.verified) << what << " key=" << k.name << "\n" << r.log;
}

TEST(DkimpyVerify, EveryOddMessageVerifiesWithRsaAndEd25519) {
  for (const TestKey& k : keys()) {
    auto key = SigningKey::from_pem(k.pem).value();
    for (const Case& c : cases()) {
      auto sig = sign_message(c.headers, c.body, key, params());
      ASSERT_TRUE(sig.ok()) << c.edge << ": " << sig.error().message;
      expect_verifies(wire_message(*sig, c.headers, c.body), k, c.edge);
    }
  }
}

TEST(DkimpyVerify, LfFoldedValueAsTheMilterInsertsItVerifies) {
  for (const TestKey& k : keys()) {
    auto key = SigningKey::from_pem(k.pem).value();
    SignParams p = params();
    p.eol = "\n";
    Case c = find_case("long_and_folded_headers");
    auto sig = sign_message(c.headers, c.body, key, p).value();
    ASSERT_EQ(sig.find('\r'), std::string::npos);
    expect_verifies(wire_message(sig, c.headers, c.body), k, "lf-folded signature");
  }
}

TEST(DkimpyVerify, ChunkedBodyHashGivesTheSameVerifyingSignature) {
  for (const TestKey& k : keys()) {
    auto key = SigningKey::from_pem(k.pem).value();
    Case c = find_case("multipart_with_attachment");
    BodyHasher h;
    for (size_t i = 0; i < c.body.size(); i += 333) {
      h.update(c.body.substr(i, 333));
    }
    auto sig = sign_with_body_hash(c.headers, h.finish(), key, params()).value();
    EXPECT_EQ(sig, sign_message(c.headers, c.body, key, params()).value());
    expect_verifies(wire_message(sig, c.headers, c.body), k, "chunked");
  }
}

// The verifier must be able to say no, or the tests above prove nothing.
TEST(DkimpyVerify, TamperingIsDetected) {
  for (const TestKey& k : keys()) {
    auto key = SigningKey::from_pem(k.pem).value();
    Case c = find_case("repeated_and_odd_case_headers");
    auto sig = sign_message(c.headers, c.body, key, params()).value();
    expect_rejected(wire_message(sig, c.headers, c.body + "appended\r\n"), k, "body changed");

    auto swapped = c.headers;
    std::swap(swapped[8], swapped[9]);  // the two Cc fields
    expect_rejected(wire_message(sig, swapped, c.body), k, "repeated fields reordered");

    auto extra_from = c.headers;
    extra_from.insert(extra_from.begin(), Header{"From", " evil@attacker.example"});
    expect_rejected(wire_message(sig, extra_from, c.body), k, "From prepended");

    const TestKey& other = keys()[&k == &keys()[0] ? 1 : 0];
    auto r = dkimpy_verify(wire_message(sig, c.headers, c.body), dns_name(), other.txt);
    EXPECT_FALSE(r.verified) << "wrong key in DNS\n" << r.log;
  }
}

TEST(DkimpyVerify, OversignedNameCannotBeAddedLater) {
  const TestKey& k = keys()[1];
  auto key = SigningKey::from_pem(k.pem).value();
  auto hs = basic_headers();  // no Reply-To
  SignParams p = params();
  auto plain = sign_message(hs, "x\r\n", key, p).value();
  p.oversigned_headers = {"from", "reply-to"};
  auto over = sign_message(hs, "x\r\n", key, p).value();
  auto added = hs;
  added.push_back({"Reply-To", " evil@attacker.example"});
  expect_verifies(wire_message(plain, added, "x\r\n"), k, "reply-to not oversigned");
  expect_rejected(wire_message(over, added, "x\r\n"), k, "reply-to oversigned");
  expect_verifies(wire_message(over, hs, "x\r\n"), k, "oversigned, untouched");
}

}  // namespace
}  // namespace ark::milter::dkim
