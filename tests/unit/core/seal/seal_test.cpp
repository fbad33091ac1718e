#include "core/seal/seal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/crypto/crypto.h"

namespace ark::seal {
namespace {

// The ciphertext||tag part of a sealed value, hex.
std::string body_hex(const std::string& sealed) {
  return crypto::hex(crypto::base64_decode(sealed.substr(sealed.rfind(':') + 1)).value());
}

std::string counting(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += static_cast<char>(i);
  }
  return s;
}

TEST(Seal, KnownAnswersAesGcm) {
  // McGrew & Viega GCM test cases 13 and 14 (AES-256, zero key, zero IV).
  SealKey zero = SealKey::from_bytes(std::string(32, '\0')).value();
  std::string iv(12, '\0');
  EXPECT_EQ(body_hex(seal_with_nonce_for_test(zero, "", iv, "")),
            "530f8afbc74536b9a963b4f1c4cb738b");
  EXPECT_EQ(body_hex(seal_with_nonce_for_test(zero, std::string(16, '\0'), iv, "")),
            "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
  // With a context (AAD); value computed with python3-cryptography's AESGCM.
  SealKey k = SealKey::from_bytes(counting(32)).value();
  std::string sealed = seal_with_nonce_for_test(k, "dkim private key", counting(12), "ctx");
  EXPECT_EQ(body_hex(sealed), "2369bf76e595b072fb20e3ee91821d14263ebd859ddff4d30b09360753abbbaf");
  EXPECT_EQ(sealed.rfind("v1:AAECAwQFBgcICQoL:", 0), 0u);
  EXPECT_EQ(unseal(k, sealed, "ctx").value(), "dkim private key");
}

TEST(Seal, RoundTripsAnyBytesWithFreshNonces) {
  SealKey k = SealKey::generate();
  for (std::string p : {std::string(), std::string("x"), counting(255), std::string(10000, 'z')}) {
    std::string a = seal(k, p, "tenant:1");
    std::string b = seal(k, p, "tenant:1");
    EXPECT_NE(a, b);
    EXPECT_TRUE(looks_sealed(a));
    EXPECT_EQ(unseal(k, a, "tenant:1").value(), p);
    EXPECT_EQ(unseal(k, b, "tenant:1").value(), p);
  }
}

TEST(Seal, WrongKeyContextOrTamperingIsAnErrorValue) {
  SealKey k = SealKey::generate();
  SealKey other = SealKey::generate();
  std::string s = seal(k, "secret", "dkim:42");
  EXPECT_EQ(unseal(other, s, "dkim:42").error().kind, base::ErrorKind::Permanent);
  EXPECT_EQ(unseal(k, s, "dkim:43").error().kind, base::ErrorKind::Permanent);
  EXPECT_EQ(unseal(k, s).error().kind, base::ErrorKind::Permanent);

  std::string body = crypto::base64_decode(s.substr(s.rfind(':') + 1)).value();
  for (size_t i : {size_t{0}, body.size() - 1}) {  // first ciphertext byte, last tag byte
    std::string t = body;
    t[i] ^= 1;
    std::string tampered = s.substr(0, s.rfind(':') + 1) + crypto::base64_encode(t);
    EXPECT_EQ(unseal(k, tampered, "dkim:42").error().kind, base::ErrorKind::Permanent) << i;
  }
}

TEST(Seal, MalformedInputIsInvalid) {
  SealKey k = SealKey::generate();
  std::string good = seal(k, "x");
  std::string nonce = good.substr(3, good.rfind(':') - 3);
  for (std::string bad : {std::string(""), std::string("plain"), "v2:" + good.substr(3),
                          std::string("v1:") + nonce, "v1:" + nonce + ":!!!",
                          "v1:AAAA:" + good.substr(good.rfind(':') + 1), "v1:" + nonce + ":AAAA"}) {
    auto r = unseal(k, bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, base::ErrorKind::Invalid) << bad;
  }
  EXPECT_FALSE(looks_sealed("plain"));
  EXPECT_FALSE(SealKey::from_bytes("short").ok());
}

class SealKeyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ark-seal-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content, mode_t mode) {
    std::string p = dir_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    chmod(p.c_str(), mode);
    return p;
  }
  std::string dir_;
};

TEST_F(SealKeyFile, Base64WithNewlineAndRawBytesBothLoad) {
  SealKey k = SealKey::generate();
  auto from_b64 = SealKey::load_file(write("b64", k.to_base64() + "\n", 0600));
  ASSERT_TRUE(from_b64.ok()) << from_b64.error().message;
  EXPECT_EQ(from_b64->to_base64(), k.to_base64());
  std::string raw = counting(32);
  auto from_raw = SealKey::load_file(write("raw", raw, 0640));
  ASSERT_TRUE(from_raw.ok()) << from_raw.error().message;
  EXPECT_EQ(from_raw->to_base64(), crypto::base64_encode(raw));
  // The loaded key unseals what the original sealed.
  EXPECT_EQ(unseal(*from_b64, seal(k, "v")).value(), "v");
}

TEST_F(SealKeyFile, BadFilesAreRejected) {
  EXPECT_EQ(SealKey::load_file(dir_ + "/missing").error().kind, base::ErrorKind::NotFound);
  EXPECT_EQ(SealKey::load_file(write("short", "c2hvcnQ=\n", 0600)).error().kind,
            base::ErrorKind::Invalid);
  EXPECT_EQ(SealKey::load_file(write("junk", std::string(40, '!'), 0600)).error().kind,
            base::ErrorKind::Invalid);
  auto open = SealKey::load_file(write("open", SealKey::generate().to_base64(), 0644));
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.error().message.find("other users"), std::string::npos);
}

}  // namespace
}  // namespace ark::seal
