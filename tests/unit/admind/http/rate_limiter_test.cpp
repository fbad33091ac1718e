#include "admind/http/rate_limiter.h"

#include <gtest/gtest.h>

namespace ark::admind::http {
namespace {

class ManualClock final : public base::Clock {
 public:
  int64_t now_us() const override { return now; }
  int64_t now = 1700000000LL * 1000000;
};

TEST(RateLimiter, AllowsLimitThenRefusesWithRetryAfter) {
  ManualClock clock;
  RateLimiter limiter(3, clock);
  EXPECT_EQ(limiter.hit("key:1").remaining, 2);
  clock.now += 100000;
  EXPECT_EQ(limiter.hit("key:1").remaining, 1);
  clock.now += 100000;
  RateState third = limiter.hit("key:1");
  EXPECT_FALSE(third.limited);
  EXPECT_EQ(third.remaining, 0);
  clock.now += 100000;
  RateState fourth = limiter.hit("key:1");
  EXPECT_TRUE(fourth.limited);
  EXPECT_EQ(fourth.limit, 3);
  EXPECT_EQ(fourth.remaining, 0);
  EXPECT_EQ(fourth.retry_after_s, 1);  // the oldest leaves the window 0.7 s from now
  EXPECT_EQ(fourth.reset_s, 1700000001);
}

TEST(RateLimiter, WindowSlidesOneRequestAtATime) {
  ManualClock clock;
  RateLimiter limiter(2, clock);
  limiter.hit("k");
  clock.now += 500000;
  limiter.hit("k");
  EXPECT_TRUE(limiter.hit("k").limited);
  clock.now += 500000;  // the first request is now exactly one second old: it left
  RateState st = limiter.hit("k");
  EXPECT_FALSE(st.limited);
  EXPECT_EQ(st.remaining, 0);
  EXPECT_TRUE(limiter.hit("k").limited);
}

TEST(RateLimiter, RefusedRequestsAreNotCounted) {
  ManualClock clock;
  RateLimiter limiter(1, clock);
  limiter.hit("k");
  for (int i = 0; i < 50; ++i) {
    clock.now += 10000;
    EXPECT_TRUE(limiter.hit("k").limited);
  }
  clock.now += 500001;  // 1 s after the only counted request
  EXPECT_FALSE(limiter.hit("k").limited);
}

TEST(RateLimiter, CallersAreIndependentAndPeekDoesNotCount) {
  ManualClock clock;
  RateLimiter limiter(1, clock);
  EXPECT_FALSE(limiter.hit("key:1").limited);
  EXPECT_FALSE(limiter.hit("key:2").limited);
  EXPECT_EQ(limiter.peek("key:3").remaining, 1);
  EXPECT_EQ(limiter.peek("key:3").remaining, 1);
  EXPECT_FALSE(limiter.hit("key:3").limited);
  EXPECT_EQ(limiter.peek("key:1").remaining, 0);
}

TEST(RateLimiter, IdleCallersAreForgotten) {
  ManualClock clock;
  RateLimiter limiter(5, clock);
  for (int i = 0; i < 100; ++i) {
    limiter.hit("ip:10.0.0." + std::to_string(i));
  }
  EXPECT_EQ(limiter.tracked_for_test(), 100u);
  clock.now += 2000000;
  EXPECT_EQ(limiter.tracked_for_test(), 0u);
}

TEST(RateLimiter, LimitBelowOneMeansOne) {
  ManualClock clock;
  RateLimiter limiter(0, clock);
  EXPECT_EQ(limiter.limit(), 1);
  EXPECT_FALSE(limiter.hit("k").limited);
  EXPECT_TRUE(limiter.hit("k").limited);
}

}  // namespace
}  // namespace ark::admind::http
