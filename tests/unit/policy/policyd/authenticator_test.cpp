// Authenticator and Throttle: the window, the memory bound, what counts as a failure.
#include "policy/policyd/authenticator.h"

#include <gtest/gtest.h>

#include "tests/unit/policy/policyd/fakes.h"

namespace ark::policyd {
namespace {

AuthRequest login(const std::string& user, const std::string& pass, const std::string& ip) {
  AuthRequest r;
  r.mechanism = "PLAIN";
  r.username = user;
  r.password = pass;
  r.client_ip = ip;
  r.secured = true;
  return r;
}

TEST(Throttle, BlocksAfterMaxFailuresUntilTheWindowPasses) {
  testing::FakeClock clock;
  Throttle t({2, 1000, 100}, clock);
  EXPECT_FALSE(t.blocked("a"));
  t.record_failure("a");
  EXPECT_FALSE(t.blocked("a"));
  t.record_failure("a");
  EXPECT_TRUE(t.blocked("a"));
  EXPECT_FALSE(t.blocked("b"));
  clock.advance_ms(999);
  EXPECT_TRUE(t.blocked("a"));
  clock.advance_ms(1);
  EXPECT_FALSE(t.blocked("a")) << "the window of the first failure has passed";
}

TEST(Throttle, ZeroDisables) {
  testing::FakeClock clock;
  Throttle t({0, 1000, 100}, clock);
  for (int i = 0; i < 50; ++i) {
    t.record_failure("a");
  }
  EXPECT_FALSE(t.blocked("a"));
  EXPECT_EQ(t.tracked_for_test(), 0u);
}

TEST(Throttle, MemoryIsBounded) {
  testing::FakeClock clock;
  Throttle t({5, 1000, 3}, clock);
  t.record_failure("a");
  t.record_failure("b");
  clock.advance_ms(2000);
  t.record_failure("c");
  t.record_failure("d");  // full: a and b expired and are dropped
  EXPECT_EQ(t.tracked_for_test(), 2u);
  t.record_failure("e");
  t.record_failure("f");  // full of live entries: everything is forgotten, then f counted
  EXPECT_EQ(t.tracked_for_test(), 1u);
}

TEST(Authenticator, OnlyWrongLoginsCount) {
  testing::FakeCredentialStore store;
  testing::FakeClock clock;
  Throttle t({2, 60000, 100}, clock);
  Authenticator auth(store, t, AuthSettings{true});
  for (int i = 0; i < 5; ++i) {
    AuthResult held = auth.authenticate(login("cmtenant0000001/held-app", "cred_held", "ip"));
    EXPECT_EQ(held.reason, "credential is on hold");
  }
  EXPECT_FALSE(t.blocked("ip")) << "a held credential's right key is no guessing";
  auth.authenticate(login("cmtenant0000001/app", "wrong1", "ip"));
  auth.authenticate(login("cmtenant0000001/app", "wrong2", "ip"));
  AuthResult r = auth.authenticate(login("cmtenant0000001/app", "cred_good", "ip"));
  EXPECT_EQ(r.kind, AuthResult::Kind::Fail);
  EXPECT_TRUE(r.temp);
  EXPECT_TRUE(store.touched.empty());
}

TEST(Authenticator, StoreOutageIsUnavailableAndNotCounted) {
  testing::FakeCredentialStore store;
  testing::FakeClock clock;
  Throttle t({1, 60000, 100}, clock);
  Authenticator auth(store, t, AuthSettings{true});
  EXPECT_EQ(auth.authenticate(login("cmtenant0000001/cred_down", "cred_down", "ip")).kind,
            AuthResult::Kind::Unavailable);
  EXPECT_FALSE(t.blocked("ip"));
}

TEST(Authenticator, TlsRequirementIsConfigurable) {
  testing::FakeCredentialStore store;
  testing::FakeClock clock;
  Throttle t({5, 60000, 100}, clock);
  AuthRequest plain = login("cmtenant0000001/app", "cred_good", "ip");
  plain.secured = false;
  EXPECT_EQ(Authenticator(store, t, AuthSettings{true}).authenticate(plain).reason,
            "TLS is required");
  AuthResult ok = Authenticator(store, t, AuthSettings{false}).authenticate(plain);
  EXPECT_EQ(ok.kind, AuthResult::Kind::Ok);
  EXPECT_EQ(ok.user, "cmtenant0000001/app");
}

}  // namespace
}  // namespace ark::policyd
