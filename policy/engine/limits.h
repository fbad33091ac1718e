// Send-limit arithmetic (style.md §1 `limits`): the fixed windows a tenant's mail is counted
// in, and the decision whether n more emails fit. Pure: the counters themselves live in the
// database (table send_counters, sql/005_limits.sql), where the milter reserves them
// atomically so several Postfix nodes share one limit exactly.
//
// Windows are calendar-aligned in UTC: the hour (behaviour.md §6.2: "resets at the top of
// every hour"), the day (00:00) and the month (the 1st, 00:00). Counting is per recipient
// (§6.4: 3 recipients = 3 emails). A limit of 0 means unlimited; such windows are still
// counted, so X-SendLimit-Used and GET /limits can report use.
// "Approaching" is use above 90 % of the limit (§6.2).
//
// Thread-safety: pure functions and value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "policy/engine/decision.h"

namespace ark::policy {

enum class Period { Hour, Day, Month, SandboxDay };

std::string_view to_string(Period period);  // "hour", "day", "month", "sandbox_day"

struct Limits {
  int64_t hourly = 100;  // 0 = unlimited
  int64_t daily = 0;
  int64_t monthly = 0;
};

// A tenant's own limits: each set field replaces the configured default (sql/005).
struct LimitOverrides {
  std::optional<int64_t> hourly;
  std::optional<int64_t> daily;
  std::optional<int64_t> monthly;
};
Limits effective_limits(const Limits& defaults, const LimitOverrides& tenant);

struct Window {
  Period period = Period::Hour;
  int64_t start_s = 0;  // inclusive, unix seconds
  int64_t reset_s = 0;  // exclusive: the next window's start
  int64_t limit = 0;    // 0 = unlimited
  int64_t used = 0;     // emails counted so far
};

int64_t window_start(Period period, int64_t now_s);
int64_t window_reset(Period period, int64_t now_s);

// The hour, day and month windows at now_s with their limits (used = 0).
std::vector<Window> send_windows(int64_t now_s, const Limits& limits);

struct LimitCheck {
  bool fits = true;
  std::optional<Period> exceeded;  // the first window that would overflow
};
// Whether `count` more emails fit in every limited window.
LimitCheck check_limits(const std::vector<Window>& windows, int64_t count);
// The decision for a check: Allow, or SendLimitExceeded (held) naming the window.
Decision limit_decision(const LimitCheck& check, const std::vector<Window>& windows);

bool approaching(int64_t used, int64_t limit);
// True when adding `count` moves the window from not approaching to approaching.
bool crosses_approaching(const Window& before, int64_t count);

}  // namespace ark::policy
