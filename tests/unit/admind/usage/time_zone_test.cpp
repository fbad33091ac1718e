// Uses the system zoneinfo (Debian tzdata), as admind does.
#include "admind/usage/time_zone.h"

#include <gtest/gtest.h>

#include "admind/api/time_query.h"

namespace ark::admind::usage {
namespace {

int64_t at(const char* rfc3339) {
  int64_t us = 0;
  EXPECT_TRUE(api::parse_rfc3339(rfc3339, &us)) << rfc3339;
  return us / 1000000;
}

TimeZone zone(const std::string& name) {
  auto tz = TimeZone::load(name);
  EXPECT_TRUE(tz.ok()) << name;
  return tz.ok() ? *tz : TimeZone::utc();
}

TEST(TimeZone, UtcIsZero) {
  EXPECT_EQ(TimeZone::utc().offset_at(at("2024-07-01T00:00:00Z")), 0);
  EXPECT_EQ(zone("UTC").offset_at(0), 0);
  EXPECT_EQ(zone("Etc/UTC").to_utc(1000), 1000);
}

TEST(TimeZone, BerlinSummerWinterAndTheExactChange) {
  TimeZone berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.offset_at(at("2024-01-15T12:00:00Z")), 3600);
  EXPECT_EQ(berlin.offset_at(at("2024-07-01T12:00:00Z")), 7200);
  // 2024-03-31 01:00 UTC: clocks go from 02:00 CET to 03:00 CEST.
  EXPECT_EQ(berlin.offset_at(at("2024-03-31T00:59:59Z")), 3600);
  EXPECT_EQ(berlin.offset_at(at("2024-03-31T01:00:00Z")), 7200);
}

TEST(TimeZone, FarFutureUsesTheFooterRule) {
  TimeZone berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.offset_at(at("2100-07-01T12:00:00Z")), 7200);
  EXPECT_EQ(berlin.offset_at(at("2100-12-01T12:00:00Z")), 3600);
  TimeZone sydney = zone("Australia/Sydney");  // southern hemisphere: DST spans new year
  EXPECT_EQ(sydney.offset_at(at("2100-01-15T00:00:00Z")), 11 * 3600);
  EXPECT_EQ(sydney.offset_at(at("2100-07-15T00:00:00Z")), 10 * 3600);
}

TEST(TimeZone, HalfHourZones) {
  EXPECT_EQ(zone("Asia/Kolkata").offset_at(at("2024-01-01T00:00:00Z")), 19800);
  EXPECT_EQ(zone("Asia/Kathmandu").offset_at(at("2024-01-01T00:00:00Z")), 20700);
}

TEST(TimeZone, LocalToUtcInGapsAndOverlaps) {
  TimeZone berlin = zone("Europe/Berlin");
  int64_t local_midnight = at("2024-07-01T00:00:00Z");  // read as a local wall time
  EXPECT_EQ(berlin.to_utc(local_midnight), at("2024-06-30T22:00:00Z"));
  // 02:30 on 2024-03-31 does not exist; it lands after the change (03:30 CEST).
  EXPECT_EQ(berlin.to_utc(at("2024-03-31T02:30:00Z")), at("2024-03-31T01:30:00Z"));
  // 02:30 on 2024-10-27 happens twice; the first (CEST) is taken.
  EXPECT_EQ(berlin.to_utc(at("2024-10-27T02:30:00Z")), at("2024-10-27T00:30:00Z"));
}

TEST(TimeZone, NamesAreCheckedBeforeTheFileSystemIsTouched) {
  EXPECT_EQ(TimeZone::load("../../etc/passwd").error().kind, base::ErrorKind::Invalid);
  EXPECT_EQ(TimeZone::load("/etc/localtime").error().kind, base::ErrorKind::Invalid);
  EXPECT_EQ(TimeZone::load("Europe/Berlin;x").error().kind, base::ErrorKind::Invalid);
  EXPECT_EQ(TimeZone::load("Mars/Olympus_Mons").error().kind, base::ErrorKind::NotFound);
  EXPECT_EQ(TimeZone::from_tzif("not a tzif file at all, really, not at all......").error().kind,
            base::ErrorKind::Invalid);
}

TEST(PosixTz, RulesAndFixedOffsets) {
  auto cet = parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(cet);
  EXPECT_EQ(cet->std_offset, 3600);
  EXPECT_EQ(*cet->dst_offset, 7200);
  EXPECT_EQ(cet->end_time, 3 * 3600);
  auto ist = parse_posix_tz("<+0530>-5:30");
  ASSERT_TRUE(ist);
  EXPECT_EQ(ist->std_offset, 19800);
  EXPECT_FALSE(ist->dst_offset);
  auto ny = parse_posix_tz("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->offset_at(at("2030-07-01T12:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny->offset_at(at("2030-01-01T12:00:00Z")), -5 * 3600);
  EXPECT_FALSE(parse_posix_tz("CET-1CEST,J60,J300"));  // Julian-day rules are not used
  EXPECT_FALSE(parse_posix_tz(""));
}

}  // namespace
}  // namespace ark::admind::usage
