// Clock: the one source of "now" so tests can inject time (style.md §9).
//
// Thread-safety: SystemClock is stateless; fakes used in tests document their own rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ark::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in microseconds since the Unix epoch.
  virtual int64_t now_us() const = 0;
  int64_t now_s() const { return now_us() / 1000000; }
};

class SystemClock final : public Clock {
 public:
  int64_t now_us() const override;
  static const SystemClock& instance();
};

// RFC 3339 in UTC with a Z suffix; millis=true adds ".mmm".
std::string format_iso8601(int64_t unix_us, bool millis = false);
// MySQL DATETIME(6) text "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC) <-> microseconds.
std::string format_sql_datetime(int64_t unix_us);
bool parse_sql_datetime(const std::string& text, int64_t* unix_us);
// RFC 5322 date for Date: headers, in UTC.
std::string format_rfc5322_date(int64_t unix_s);

}  // namespace ark::base
