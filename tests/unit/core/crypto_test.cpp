#include <gtest/gtest.h>

#include "core/crypto/crypto.h"
#include "core/domain/ids.h"

namespace ark::crypto {
namespace {

TEST(Crypto, Sha256KnownVector) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacKnownVector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64RoundTripAndStrictness) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(base64_decode(base64_encode(s)).value(), s);
    EXPECT_EQ(base64url_decode(base64url_encode(s)).value(), s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(base64_decode("Zm9v!mFy").ok());
  EXPECT_FALSE(base64_decode("Zm9").ok());
}

TEST(Crypto, PasswordHashVerifies) {
  std::string h = hash_password("s3cret", 1000);
  EXPECT_TRUE(verify_password("s3cret", h));
  EXPECT_FALSE(verify_password("s3cret!", h));
  EXPECT_FALSE(verify_password("s3cret", "pbkdf2-sha256$x$y$z"));
  EXPECT_NE(h, hash_password("s3cret", 1000));  // salted
}

TEST(Ids, Shapes) {
  std::string t = domain::new_tenant_id();
  EXPECT_EQ(t.size(), 15u);
  EXPECT_EQ(t.substr(0, 2), "cm");
  EXPECT_EQ(domain::new_request_id().substr(0, 4), "req_");
  EXPECT_EQ(domain::new_request_id().size(), 20u);
  EXPECT_NE(domain::new_email_id(), domain::new_email_id());
}

}  // namespace
}  // namespace ark::crypto
