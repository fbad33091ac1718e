#include "admind/usage/period.h"

#include <gtest/gtest.h>

#include "admind/api/time_query.h"
#include "core/base/clock.h"

namespace ark::admind::usage {
namespace {

int64_t at(const char* rfc3339) {
  int64_t us = 0;
  EXPECT_TRUE(api::parse_rfc3339(rfc3339, &us)) << rfc3339;
  return us;
}

// Thursday 2024-02-15 10:00 UTC.
const int64_t kNow = at("2024-02-15T10:00:00Z");

std::pair<std::string, std::string> resolve(const std::string& text,
                                            const TimeZone& tz = TimeZone::utc()) {
  auto p = resolve_period(text, tz, kNow);
  EXPECT_TRUE(p.ok()) << text;
  if (!p.ok()) {
    return {};
  }
  return {base::format_iso8601(p->start_us), base::format_iso8601(p->end_us)};
}

using Range = std::pair<std::string, std::string>;

TEST(Period, Shortcuts) {
  EXPECT_EQ(resolve(""), Range("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"));
  EXPECT_EQ(resolve("this_month"), Range("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"));
  EXPECT_EQ(resolve("last_month"), Range("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"));
  EXPECT_EQ(resolve("today"), Range("2024-02-15T00:00:00Z", "2024-02-16T00:00:00Z"));
  EXPECT_EQ(resolve("yesterday"), Range("2024-02-14T00:00:00Z", "2024-02-15T00:00:00Z"));
  EXPECT_EQ(resolve("this_week"), Range("2024-02-12T00:00:00Z", "2024-02-19T00:00:00Z"));
  EXPECT_EQ(resolve("last_week"), Range("2024-02-05T00:00:00Z", "2024-02-12T00:00:00Z"));
  EXPECT_EQ(resolve("last_7_days"), Range("2024-02-09T00:00:00Z", "2024-02-16T00:00:00Z"));
  EXPECT_EQ(resolve("last_30_days"), Range("2024-01-17T00:00:00Z", "2024-02-16T00:00:00Z"));
  EXPECT_EQ(resolve("last_90_days"), Range("2023-11-18T00:00:00Z", "2024-02-16T00:00:00Z"));
}

TEST(Period, LastMonthInJanuaryIsDecember) {
  auto p = resolve_period("last_month", TimeZone::utc(), at("2024-01-10T00:00:00Z"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(base::format_iso8601(p->start_us), "2023-12-01T00:00:00Z");
  EXPECT_EQ(base::format_iso8601(p->end_us), "2024-01-01T00:00:00Z");
}

TEST(Period, MonthDayAndInclusiveRange) {
  EXPECT_EQ(resolve("2024-01"), Range("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"));
  EXPECT_EQ(resolve("2023-12"), Range("2023-12-01T00:00:00Z", "2024-01-01T00:00:00Z"));
  EXPECT_EQ(resolve("2024-02-29"), Range("2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z"));
  EXPECT_EQ(resolve("2024-01-01..2024-01-15"),
            Range("2024-01-01T00:00:00Z", "2024-01-16T00:00:00Z"));
  EXPECT_EQ(resolve("2024-01-05..2024-01-05"),
            Range("2024-01-05T00:00:00Z", "2024-01-06T00:00:00Z"));
}

TEST(Period, TimeZoneMovesTheBoundaries) {
  auto berlin = TimeZone::load("Europe/Berlin");
  ASSERT_TRUE(berlin.ok());
  EXPECT_EQ(resolve("2024-01", *berlin), Range("2023-12-31T23:00:00Z", "2024-01-31T23:00:00Z"));
  EXPECT_EQ(resolve("2024-07-01", *berlin), Range("2024-06-30T22:00:00Z", "2024-07-01T22:00:00Z"));
  // At 23:30 UTC on the 14th it is already the 15th in Tokyo.
  auto tokyo = TimeZone::load("Asia/Tokyo");
  ASSERT_TRUE(tokyo.ok());
  auto p = resolve_period("today", *tokyo, at("2024-02-14T23:30:00Z"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(base::format_iso8601(p->start_us), "2024-02-14T15:00:00Z");
}

TEST(Period, RejectsWithTheFieldNamed) {
  for (const char* bad :
       {"yesteryear", "2024-13", "2024-02-30", "2024-01-15..2024-01-01", "2024-01-01..",
        "2023-01-01..2024-12-31", "2023-01-01..2024-02-05", "2024/01", "2024-1"}) {
    auto p = resolve_period(bad, TimeZone::utc(), kNow);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().kind, base::ErrorKind::Invalid);
    EXPECT_EQ(p.error().field, "period") << bad;
  }
}

TEST(Buckets, DaysHoursWeeksMonths) {
  auto feb = resolve_period("2024-02", TimeZone::utc(), kNow);
  ASSERT_TRUE(feb.ok());
  auto days = bucket_starts(*feb, Granularity::Day, TimeZone::utc(), 1000);
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days->size(), 29u);
  EXPECT_EQ(base::format_iso8601(days->back()), "2024-02-29T00:00:00Z");
  auto weeks = bucket_starts(*feb, Granularity::Week, TimeZone::utc(), 1000);
  ASSERT_TRUE(weeks.ok());
  // Feb 1 (Thu), then Mondays 5, 12, 19, 26.
  ASSERT_EQ(weeks->size(), 5u);
  EXPECT_EQ(base::format_iso8601((*weeks)[1]), "2024-02-05T00:00:00Z");
  auto q1 = resolve_period("2024-01-01..2024-03-31", TimeZone::utc(), kNow);
  auto months = bucket_starts(*q1, Granularity::Month, TimeZone::utc(), 1000);
  ASSERT_TRUE(months.ok());
  ASSERT_EQ(months->size(), 3u);
  EXPECT_EQ(base::format_iso8601((*months)[2]), "2024-03-01T00:00:00Z");
}

TEST(Buckets, ADstDayHas23Hours) {
  auto berlin = TimeZone::load("Europe/Berlin");
  ASSERT_TRUE(berlin.ok());
  auto day = resolve_period("2024-03-31", *berlin, kNow);
  ASSERT_TRUE(day.ok());
  auto hours = bucket_starts(*day, Granularity::Hour, *berlin, 1000);
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(hours->size(), 23u);
  EXPECT_EQ(base::format_iso8601(hours->front()), "2024-03-30T23:00:00Z");
}

TEST(Buckets, TooManyIsAnError) {
  auto year = resolve_period("2023-01-01..2023-12-31", TimeZone::utc(), kNow);
  ASSERT_TRUE(year.ok());
  auto hours = bucket_starts(*year, Granularity::Hour, TimeZone::utc(), 1000);
  ASSERT_FALSE(hours.ok());
  EXPECT_EQ(hours.error().field, "granularity");
}

}  // namespace
}  // namespace ark::admind::usage
