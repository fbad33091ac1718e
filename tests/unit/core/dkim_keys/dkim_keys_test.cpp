#include "core/dkim_keys/dkim_keys.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/crypto/crypto.h"

namespace ark::dkim_keys {
namespace {

// RFC 8463 Appendix A.1/A.2: the published keys and their published DNS p= values.
constexpr const char* kRfcEd25519Pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kRfcRsaPem =
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

TEST(DkimKeys, Rfc8463PublishedPublicKeys) {
  auto ed = public_key_from_private_pem(kRfcEd25519Pem);
  ASSERT_TRUE(ed.ok()) << ed.error().message;
  EXPECT_EQ(ed->type, KeyType::Ed25519);
  EXPECT_EQ(ed->p, "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  EXPECT_EQ(dns_txt_value(*ed), "k=ed25519;t=s;p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");

  auto rsa = public_key_from_private_pem(kRfcRsaPem);
  ASSERT_TRUE(rsa.ok()) << rsa.error().message;
  EXPECT_EQ(rsa->type, KeyType::Rsa);
  EXPECT_EQ(rsa->bits, 1024);
  EXPECT_EQ(rsa->p,
            "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jL"
            "QiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9"
            "PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB");
  EXPECT_EQ(dns_txt_value(*rsa).rfind("k=rsa;t=s;p=MIGfMA0G", 0), 0u);
}

TEST(DkimKeys, GeneratedRsaKeyIs2048AndPublicKeyMatches) {
  auto pem = generate_private_key_pem(KeyType::Rsa);
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  auto pub = public_key_from_private_pem(*pem);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->type, KeyType::Rsa);
  EXPECT_EQ(pub->bits, 2048);
  EXPECT_EQ(pub->p.rfind("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 0), 0u);  // SPKI header

  // p= parses as a SubjectPublicKeyInfo equal to the private key's public half.
  std::string der = crypto::base64_decode(pub->p).value();
  auto* d = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* from_dns = d2i_PUBKEY(nullptr, &d, static_cast<long>(der.size()));
  ASSERT_NE(from_dns, nullptr);
  BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  EVP_PKEY* priv = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(from_dns, priv), 1);
  EVP_PKEY_free(priv);
  BIO_free(bio);
  EVP_PKEY_free(from_dns);
}

TEST(DkimKeys, GeneratedEd25519KeyHasRaw32BytePublicKey) {
  auto pem = generate_private_key_pem(KeyType::Ed25519).value();
  auto pub = public_key_from_private_pem(pem).value();
  EXPECT_EQ(pub.type, KeyType::Ed25519);
  EXPECT_EQ(crypto::base64_decode(pub.p).value().size(), 32u);
  EXPECT_NE(pub.p, public_key_from_private_pem(generate_private_key_pem(KeyType::Ed25519).value())
                       .value()
                       .p);  // fresh randomness each time
}

TEST(DkimKeys, BadPemIsInvalid) {
  EXPECT_EQ(public_key_from_private_pem("junk").error().kind, base::ErrorKind::Invalid);
  // An EC P-256 key parses but is no DKIM key type.
  constexpr const char* ec =
      "-----BEGIN PRIVATE KEY-----\n"
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/z4ag7UuCO9L4H3B\n"
      "+ly785YoNyBdgGbQBs6ERv/TKrGhRANCAATOGQwvPjdCdiFf3HRMA/mQOMLKgi6+\n"
      "fVEOhJzUlx3Gq5zF0ytyGcN+T4BxmGBlx/p5UUwiu0soFbb7mYcZG6AL\n"
      "-----END PRIVATE KEY-----\n";
  auto r = public_key_from_private_pem(ec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("neither"), std::string::npos) << r.error().message;
}

TEST(DkimKeys, ParseKeyType) {
  EXPECT_EQ(parse_key_type("rsa").value(), KeyType::Rsa);
  EXPECT_EQ(parse_key_type("ED25519").value(), KeyType::Ed25519);
  EXPECT_FALSE(parse_key_type("dsa").ok());
  EXPECT_FALSE(parse_key_type("").ok());
}

TEST(DkimKeys, SplitTxtStrings) {
  std::string v(600, 'a');
  v[255] = 'b';
  auto parts = split_txt_strings(v);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].size(), 255u);
  EXPECT_EQ(parts[1].size(), 255u);
  EXPECT_EQ(parts[2].size(), 90u);
  EXPECT_EQ(parts[1][0], 'b');
  EXPECT_EQ(parts[0] + parts[1] + parts[2], v);
  EXPECT_EQ(split_txt_strings(std::string(255, 'x')).size(), 1u);
  EXPECT_EQ(split_txt_strings(std::string(256, 'x')).size(), 2u);
  EXPECT_EQ(split_txt_strings(""), std::vector<std::string>{""});
}

TEST(DkimKeys, ZoneFileRdataQuotesAndEscapes) {
  EXPECT_EQ(zone_file_rdata("k=rsa;p=AB"), "\"k=rsa;p=AB\"");
  EXPECT_EQ(zone_file_rdata("a\"b\\c"), "\"a\\\"b\\\\c\"");
  std::string v = "k=rsa;t=s;p=" + std::string(400, 'Q');
  std::string rdata = zone_file_rdata(v);
  EXPECT_EQ(rdata, "\"" + v.substr(0, 255) + "\" \"" + v.substr(255) + "\"");
}

TEST(DkimKeys, GeneratedRsaRecordNeedsTwoStrings) {
  auto pub = public_key_from_private_pem(generate_private_key_pem(KeyType::Rsa).value()).value();
  std::string txt = dns_txt_value(pub);
  EXPECT_GT(txt.size(), 255u);
  EXPECT_EQ(split_txt_strings(txt).size(), 2u);
}

}  // namespace
}  // namespace ark::dkim_keys
