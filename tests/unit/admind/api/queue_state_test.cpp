#include "admind/api/queue_state.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <fstream>

namespace ark::admind::api {
namespace {

TEST(MaxAttempts, PostfixScheduleOfAppendixC5GivesEighteen) {
  EXPECT_EQ(max_attempts(RetrySchedule{}), 18);
}

TEST(MaxAttempts, FollowsTheSchedule) {
  // 10 s doubling up to 30 s within 10 min (the dev stack's main.cf): attempts at
  // 0, 10, 20, 40, 70, 100, ... 580 s.
  EXPECT_EQ(max_attempts({10, 30, 600}), 22);
  EXPECT_EQ(max_attempts({300, 300, 299}), 1);
  EXPECT_EQ(max_attempts({300, 300, 300}), 2);
}

TEST(RetryState, OnlyWhileQueued) {
  for (const char* done : {"sent", "hardfail", "held", "bounced"}) {
    EXPECT_FALSE(retry_state(done, 3, false, std::nullopt, {}, 0)) << done;
  }
  auto pending = retry_state("pending", 0, false, std::nullopt, {}, 0);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->attempt, 0);
  EXPECT_EQ(pending->max_attempts, 18);
  EXPECT_FALSE(pending->processing);
  EXPECT_FALSE(pending->next_retry_us);
}

TEST(RetryState, DeferredFileTimeIsTheNextAttempt) {
  int64_t now = 1700000000LL * 1000000;
  auto later = retry_state("softfail", 3, true, QueueEntry{QueueLocation::Deferred, now + 60000000},
                           {}, now);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->attempt, 3);
  EXPECT_TRUE(later->manual);
  EXPECT_EQ(*later->next_retry_us, now + 60000000);
  // A deferred file whose time has passed is due now: no next time.
  auto due =
      retry_state("softfail", 3, false, QueueEntry{QueueLocation::Deferred, now - 1}, {}, now);
  EXPECT_FALSE(due->next_retry_us);
  auto active = retry_state("softfail", 3, false, QueueEntry{QueueLocation::Active, now}, {}, now);
  EXPECT_TRUE(active->processing);
  EXPECT_FALSE(active->next_retry_us);
}

class QueueDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("ark-queue-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    for (const char* q : {"active", "incoming", "hold", "deferred/4", "deferred/B"}) {
      std::filesystem::create_directories(dir_ / q);
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void put(const std::string& rel, time_t mtime) {
    std::ofstream(dir_ / rel) << "x";
    struct utimbuf t {
      mtime, mtime
    };
    ASSERT_EQ(::utime((dir_ / rel).c_str(), &t), 0);
  }
  std::filesystem::path dir_;
};

TEST_F(QueueDirTest, FindsFilesInHashedAndFlatQueues) {
  put("deferred/B/4Xq7Lk2Bz8sN1", 1900000000);
  put("active/4Xq7Lk2Bz8sN2", 1800000000);
  PostfixQueueDir q(dir_.string());
  auto deferred = q.find("4Xq7Lk2Bz8sN1");
  ASSERT_TRUE(deferred);
  EXPECT_EQ(deferred->where, QueueLocation::Deferred);
  EXPECT_EQ(deferred->mtime_us, 1900000000LL * 1000000);
  auto active = q.find("4Xq7Lk2Bz8sN2");
  ASSERT_TRUE(active);
  EXPECT_EQ(active->where, QueueLocation::Active);
  EXPECT_FALSE(q.find("4Xq7Lk2Bz8sN3"));
}

TEST_F(QueueDirTest, RejectsIdsThatAreNotQueueIds) {
  put("deferred/B/x", 1900000000);
  PostfixQueueDir q(dir_.string());
  EXPECT_FALSE(q.find("../deferred/B/x"));
  EXPECT_FALSE(q.find(""));
  EXPECT_FALSE(PostfixQueueDir("").find("x"));
  EXPECT_FALSE(PostfixQueueDir("/nonexistent/ark").find("ABC"));
}

}  // namespace
}  // namespace ark::admind::api
