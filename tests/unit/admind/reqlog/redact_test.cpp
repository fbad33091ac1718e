#include "admind/reqlog/redact.h"

#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

namespace ark::admind::reqlog {
namespace {

TEST(Redact, SecretMembersAtAnyDepthAnyCase) {
  std::string in =
      R"({"success":true,"data":{"id":7,"name":"prod","key":"cred_abcdef","smtpUsername":)"
      R"("cm1/cred_abcdef","nested":[{"Secret":"s3"},{"PASSWORD":"pw","keep":"yes"}]}})";
  std::string out = redact_body(in);
  EXPECT_EQ(out.find("cred_abcdef"), std::string::npos) << out;
  EXPECT_EQ(out.find("s3"), std::string::npos) << out;
  EXPECT_EQ(out.find("\"pw\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"keep\":\"yes\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"name\":\"prod\""), std::string::npos) << out;
  // member order survives, so the stored body reads like the original
  EXPECT_LT(out.find("\"success\""), out.find("\"data\""));
  EXPECT_NE(out.find("\"key\":\"[REDACTED]\""), std::string::npos) << out;
}

TEST(Redact, NullSecretsStayNull) {
  EXPECT_EQ(redact_body(R"({"key":null})"), R"({"key":null})");
}

TEST(Redact, NonJsonTextIsScrubbedTextually) {
  std::string in = R"({"name":"x","key" : "cred_leak", broken)";
  std::string out = redact_body(in);
  EXPECT_EQ(out.find("cred_leak"), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED]"), std::string::npos);
  EXPECT_EQ(redact_body("tenant_id,sent\ncm1,3\n"), "tenant_id,sent\ncm1,3\n");
}

TEST(Redact, SimilarNamesAreKept) {
  std::string out = redact_body(R"({"keyPrefix":"ark_live","idempotencyKey":"abc"})");
  EXPECT_NE(out.find("ark_live"), std::string::npos);
  EXPECT_NE(out.find("abc"), std::string::npos);
}

TEST(Truncate, CutsAt25KBOnACharacterBoundary) {
  std::string small(100, 'a');
  EXPECT_EQ(truncate_body(small), small);
  std::string big(kMaxStoredBody - 1, 'a');
  big += "\xC3\xA9\xC3\xA9";  // é é: the cut would fall inside the first one
  std::string cut = truncate_body(big);
  EXPECT_EQ(cut, std::string(kMaxStoredBody - 1, 'a') + std::string(kTruncatedMarker));
}

TEST(PrepareBody, EmptyIsNoBodyAndSizeIsTheOriginal) {
  StoredBody none = prepare_body("");
  EXPECT_FALSE(none.text);
  EXPECT_FALSE(none.size);
  std::string json = R"({"key":"cred_x"})";
  StoredBody b = prepare_body(json);
  EXPECT_EQ(*b.size, static_cast<int64_t>(json.size()));
  EXPECT_EQ(*b.text, R"({"key":"[REDACTED]"})");
}

TEST(BodyValue, JsonComesBackAsJsonTruncatedAsString) {
  auto v = body_value(R"({"a":1})");
  ASSERT_EQ(v.type(), typeid(Poco::JSON::Object::Ptr));
  EXPECT_EQ(v.extract<Poco::JSON::Object::Ptr>()->getValue<int>("a"), 1);
  std::string cut = std::string("{\"a\":") + std::string(kTruncatedMarker);
  EXPECT_TRUE(body_value(cut).isString());
  EXPECT_EQ(body_value("plain text").toString(), "plain text");
}

}  // namespace
}  // namespace ark::admind::reqlog
