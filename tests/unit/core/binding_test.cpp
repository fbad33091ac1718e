#include <gtest/gtest.h>

#include "core/mail/binding.h"

namespace ark::mail {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr int64_t kNow = 1800000000;

std::string header() { return sign_binding({"msgABC123", "cmtenant00001", kNow}, kSecret); }

TEST(Binding, SignedHeaderVerifies) {
  auto b = verify_binding(header(), kSecret, kNow + 5, 600);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->message_id, "msgABC123");
  EXPECT_EQ(b->tenant_id, "cmtenant00001");
  EXPECT_EQ(b->timestamp, kNow);
}

TEST(Binding, SignatureIsDeterministic) {
  // Same inputs, same bytes: HMAC with no randomness.
  EXPECT_EQ(header(), header());
  EXPECT_EQ(header().rfind("v1; m=msgABC123; t=cmtenant00001; ts=1800000000; s=", 0), 0u);
}

TEST(Binding, WrongSecretFails) {
  auto b = verify_binding(header(), "another-secret-another-secret!!", kNow, 600);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, base::ErrorKind::Invalid);
}

struct Tamper {
  const char* name;
  std::string from;
  std::string to;
};

class BindingTamper : public ::testing::TestWithParam<Tamper> {};

TEST_P(BindingTamper, IsRejected) {
  std::string h = header();
  size_t at = h.find(GetParam().from);
  ASSERT_NE(at, std::string::npos);
  h.replace(at, GetParam().from.size(), GetParam().to);
  EXPECT_FALSE(verify_binding(h, kSecret, kNow, 600).ok()) << h;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BindingTamper,
    ::testing::Values(Tamper{"other_message", "m=msgABC123", "m=msgABC124"},
                      Tamper{"other_tenant", "t=cmtenant00001", "t=cmtenant00002"},
                      Tamper{"other_time", "ts=1800000000", "ts=1800000001"},
                      Tamper{"version", "v1;", "v2;"},
                      Tamper{"bad_id_chars", "m=msgABC123", "m=msg|ABC"},
                      Tamper{"missing_sig", "; s=", "; x="},
                      Tamper{"duplicate_field", "t=cmtenant00001", "m=msgABC123"}),
    [](const auto& tc) { return std::string(tc.param.name); });

TEST(Binding, ExpiredAndFutureAreRefused) {
  auto old = verify_binding(header(), kSecret, kNow + 601, 600);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().kind, base::ErrorKind::Permanent);
  EXPECT_FALSE(verify_binding(header(), kSecret, kNow - 61, 600).ok());
  EXPECT_TRUE(verify_binding(header(), kSecret, kNow + 600, 600).ok());
}

TEST(Binding, GarbageIsInvalidNotACrash) {
  for (std::string_view g : {"", ";;;;", "v1", "v1; m=; t=; ts=; s=", "v1; m=a; t=b; ts=x; s=y",
                             "v1; m=a; t=b; ts=99999999999999999999; s=y"}) {
    EXPECT_FALSE(verify_binding(g, kSecret, kNow, 600).ok()) << g;
  }
}

}  // namespace
}  // namespace ark::mail
