// The usage endpoints' `period` grammar and time buckets (api.md §2.13, §4.11,
// behaviour.md §11): shortcuts (today, yesterday, this_week, last_week, this_month,
// last_month, last_7_days, last_30_days, last_90_days), a month YYYY-MM, a day
// YYYY-MM-DD and an inclusive range YYYY-MM-DD..YYYY-MM-DD, all in the given time zone.
// Weeks start on Monday (ISO 8601). "last_N_days" is the N calendar days ending today.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "admind/usage/time_zone.h"
#include "core/base/result.h"

namespace ark::admind::usage {

// [start_us, end_us) in UTC; the API echoes end_us - 1 ms as the inclusive end.
struct Period {
  int64_t start_us = 0;
  int64_t end_us = 0;
};

inline constexpr int kMaxPeriodDays = 400;  // longest accepted range

// Invalid (field "period") for an unknown form, an impossible date, an end before the
// start, or a range longer than kMaxPeriodDays. Empty text means this_month.
base::Result<Period> resolve_period(const std::string& text, const TimeZone& tz, int64_t now_us);

enum class Granularity { Hour, Day, Week, Month };
bool parse_granularity(const std::string& text, Granularity* out);

// Bucket start instants (UTC microseconds) covering the period: local hour, day, Monday
// or month boundaries; the first bucket starts at the period start. Invalid when the
// period would need more than max_buckets.
base::Result<std::vector<int64_t>> bucket_starts(const Period& p, Granularity g, const TimeZone& tz,
                                                 size_t max_buckets);

}  // namespace ark::admind::usage
