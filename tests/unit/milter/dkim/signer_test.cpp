// Signer tests that need no external verifier: RFC 8463 Appendix A known answers (body
// hash, Ed25519 and RSA signatures over the published header block), the shape of the
// produced value, determinism and input errors.
#include "milter/dkim/signer.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "core/crypto/crypto.h"
#include "milter/dkim/body_hasher.h"

namespace ark::milter::dkim {
namespace {

// ---- RFC 8463 Appendix A (keys A.1, signed message A.3) ----

// PKCS#8 wrapping of the published Ed25519 seed: the fixed DER prefix of an Ed25519
// OneAsymmetricKey followed by the 32 seed bytes.
std::string rfc8463_ed25519_pem() {
  std::string seed = crypto::base64_decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=").value();
  const unsigned char prefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                  0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
  std::string der(reinterpret_cast<const char*>(prefix), sizeof(prefix));
  der += seed;
  return "-----BEGIN PRIVATE KEY-----\n" + crypto::base64_encode(der) +
         "\n-----END PRIVATE KEY-----\n";
}

constexpr const char* kRfc8463RsaPem =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\n"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\n"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
    "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\n"
    "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\n"
    "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\n"
    "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\n"
    "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\n"
    "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\n"
    "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\n"
    "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\n"
    "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\n"
    "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL\n"
    "-----END RSA PRIVATE KEY-----\n";

std::vector<Header> rfc8463_headers() {
  return {{"From", " Joe SixPack <joe@football.example.com>"},
          {"To", " Suzie Q <suzie@shopping.example.net>"},
          {"Subject", " Is dinner ready?"},
          {"Date", " Fri, 11 Jul 2003 21:00:37 -0700 (PDT)"},
          {"Message-ID", " <20030712040037.46341.5F8J@football.example.com>"}};
}

constexpr const char* kRfc8463Body =
    "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n\r\n";

// The published DKIM-Signature values with b= emptied, folded exactly as in A.3.
constexpr const char* kRfc8463Ed25519Unsigned =
    " v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=";
constexpr const char* kRfc8463RsaUnsigned =
    " v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
    " date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=";

HeaderSelection rfc8463_selection(const std::vector<Header>& hs) {
  // h=from:to:subject:date:message-id:from:subject:date — the last three match nothing,
  // so only the five present fields are hashed, in this order.
  return select_headers(hs, {"from", "to", "subject", "date", "message-id"}, {}).value();
}

TEST(Rfc8463, BodyHash) {
  EXPECT_EQ(crypto::base64_encode(relaxed_body_hash(kRfc8463Body)),
            "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
}

TEST(Rfc8463, Ed25519SignatureMatchesPublishedValue) {
  auto key = SigningKey::from_pem(rfc8463_ed25519_pem());
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->algorithm(), KeyAlgorithm::Ed25519);
  auto hs = rfc8463_headers();
  auto sig = key->sign_digest(signed_data_hash(rfc8463_selection(hs), kRfc8463Ed25519Unsigned));
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(
      crypto::base64_encode(*sig),
      "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==");
}

TEST(Rfc8463, RsaSignatureMatchesPublishedValue) {
  auto key = SigningKey::from_pem(kRfc8463RsaPem);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->algorithm(), KeyAlgorithm::Rsa);
  EXPECT_EQ(key->bits(), 1024);
  auto hs = rfc8463_headers();
  auto sig = key->sign_digest(signed_data_hash(rfc8463_selection(hs), kRfc8463RsaUnsigned));
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(crypto::base64_encode(*sig),
            "F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3DhCVlUrSjV4BwcVcOF6+FF3Zo9Rp"
            "o1tFOeS9mPYQTnGdaSGsgeefOsk2JzdA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FA"
            "DY+8=");
}

// Our complete output for the RFC 8463 message and Ed25519 key (both deterministic). Pinned
// on purpose: a change here changes every signature we emit, so update it deliberately,
// after dkim_test's dkimpy cases pass. dkimpy verified this exact value against the RFC's
// published public key when it was recorded.
TEST(Rfc8463, GoldenValueOfOurSignature) {
  auto key = SigningKey::from_pem(rfc8463_ed25519_pem()).value();
  SignParams p;
  p.domain = "football.example.com";
  p.selector = "brisbane";
  p.timestamp = 1528637909;
  auto v = sign_message(rfc8463_headers(), kRfc8463Body, key, p);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v,
            "v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
            "\td=football.example.com; s=brisbane; t=1528637909; h=from:from:to:\r\n"
            "\tsubject:date:message-id;\r\n"
            "\tbh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=mfDDvBtxjz74pRIryW5\r\n"
            "\tt1os/UN5+r+vt2xIw+MXzGkbRw7SkBin3xaNdUgP5qvG+BhbqZN9a6/SiAwmyljCNBw==");
}

// ---- shape of our own output ----

SignParams params() {
  SignParams p;
  p.domain = "football.example.com";
  p.selector = "ark-abc123";
  p.timestamp = 1700000000;
  return p;
}

// Parses "k=v; k=v" after unfolding (test-side, deliberately naive).
std::map<std::string, std::string> tags_of(const std::string& value) {
  std::string flat;
  for (char c : value) {
    if (c != '\r' && c != '\n' && c != '\t' && c != ' ') {
      flat += c;
    }
  }
  std::map<std::string, std::string> out;
  std::stringstream ss(flat);
  std::string item;
  while (std::getline(ss, item, ';')) {
    auto eq = item.find('=');
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

TEST(Signer, TagsAndOversignedFrom) {
  auto key = SigningKey::from_pem(rfc8463_ed25519_pem()).value();
  auto hs = rfc8463_headers();
  hs.push_back({"Cc", " a@x.test"});
  hs.push_back({"X-Unsigned", " nope"});
  auto v = sign_message(hs, kRfc8463Body, key, params());
  ASSERT_TRUE(v.ok()) << v.error().message;
  auto t = tags_of(*v);
  EXPECT_EQ(t["v"], "1");
  EXPECT_EQ(t["a"], "ed25519-sha256");
  EXPECT_EQ(t["c"], "relaxed/relaxed");
  EXPECT_EQ(t["d"], "football.example.com");
  EXPECT_EQ(t["s"], "ark-abc123");
  EXPECT_EQ(t["t"], "1700000000");
  EXPECT_EQ(t["h"], "from:from:to:cc:subject:date:message-id");
  EXPECT_EQ(t["bh"], "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
  EXPECT_EQ(crypto::base64_decode(t["b"]).value().size(), 64u);
  EXPECT_EQ(t.count("l"), 0u);
  EXPECT_EQ(v->rfind("b=") > v->rfind(';'), true) << "b= must be the last tag";
}

TEST(Signer, FoldedLinesStayWithin78Columns) {
  auto key = SigningKey::from_pem(kRfc8463RsaPem).value();
  std::vector<Header> hs = {{"From", " a@x.test"}};
  for (int i = 0; i < 12; ++i) {
    hs.push_back({"References", " <r" + std::to_string(i) + "@x.test>"});
  }
  for (const char* eol : {"\r\n", "\n"}) {
    SignParams p = params();
    p.eol = eol;
    auto v = sign_message(hs, "x\r\n", key, p);
    ASSERT_TRUE(v.ok());
    std::string full = "DKIM-Signature: " + *v;
    size_t start = 0;
    int lines = 0;
    while (start <= full.size()) {
      size_t end = full.find(eol, start);
      std::string line = full.substr(start, end == std::string::npos ? end : end - start);
      EXPECT_LE(line.size() + (lines > 0 ? 7 : 0), 78u) << line;  // a tab counts as 8
      EXPECT_EQ(lines == 0 || line[0] == '\t', true) << "continuation must start with WSP";
      ++lines;
      if (end == std::string::npos) {
        break;
      }
      start = end + std::string(eol).size();
    }
    EXPECT_GT(lines, 3);
    EXPECT_EQ(std::string(eol) == "\n", v->find('\r') == std::string::npos);
  }
}

TEST(Signer, DeterministicAndSensitiveToInput) {
  auto key = SigningKey::from_pem(rfc8463_ed25519_pem()).value();
  auto hs = rfc8463_headers();
  auto a = sign_message(hs, kRfc8463Body, key, params()).value();
  auto b = sign_message(hs, kRfc8463Body, key, params()).value();
  EXPECT_EQ(a, b);
  SignParams later = params();
  later.timestamp += 1;
  EXPECT_NE(tags_of(a)["b"], tags_of(sign_message(hs, kRfc8463Body, key, later).value())["b"]);
  hs[2].value = " Is dinner ready?!";
  EXPECT_NE(tags_of(a)["b"], tags_of(sign_message(hs, kRfc8463Body, key, params()).value())["b"]);
}

TEST(Signer, EolChoiceDoesNotChangeTheSignature) {
  // Relaxed canonicalization of the signature field turns a fold into one SP either way.
  auto key = SigningKey::from_pem(rfc8463_ed25519_pem()).value();
  SignParams lf = params();
  lf.eol = "\n";
  auto a = sign_message(rfc8463_headers(), kRfc8463Body, key, params()).value();
  auto b = sign_message(rfc8463_headers(), kRfc8463Body, key, lf).value();
  EXPECT_NE(a, b);
  EXPECT_EQ(tags_of(a)["b"], tags_of(b)["b"]);
}

TEST(Signer, ErrorsAreValues) {
  auto key = SigningKey::from_pem(rfc8463_ed25519_pem()).value();
  std::vector<Header> no_from = {{"To", " b@y.test"}};
  EXPECT_EQ(sign_message(no_from, "", key, params()).error().kind, base::ErrorKind::Invalid);
  for (const char* bad : {"", "a;b", "a b", "example.com.", "x\r\ny"}) {
    SignParams p = params();
    p.domain = bad;
    EXPECT_FALSE(sign_message(rfc8463_headers(), "", key, p).ok()) << bad;
    p = params();
    p.selector = bad;
    EXPECT_FALSE(sign_message(rfc8463_headers(), "", key, p).ok()) << bad;
  }
  EXPECT_FALSE(sign_with_body_hash(rfc8463_headers(), "short", key, params()).ok());
}

TEST(SigningKey, RejectsGarbageAndWeakKeys) {
  EXPECT_EQ(SigningKey::from_pem("not a key").error().kind, base::ErrorKind::Invalid);
  // A 512-bit RSA key: parses, but verifiers reject it, so we refuse to sign with it.
  constexpr const char* k512 =
      "-----BEGIN PRIVATE KEY-----\n"
      "MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAndm0nkl+cTF1wLCM\n"
      "T+Dy9eSNRe2k7R2nzR3DP9O/pjmWng/E2trTP6lKViWlocGsFO0WGuZbxUOehAU0\n"
      "iiX+9QIDAQABAkEAnOMRarVfL7/Z6k9O1eGdeZnUc+kzn9x2uB5ZvimGdP1+At+K\n"
      "QZOqpBkdZO6E248/xsoJNiVv4XAoaf6GCupQYQIhANB0/nYVlhw5mLBJMVERhiHX\n"
      "uuvLmWUpEQDoWPJb9tgNAiEAwdn8gDY10phFuVqylk6fLDCSrbv0qfXbUbI0cGTF\n"
      "4IkCID2AxzL/23IobCxW6/4HNZP2mmfHglKecy3ZX6TiDUphAiEAk9CZplYv4l60\n"
      "Q+sx5EUdQH/lSM7aeEL9sqT1MYLWFCkCIQCmIcCj/BKazdbfWVrVOlkYVVXgR2lQ\n"
      "pVGPn5YpdOazVg==\n"
      "-----END PRIVATE KEY-----\n";
  auto weak = SigningKey::from_pem(k512);
  ASSERT_FALSE(weak.ok());
  EXPECT_NE(weak.error().message.find("1024"), std::string::npos) << weak.error().message;
}

}  // namespace
}  // namespace ark::milter::dkim
