#include "policy/engine/limits.h"

#include <string>

namespace ark::policy {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Civil date <-> days since 1970-01-01 (proleptic Gregorian), for month boundaries.
struct Ymd {
  int64_t y;
  unsigned m;
  unsigned d;
};

Ymd civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = floor_div(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t month_start(int64_t now_s) {
  Ymd t = civil_from_days(floor_div(now_s, kDay));
  return days_from_civil(t.y, t.m, 1) * kDay;
}

int64_t next_month_start(int64_t now_s) {
  Ymd t = civil_from_days(floor_div(now_s, kDay));
  return t.m == 12 ? days_from_civil(t.y + 1, 1, 1) * kDay
                   : days_from_civil(t.y, t.m + 1, 1) * kDay;
}

std::string adjective(Period period) {
  switch (period) {
    case Period::Hour:
      return "hourly";
    case Period::Month:
      return "monthly";
    case Period::Day:
    case Period::SandboxDay:
      break;
  }
  return "daily";
}

}  // namespace

std::string_view to_string(Period period) {
  switch (period) {
    case Period::Hour:
      return "hour";
    case Period::Day:
      return "day";
    case Period::Month:
      return "month";
    case Period::SandboxDay:
      return "sandbox_day";
  }
  return "hour";
}

Limits effective_limits(const Limits& defaults, const LimitOverrides& tenant) {
  return {tenant.hourly.value_or(defaults.hourly), tenant.daily.value_or(defaults.daily),
          tenant.monthly.value_or(defaults.monthly)};
}

int64_t window_start(Period period, int64_t now_s) {
  switch (period) {
    case Period::Hour:
      return floor_div(now_s, kHour) * kHour;
    case Period::Day:
    case Period::SandboxDay:
      return floor_div(now_s, kDay) * kDay;
    case Period::Month:
      return month_start(now_s);
  }
  return now_s;
}

int64_t window_reset(Period period, int64_t now_s) {
  switch (period) {
    case Period::Hour:
      return window_start(period, now_s) + kHour;
    case Period::Day:
    case Period::SandboxDay:
      return window_start(period, now_s) + kDay;
    case Period::Month:
      return next_month_start(now_s);
  }
  return now_s;
}

std::vector<Window> send_windows(int64_t now_s, const Limits& limits) {
  std::vector<Window> out;
  for (auto [period, limit] :
       {std::pair{Period::Hour, limits.hourly}, std::pair{Period::Day, limits.daily},
        std::pair{Period::Month, limits.monthly}}) {
    out.push_back({period, window_start(period, now_s), window_reset(period, now_s), limit, 0});
  }
  return out;
}

LimitCheck check_limits(const std::vector<Window>& windows, int64_t count) {
  for (const Window& w : windows) {
    if (w.limit > 0 && w.used + count > w.limit) {
      return {false, w.period};
    }
  }
  return {};
}

Decision limit_decision(const LimitCheck& check, const std::vector<Window>& windows) {
  if (check.fits) {
    return allow();
  }
  for (const Window& w : windows) {
    if (w.period == *check.exceeded) {
      return decide(Code::SendLimitExceeded, "Message held because the " + adjective(w.period) +
                                                 " send limit (" + std::to_string(w.limit) +
                                                 ") has been reached");
    }
  }
  return decide(Code::SendLimitExceeded);
}

bool approaching(int64_t used, int64_t limit) {
  return limit > 0 && used * 10 > limit * 9;
}

bool crosses_approaching(const Window& before, int64_t count) {
  return !approaching(before.used, before.limit) && approaching(before.used + count, before.limit);
}

}  // namespace ark::policy
