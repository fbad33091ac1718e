#include "admind/api/idempotency.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace ark::admind::api {
namespace {

TEST(IdempotencyKey, FormatOfTheSpec) {
  for (const char* ok : {"a", "order-123_confirmation.v2~x", "ABCdef0189"}) {
    EXPECT_TRUE(valid_idempotency_key(ok)) << ok;
  }
  EXPECT_TRUE(valid_idempotency_key(std::string(255, 'k')));
  for (const std::string& bad : {std::string(), std::string(256, 'k'), std::string("has space"),
                                 std::string("slash/"), std::string("colon:"), std::string("é")}) {
    EXPECT_FALSE(valid_idempotency_key(bad)) << bad;
  }
}

http::Request with_body(const std::string& method, const std::string& path,
                        const std::string& json) {
  http::Request r;
  r.method = method;
  r.path = path;
  r.raw_body = json;
  if (!json.empty()) {
    r.body = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  }
  return r;
}

TEST(Fingerprint, CanonicalBodyIgnoresMemberOrderAndSpacing) {
  auto a = with_body("POST", "/v1/emails", R"({"to":["a@x.test"],"from":"f@x.test"})");
  auto b = with_body("POST", "/v1/emails", R"({ "from" : "f@x.test", "to" : [ "a@x.test" ] })");
  EXPECT_EQ(request_fingerprint(a), request_fingerprint(b));
  EXPECT_EQ(request_fingerprint(a).size(), 64u);
}

TEST(Fingerprint, MethodPathAndValuesMatter) {
  auto base = with_body("POST", "/v1/emails", R"({"to":["a@x.test"]})");
  EXPECT_NE(request_fingerprint(base),
            request_fingerprint(with_body("POST", "/v1/emails/batch", R"({"to":["a@x.test"]})")));
  EXPECT_NE(request_fingerprint(base),
            request_fingerprint(with_body("POST", "/v1/emails", R"({"to":["b@x.test"]})")));
  EXPECT_NE(request_fingerprint(base),
            request_fingerprint(with_body("POST", "/v1/emails", R"({"to":["a@x.test"],"x":1})")));
  EXPECT_NE(request_fingerprint(with_body("POST", "/v1/emails", "")),
            request_fingerprint(with_body("POST", "/v1/emails", "{}")));
}

}  // namespace
}  // namespace ark::admind::api
