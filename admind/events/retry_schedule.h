// When a failed event delivery is tried again (spec/behaviour.md Appendix C.2): after the
// first attempt fails, wait delays[0]; after the second, delays[1]; ...; once every delay
// is used, the delivery has failed for good. The default is C.2's schedule: 1m, 5m, 15m,
// 30m, 1h, 2h, 4h, 8h, 12h, 24h, 24h (12 attempts over about 3.2 days). Config
// `events.retry_schedule` replaces it (the dev stack and tests use seconds).
//
// Thread-safety: immutable value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace ark::events {

class RetrySchedule {
 public:
  // C.2's schedule.
  static RetrySchedule standard();
  // Durations with units ("90s", "5m"); each at least 1 s. Errors: Invalid naming the item.
  // An empty list means: never retry.
  static base::Result<RetrySchedule> parse(const std::vector<std::string>& items);

  // The wait after attempt `attempt` (1-based) failed, or nullopt when it was the last.
  std::optional<int64_t> delay_after_ms(int attempt) const;
  int max_attempts() const { return static_cast<int>(delays_ms_.size()) + 1; }
  const std::vector<int64_t>& delays_ms() const { return delays_ms_; }

 private:
  explicit RetrySchedule(std::vector<int64_t> delays) : delays_ms_(std::move(delays)) {}
  std::vector<int64_t> delays_ms_;
};

}  // namespace ark::events
