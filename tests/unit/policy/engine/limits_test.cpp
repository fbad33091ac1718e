// Limit windows (calendar-aligned, UTC) and the fit/approaching arithmetic.
#include "policy/engine/limits.h"

#include <gtest/gtest.h>

namespace ark::policy {
namespace {

// 2024-02-29T13:45:10Z (a leap day).
constexpr int64_t kLeapDay = 1709214310;
constexpr int64_t k2024_02_29 = 1709164800;  // 00:00Z
constexpr int64_t k2024_02_01 = 1706745600;
constexpr int64_t k2024_03_01 = 1709251200;

TEST(Limits, WindowBounds) {
  EXPECT_EQ(window_start(Period::Hour, kLeapDay), k2024_02_29 + 13 * 3600);
  EXPECT_EQ(window_reset(Period::Hour, kLeapDay), k2024_02_29 + 14 * 3600);
  EXPECT_EQ(window_start(Period::Day, kLeapDay), k2024_02_29);
  EXPECT_EQ(window_reset(Period::Day, kLeapDay), k2024_02_29 + 86400);
  EXPECT_EQ(window_start(Period::Month, kLeapDay), k2024_02_01);
  EXPECT_EQ(window_reset(Period::Month, kLeapDay), k2024_03_01);
  EXPECT_EQ(window_start(Period::SandboxDay, kLeapDay), k2024_02_29);
}

TEST(Limits, MonthRollsOverTheYear) {
  constexpr int64_t k2023_12_31_23h = 1704063600;
  constexpr int64_t k2023_12_01 = 1701388800;
  constexpr int64_t k2024_01_01 = 1704067200;
  EXPECT_EQ(window_start(Period::Month, k2023_12_31_23h), k2023_12_01);
  EXPECT_EQ(window_reset(Period::Month, k2023_12_31_23h), k2024_01_01);
  EXPECT_EQ(window_start(Period::Month, k2024_01_01), k2024_01_01) << "a boundary starts a window";
}

TEST(Limits, EffectiveLimitsTakeTheTenantsOwn) {
  Limits d{100, 0, 5000};
  Limits e = effective_limits(d, {std::optional<int64_t>(5), std::nullopt, int64_t{0}});
  EXPECT_EQ(e.hourly, 5);
  EXPECT_EQ(e.daily, 0);
  EXPECT_EQ(e.monthly, 0);
}

TEST(Limits, FitsCountsEveryLimitedWindow) {
  auto w = send_windows(kLeapDay, Limits{10, 50, 0});
  ASSERT_EQ(w.size(), 3u);
  w[0].used = 8;
  w[1].used = 49;
  w[2].used = 1000000;  // unlimited month: never the reason
  EXPECT_TRUE(check_limits(w, 1).fits);
  LimitCheck two = check_limits(w, 2);
  EXPECT_FALSE(two.fits);
  ASSERT_TRUE(two.exceeded.has_value());
  EXPECT_EQ(*two.exceeded, Period::Day);
  w[1].used = 0;
  EXPECT_TRUE(check_limits(w, 2).fits) << "8 + 2 == 10 still fits";
  EXPECT_EQ(*check_limits(w, 3).exceeded, Period::Hour);
  Decision d = limit_decision(check_limits(w, 3), w);
  EXPECT_TRUE(d.held());
  EXPECT_EQ(d.detail, "Message held because the hourly send limit (10) has been reached");
  EXPECT_TRUE(limit_decision(check_limits(w, 1), w).allowed());
}

TEST(Limits, ApproachingIsAboveNinetyPercent) {
  EXPECT_FALSE(approaching(90, 100));
  EXPECT_TRUE(approaching(91, 100));
  EXPECT_FALSE(approaching(1000, 0)) << "unlimited never approaches";
  Window w{Period::Hour, 0, 3600, 100, 89};
  EXPECT_FALSE(crosses_approaching(w, 1));
  EXPECT_TRUE(crosses_approaching(w, 2));
  w.used = 95;
  EXPECT_FALSE(crosses_approaching(w, 1)) << "already approaching";
}

}  // namespace
}  // namespace ark::policy
