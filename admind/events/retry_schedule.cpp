#include "admind/events/retry_schedule.h"

#include "core/config/config.h"

namespace ark::events {

RetrySchedule RetrySchedule::standard() {
  constexpr int64_t kMin = 60 * 1000;
  constexpr int64_t kHour = 60 * kMin;
  return RetrySchedule({kMin, 5 * kMin, 15 * kMin, 30 * kMin, kHour, 2 * kHour, 4 * kHour,
                        8 * kHour, 12 * kHour, 24 * kHour, 24 * kHour});
}

base::Result<RetrySchedule> RetrySchedule::parse(const std::vector<std::string>& items) {
  std::vector<int64_t> delays;
  for (const std::string& item : items) {
    auto ms = config::parse_duration_ms(item);
    if (!ms) {
      return base::Error::invalid("retry delay '" + item + "': " + ms.error().message);
    }
    if (*ms < 1000) {
      return base::Error::invalid("retry delay '" + item + "' is shorter than 1s");
    }
    delays.push_back(*ms);
  }
  return RetrySchedule(std::move(delays));
}

std::optional<int64_t> RetrySchedule::delay_after_ms(int attempt) const {
  if (attempt < 1 || attempt > static_cast<int>(delays_ms_.size())) {
    return std::nullopt;
  }
  return delays_ms_[static_cast<size_t>(attempt - 1)];
}

}  // namespace ark::events
