// WebhookSigner, checked against the openssl command-line tool: signatures verify with
// `openssl dgst -sha256 -verify`, equal the CLI's own PKCS#1 v1.5 signature, the kid is the
// SHA-256 of the DER public key, and the JWKS n/e are the key's modulus and exponent.
#include "admind/events/signer.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "core/crypto/crypto.h"
#include "test_support.h"

namespace ark::events {
namespace {

using testing::read_file;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;
using testing::write_file;

// A body with the bytes receivers trip over: UTF-8, escapes, a newline, trailing space.
const std::string kBody =
    "{\"event\":\"MessageSent\",\"timestamp\":1704672000.123456,\"uuid\":\"5b0c\","
    "\"payload\":{\"subject\":\"Gr\xc3\xbc\xc3\x9f"
    "e \\\"hi\\\"\"}}\n ";

class SignerTest : public ::testing::Test {
 protected:
  // Two RSA keys made by the openssl CLI, shared by the suite (key generation is slow).
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    for (const char* name : {"a", "b"}) {
      auto r = run_command("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
                           path(std::string(name) + ".key"));
      ASSERT_EQ(r.exit_code, 0) << r.output;
      r = run_command("openssl pkey -in " + path(std::string(name) + ".key") + " -pubout -out " +
                      path(std::string(name) + ".pub"));
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string path(const std::string& name) { return shell_quote((*dir_ / name).string()); }
  static std::string file(const std::string& name) { return read_file(*dir_ / name); }
  static SigningKey key(const std::string& name) {
    auto k = SigningKey::from_private_pem(file(name + ".key"));
    EXPECT_TRUE(k.ok()) << k.error().message;
    return *k;
  }

  static TempDir* dir_;
};
TempDir* SignerTest::dir_ = nullptr;

TEST_F(SignerTest, SignatureVerifiesWithOpensslDgst) {
  auto signer = WebhookSigner::create(key("a"), {});
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  auto sig = signer->sign(kBody);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  TempDir work;
  write_file(work / "body", kBody);
  write_file(work / "sig.b64", sig->base64);
  std::string sig_bin = shell_quote((work / "sig.bin").string());
  auto decoded = run_command("openssl base64 -d -A -in " +
                             shell_quote((work / "sig.b64").string()) + " -out " + sig_bin);
  ASSERT_EQ(decoded.exit_code, 0) << decoded.output;

  auto verify = run_command("openssl dgst -sha256 -verify " + path("a.pub") + " -signature " +
                            sig_bin + " " + shell_quote((work / "body").string()));
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("Verified OK"), std::string::npos) << verify.output;

  write_file(work / "body", kBody + "x");  // one byte more: must fail
  auto tampered = run_command("openssl dgst -sha256 -verify " + path("a.pub") + " -signature " +
                              sig_bin + " " + shell_quote((work / "body").string()));
  EXPECT_NE(tampered.exit_code, 0) << tampered.output;

  auto other_key = run_command("openssl dgst -sha256 -verify " + path("b.pub") + " -signature " +
                               sig_bin + " " + shell_quote((work / "body").string()));
  EXPECT_NE(other_key.exit_code, 0) << other_key.output;
}

TEST_F(SignerTest, SignatureIsTheSameBytesAsOpensslPkcs1v15) {
  auto sig = key("a").sign(kBody);
  ASSERT_TRUE(sig.ok());
  TempDir work;
  write_file(work / "body", kBody);
  auto cli = run_command("openssl dgst -sha256 -sign " + path("a.key") + " -out " +
                         shell_quote((work / "cli.sig").string()) + " " +
                         shell_quote((work / "body").string()));
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(crypto::base64_encode(read_file(work / "cli.sig")), sig->base64);
  EXPECT_EQ(sig->base64.size(), 344u);  // 256 bytes, standard base64 with padding
}

TEST_F(SignerTest, KidIsSha256OfTheDerPublicKey) {
  auto r = run_command("openssl pkey -pubin -in " + path("a.pub") +
                       " -outform DER | openssl dgst -sha256 -r");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string expected = r.output.substr(0, 64);
  SigningKey k = key("a");
  EXPECT_EQ(k.kid(), expected);
  auto sig = k.sign("x");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->kid, expected);
  auto pub = SigningKey::from_public_pem(file("a.pub"));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->kid(), expected);  // the same key id from either half
}

std::string upper_hex(const std::string& bytes) {
  std::string h = crypto::hex(bytes);
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::toupper(c); });
  return h;
}

TEST_F(SignerTest, JwksCarriesTheKeysModulusAndExponent) {
  auto signer = WebhookSigner::create(key("a"), {});
  ASSERT_TRUE(signer.ok());
  Poco::JSON::Parser parser;
  auto doc = parser.parse(signer->jwks_json()).extract<Poco::JSON::Object::Ptr>();
  auto keys = doc->getArray("keys");
  ASSERT_EQ(keys->size(), 1u);
  auto jwk = keys->getObject(0);
  EXPECT_EQ(jwk->getValue<std::string>("kty"), "RSA");
  EXPECT_EQ(jwk->getValue<std::string>("alg"), "RS256");
  EXPECT_EQ(jwk->getValue<std::string>("use"), "sig");
  EXPECT_EQ(jwk->getValue<std::string>("kid"), signer->active_kid());

  std::string n64 = jwk->getValue<std::string>("n");
  EXPECT_EQ(n64.find_first_of("+/="), std::string::npos) << "n must be unpadded base64url";
  auto n = crypto::base64url_decode(n64);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->size(), 256u);
  EXPECT_NE(static_cast<unsigned char>((*n)[0]), 0u) << "no leading zero byte";
  auto modulus = run_command("openssl rsa -pubin -in " + path("a.pub") + " -noout -modulus");
  ASSERT_EQ(modulus.exit_code, 0) << modulus.output;
  EXPECT_EQ("Modulus=" + upper_hex(*n) + "\n", modulus.output);

  auto e = crypto::base64url_decode(jwk->getValue<std::string>("e"));
  ASSERT_TRUE(e.ok());
  auto text = run_command("openssl rsa -pubin -in " + path("a.pub") + " -noout -text");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  std::string exponent_hex = crypto::hex(*e);
  exponent_hex.erase(0, std::min(exponent_hex.find_first_not_of('0'), exponent_hex.size()));
  EXPECT_NE(text.output.find("(0x" + exponent_hex + ")"), std::string::npos)
      << "e=" << exponent_hex << "\n"
      << text.output;
}

TEST_F(SignerTest, RotationPublishesRetiredKeysAndSignsWithTheActiveOne) {
  auto retired = SigningKey::from_public_pem(file("a.pub"));
  ASSERT_TRUE(retired.ok());
  auto signer = WebhookSigner::create(key("b"), {*retired, *retired, key("b")});
  ASSERT_TRUE(signer.ok());
  Poco::JSON::Parser parser;
  auto keys =
      parser.parse(signer->jwks_json()).extract<Poco::JSON::Object::Ptr>()->getArray("keys");
  ASSERT_EQ(keys->size(), 2u);  // duplicates and the active key are listed once
  EXPECT_EQ(keys->getObject(0)->getValue<std::string>("kid"), key("b").kid());
  EXPECT_EQ(keys->getObject(1)->getValue<std::string>("kid"), key("a").kid());
  auto sig = signer->sign(kBody);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->kid, key("b").kid());
}

TEST_F(SignerTest, RefusesUnusableKeys) {
  TempDir work;
  auto small = run_command("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out " +
                           shell_quote((work / "small.key").string()));
  ASSERT_EQ(small.exit_code, 0) << small.output;
  auto ec = run_command("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                        shell_quote((work / "ec.key").string()));
  ASSERT_EQ(ec.exit_code, 0) << ec.output;

  auto k1 = SigningKey::from_private_pem(read_file(work / "small.key"));
  ASSERT_FALSE(k1.ok());
  EXPECT_NE(k1.error().message.find("2048"), std::string::npos);
  auto k2 = SigningKey::from_private_pem(read_file(work / "ec.key"));
  ASSERT_FALSE(k2.ok());
  EXPECT_NE(k2.error().message.find("RSA"), std::string::npos);
  EXPECT_FALSE(SigningKey::from_private_pem("not a key").ok());
  EXPECT_FALSE(SigningKey::from_private_pem(file("a.pub")).ok());

  auto pub = SigningKey::from_public_pem(file("a.pub"));
  ASSERT_TRUE(pub.ok());
  EXPECT_FALSE(pub->sign("x").ok());
  EXPECT_FALSE(WebhookSigner::create(*pub, {}).ok());
}

TEST_F(SignerTest, GeneratedKeysWorkWithTheCli) {
  auto pem = SigningKey::generate_private_pem(2048);
  ASSERT_TRUE(pem.ok()) << pem.error().message;
  auto k = SigningKey::from_private_pem(*pem);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->bits(), 2048);
  TempDir work;
  write_file(work / "pub.pem", k->public_pem());
  write_file(work / "body", kBody);
  auto sig = k->sign(kBody);
  ASSERT_TRUE(sig.ok());
  auto raw = crypto::base64_decode(sig->base64);
  ASSERT_TRUE(raw.ok());
  write_file(work / "sig.bin", *raw);
  auto verify = run_command(
      "openssl dgst -sha256 -verify " + shell_quote((work / "pub.pem").string()) + " -signature " +
      shell_quote((work / "sig.bin").string()) + " " + shell_quote((work / "body").string()));
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

}  // namespace
}  // namespace ark::events
