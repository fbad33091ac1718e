// IANA time zones for the usage endpoints' `timezone` parameter (api.md §2.13), read from
// the system's compiled zoneinfo files (TZif, RFC 8536; Debian's tzdata package).
//
// g++ 12's libstdc++ has no std::chrono time zone database, and localtime_r() depends on
// the process-wide TZ variable, so zones are read here: the version 2+ data block (64-bit
// transition times) and, after the last transition, the POSIX TZ rule in the footer
// (the "Mm.w.d" rule form that every current zone uses).
//
// Ownership: a TimeZone is an immutable value. Thread-safety: const methods are safe to
// call concurrently; load() reads one file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace ark::admind::usage {

// A parsed POSIX TZ string (the TZif footer), e.g. "CET-1CEST,M3.5.0,M10.5.0/3".
struct PosixRule {
  int32_t std_offset = 0;  // seconds east of UTC
  std::optional<int32_t> dst_offset;
  // Mm.w.d start/end and the local time of day (seconds) they take effect.
  int start_month = 0, start_week = 0, start_day = 0;
  int end_month = 0, end_week = 0, end_day = 0;
  int32_t start_time = 7200, end_time = 7200;
  int32_t offset_at(int64_t unix_s) const;
};

class TimeZone {
 public:
  static TimeZone utc();
  // name: an IANA zone name ("Europe/Berlin", "UTC"). Invalid for a malformed name or a
  // file that is not TZif; NotFound when no such zone exists.
  static base::Result<TimeZone> load(const std::string& name,
                                     const std::string& zoneinfo_dir = "/usr/share/zoneinfo");
  // Parses TZif bytes (exposed for tests).
  static base::Result<TimeZone> from_tzif(const std::string& bytes);

  // Seconds east of UTC in effect at the UTC instant.
  int64_t offset_at(int64_t unix_s) const;
  // The UTC instant of a local wall-clock time (seconds since the local epoch). A time
  // skipped by a forward change maps past the change; a repeated time maps to its first
  // occurrence.
  int64_t to_utc(int64_t local_s) const;

 private:
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // offset in effect from transitions_[i] on
  int32_t initial_offset_ = 0;        // before the first transition
  std::optional<PosixRule> rule_;     // used after the last transition
};

// Parses a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3" (exposed for tests).
std::optional<PosixRule> parse_posix_tz(const std::string& text);

}  // namespace ark::admind::usage
