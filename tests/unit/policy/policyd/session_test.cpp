// Session behaviour the transcripts do not pin: request bookkeeping and failure flags.
#include "policy/policyd/session.h"

#include <gtest/gtest.h>

#include "core/crypto/crypto.h"
#include "tests/unit/policy/policyd/fakes.h"

namespace ark::policyd {
namespace {

std::string plain(const std::string& user, const std::string& pass) {
  return crypto::base64_encode(std::string("\0", 1) + user + std::string("\0", 1) + pass);
}

class SessionTest : public ::testing::Test {
 protected:
  SessionOutput line(const std::string& l) { return session_.on_line(l); }
  std::string auth(int id, const std::string& mech, const std::string& extra = "") {
    return "AUTH\t" + std::to_string(id) + "\t" + mech + "\tservice=smtp\trip=10.0.0.1\tsecured" +
           extra;
  }

  testing::FakeCredentialStore store_;
  testing::FakeClock clock_;
  Throttle throttle_{{5, 60000, 100}, clock_};
  Authenticator auth_{store_, throttle_, AuthSettings{true}};
  Session session_{auth_, {1, 1, "00"}};
};

TEST_F(SessionTest, FailureIsFlaggedForTheDelay) {
  line("VERSION\t1\t0");
  SessionOutput bad = line(auth(1, "PLAIN", "\tresp=" + plain("cmtenant0000001/app", "x")));
  EXPECT_TRUE(bad.failed);
  EXPECT_FALSE(bad.close);
  SessionOutput good =
      line(auth(2, "PLAIN", "\tresp=" + plain("cmtenant0000001/app", "cred_good")));
  EXPECT_FALSE(good.failed);
  ASSERT_EQ(good.lines.size(), 1u);
  EXPECT_EQ(good.lines[0], "OK\t2\tuser=cmtenant0000001/app");
  EXPECT_EQ(store_.touched, std::vector<int64_t>{1});
}

TEST_F(SessionTest, ARequestIdCannotBeOpenTwice) {
  line("VERSION\t1\t0");
  EXPECT_EQ(line(auth(9, "LOGIN")).lines.at(0), "CONT\t9\tVXNlcm5hbWU6");
  EXPECT_EQ(line(auth(9, "PLAIN")).lines.at(0), "FAIL\t9\treason=request id in use");
  // The open LOGIN goes on normally.
  EXPECT_EQ(line("CONT\t9\t" + crypto::base64_encode("cmtenant0000001/app")).lines.at(0),
            "CONT\t9\tUGFzc3dvcmQ6");
  EXPECT_EQ(line("CONT\t9\t" + crypto::base64_encode("cred_good")).lines.at(0),
            "OK\t9\tuser=cmtenant0000001/app");
  EXPECT_TRUE(line("CONT\t9\tAAAA").lines.empty()) << "finished requests are forgotten";
}

TEST_F(SessionTest, TooManyOpenRequestsCloses) {
  line("VERSION\t1\t0");
  for (size_t i = 0; i < kMaxOpenRequests; ++i) {
    ASSERT_FALSE(line(auth(static_cast<int>(i), "LOGIN")).close);
  }
  EXPECT_TRUE(line(auth(100, "LOGIN")).close);
}

TEST_F(SessionTest, NoStoreLookupForRefusalsBeforeIt) {
  line("VERSION\t1\t0");
  line("AUTH\t1\tPLAIN\tservice=smtp\trip=10.0.0.1\tresp=" +
       plain("cmtenant0000001/app", "cred_good"));
  line(auth(2, "PLAIN", "\tresp=" + plain("no-slash", "cred_good")));
  EXPECT_EQ(store_.lookups, 0) << "unsecured and malformed logins never reach the database";
}

}  // namespace
}  // namespace ark::policyd
