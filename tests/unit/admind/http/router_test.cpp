#include <gtest/gtest.h>

#include "admind/http/router.h"

namespace ark::admind::http {
namespace {

Router make_router() {
  Router r;
  auto h = [](Request&) -> Outcome { return Reply::ok(1); };
  r.add("GET", "/v1/emails/{emailId}", "emails.get", h);
  r.add("POST", "/v1/emails/batch", "emails.send_batch", h);
  r.add("GET", "/v1/platform/webhooks/{webhookId}", "platform.webhooks.get", h);
  r.add("GET", "/v1/platform/webhooks/deliveries", "platform.webhooks.list_deliveries", h);
  r.add("GET", "/v1/tenants/{tenantId}/suppressions/{email}", "tenants.suppressions.get", h);
  return r;
}

TEST(Router, LiteralBeatsCapture) {
  Router r = make_router();
  std::map<std::string, std::string> p;
  EXPECT_EQ(r.match("GET", "/v1/platform/webhooks/deliveries", &p).name,
            "platform.webhooks.list_deliveries");
  EXPECT_EQ(r.match("GET", "/v1/platform/webhooks/pwh_1", &p).name, "platform.webhooks.get");
  EXPECT_EQ(p["webhookId"], "pwh_1");
}

TEST(Router, MethodMismatchIsKnownPath) {
  Router r = make_router();
  std::map<std::string, std::string> p;
  auto m = r.match("DELETE", "/v1/emails/abc", &p);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.path_known);
  auto none = r.match("GET", "/v1/nothing", &p);
  EXPECT_EQ(none.handler, nullptr);
  EXPECT_FALSE(none.path_known);
}

TEST(Router, PercentDecodesSegmentsAndKeepsPlus) {
  Router r = make_router();
  std::map<std::string, std::string> p;
  ASSERT_NE(r.match("GET", "/v1/tenants/cm1/suppressions/a%2Bb%40x.com", &p).handler, nullptr);
  EXPECT_EQ(p["email"], "a+b@x.com");
  ASSERT_NE(r.match("GET", "/v1/tenants/cm1/suppressions/a+b@x.com", &p).handler, nullptr);
  EXPECT_EQ(p["email"], "a+b@x.com");
  EXPECT_EQ(r.match("GET", "/v1/tenants/cm1/suppressions/bad%4", &p).handler, nullptr);
}

}  // namespace
}  // namespace ark::admind::http
