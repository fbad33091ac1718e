#include "admind/api/time_query.h"

#include <gtest/gtest.h>

namespace ark::admind::api {
namespace {

constexpr int64_t kS = 1000000;

TEST(Rfc3339, UtcOffsetsAndFractions) {
  int64_t us = 0;
  ASSERT_TRUE(parse_rfc3339("2024-01-15T10:30:00Z", &us));
  EXPECT_EQ(us, 1705314600 * kS);
  ASSERT_TRUE(parse_rfc3339("2024-01-15T12:30:00+02:00", &us));
  EXPECT_EQ(us, 1705314600 * kS);
  ASSERT_TRUE(parse_rfc3339("2024-01-15T05:30:00-05:00", &us));
  EXPECT_EQ(us, 1705314600 * kS);
  ASSERT_TRUE(parse_rfc3339("2024-01-15T10:30:00.25z", &us));
  EXPECT_EQ(us, 1705314600 * kS + 250000);
  // '+' decoded to a space by form decoding
  ASSERT_TRUE(parse_rfc3339("2024-01-15T12:30:00 02:00", &us));
  EXPECT_EQ(us, 1705314600 * kS);
}

TEST(Rfc3339, RejectsMalformedAndImpossible) {
  int64_t us = 0;
  for (const char* bad : {"2024-01-15", "2024-01-15T10:30:00", "2024-02-30T00:00:00Z",
                          "2023-02-29T00:00:00Z", "2024-01-15T24:00:00Z", "2024-1-15T10:30:00Z",
                          "2024-01-15T10:30:00+2:00", "yesterday", "", "2024-01-15T10:30:00.Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad, &us)) << bad;
  }
  EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z", &us));
}

TEST(Instant, UnixSecondsOrIso) {
  int64_t us = 0;
  ASSERT_TRUE(parse_instant("1705314600", &us));
  EXPECT_EQ(us, 1705314600 * kS);
  ASSERT_TRUE(parse_instant("1705314600.5", &us));
  EXPECT_EQ(us, 1705314600 * kS + 500000);
  ASSERT_TRUE(parse_instant("2024-01-15T10:30:00Z", &us));
  EXPECT_EQ(us, 1705314600 * kS);
  ASSERT_TRUE(parse_instant("2024-01-15", &us));
  EXPECT_EQ(us, 1705276800 * kS);
  EXPECT_FALSE(parse_instant("17053x", &us));
  EXPECT_FALSE(parse_instant("1.", &us));
  EXPECT_FALSE(parse_instant("", &us));
}

TEST(Civil, RoundTripsAcrossCenturies) {
  for (int64_t d : {-719468LL, -1LL, 0LL, 11016LL, 19737LL, 2932896LL}) {
    int64_t y = 0;
    unsigned m = 0, day = 0;
    civil_from_days(d, &y, &m, &day);
    EXPECT_EQ(days_from_civil(y, m, day), d);
  }
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
}

}  // namespace
}  // namespace ark::admind::api
