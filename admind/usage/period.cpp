#include "admind/usage/period.h"

#include <cctype>

#include "admind/api/time_query.h"

namespace ark::admind::usage {
namespace {

using base::Error;
constexpr int64_t kUs = 1000000;
constexpr int64_t kDay = 86400;

Error bad_period(const std::string& why) {
  return Error::invalid(why, "period");
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Local calendar day number (days since 1970-01-01 in the zone) of a UTC instant.
int64_t local_day(const TimeZone& tz, int64_t unix_us) {
  int64_t s = floor_div(unix_us, kUs);
  return floor_div(s + tz.offset_at(s), kDay);
}

int64_t midnight_us(const TimeZone& tz, int64_t day) {
  return tz.to_utc(day * kDay) * kUs;
}

Period days(const TimeZone& tz, int64_t first_day, int64_t end_day_excl) {
  return {midnight_us(tz, first_day), midnight_us(tz, end_day_excl)};
}

int64_t month_start_day(int64_t y, unsigned m) {
  return api::days_from_civil(y, m, 1);
}

Period month(const TimeZone& tz, int64_t y, unsigned m) {
  int64_t ny = m == 12 ? y + 1 : y;
  unsigned nm = m == 12 ? 1 : m + 1;
  return days(tz, month_start_day(y, m), month_start_day(ny, nm));
}

bool parse_day(const std::string& s, int64_t* day) {
  int64_t us = 0;
  if (s.size() != 10 || !api::parse_instant(s, &us)) {
    return false;
  }
  *day = us / kUs / kDay;
  return true;
}

bool parse_month(const std::string& s, int64_t* y, unsigned* m) {
  if (s.size() != 7 || s[4] != '-') {
    return false;
  }
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  *y = std::stoll(s.substr(0, 4));
  *m = static_cast<unsigned>(std::stoi(s.substr(5, 2)));
  return *m >= 1 && *m <= 12;
}

base::Result<Period> shortcut(const std::string& text, const TimeZone& tz, int64_t now_us) {
  int64_t today = local_day(tz, now_us);
  int64_t monday = today - ((today + 3) % 7 + 7) % 7;  // day 0 (1970-01-01) was a Thursday
  int64_t y = 0;
  unsigned m = 0, d = 0;
  api::civil_from_days(today, &y, &m, &d);
  if (text == "today")
    return days(tz, today, today + 1);
  if (text == "yesterday")
    return days(tz, today - 1, today);
  if (text == "this_week")
    return days(tz, monday, monday + 7);
  if (text == "last_week")
    return days(tz, monday - 7, monday);
  if (text == "this_month")
    return month(tz, y, m);
  if (text == "last_month")
    return m == 1 ? month(tz, y - 1, 12) : month(tz, y, m - 1);
  if (text == "last_7_days")
    return days(tz, today - 6, today + 1);
  if (text == "last_30_days")
    return days(tz, today - 29, today + 1);
  if (text == "last_90_days")
    return days(tz, today - 89, today + 1);
  return bad_period("unknown period '" + text + "'");
}

}  // namespace

base::Result<Period> resolve_period(const std::string& text, const TimeZone& tz, int64_t now_us) {
  if (text.empty()) {
    return shortcut("this_month", tz, now_us);
  }
  int64_t y = 0, first = 0, last = 0;
  unsigned m = 0;
  if (parse_month(text, &y, &m)) {
    return month(tz, y, m);
  }
  if (parse_day(text, &first)) {
    return days(tz, first, first + 1);
  }
  size_t dots = text.find("..");
  if (dots != std::string::npos) {
    if (!parse_day(text.substr(0, dots), &first) || !parse_day(text.substr(dots + 2), &last)) {
      return bad_period("a range is YYYY-MM-DD..YYYY-MM-DD");
    }
    if (last < first) {
      return bad_period("the range ends before it starts");
    }
    if (last - first + 1 > kMaxPeriodDays) {
      return bad_period("a range may span at most " + std::to_string(kMaxPeriodDays) + " days");
    }
    return days(tz, first, last + 1);
  }
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
    return bad_period("malformed date in period '" + text + "'");
  }
  return shortcut(text, tz, now_us);
}

bool parse_granularity(const std::string& text, Granularity* out) {
  if (text == "hour")
    *out = Granularity::Hour;
  else if (text == "day")
    *out = Granularity::Day;
  else if (text == "week")
    *out = Granularity::Week;
  else if (text == "month")
    *out = Granularity::Month;
  else
    return false;
  return true;
}

base::Result<std::vector<int64_t>> bucket_starts(const Period& p, Granularity g, const TimeZone& tz,
                                                 size_t max_buckets) {
  std::vector<int64_t> out{p.start_us};
  int64_t start_s = floor_div(p.start_us, kUs);
  int64_t local = start_s + tz.offset_at(start_s);
  int64_t day = floor_div(local, kDay);
  while (true) {
    int64_t next_local = 0;
    if (g == Granularity::Hour) {
      local = floor_div(local, 3600) * 3600 + 3600;
      next_local = local;
    } else if (g == Granularity::Day) {
      next_local = ++day * kDay;
    } else if (g == Granularity::Week) {
      day = day - ((day + 3) % 7 + 7) % 7 + 7;
      next_local = day * kDay;
    } else {
      int64_t y = 0;
      unsigned m = 0, d = 0;
      api::civil_from_days(day, &y, &m, &d);
      day = m == 12 ? month_start_day(y + 1, 1) : month_start_day(y, m + 1);
      next_local = day * kDay;
    }
    int64_t next_us = tz.to_utc(next_local) * kUs;
    if (next_us >= p.end_us) {
      return out;
    }
    if (next_us > out.back()) {
      out.push_back(next_us);
    }
    if (out.size() > max_buckets) {
      return Error::invalid("too many buckets for this period; use a coarser granularity",
                            "granularity");
    }
  }
}

}  // namespace ark::admind::usage
