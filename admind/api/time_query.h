// Instants in query strings (api.md §2.11): RFC 3339 datetimes for the logs filters
// (`startDate`, `endDate`, possibly with a numeric offset instead of Z), and "unix seconds
// or ISO 8601" for the email list's `after` / `before`.
//
// A `+` in a query string is decoded to a space by form decoding, so an offset written
// "+02:00" may arrive as " 02:00"; that form is accepted as the positive offset it was.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace ark::admind::api {

// Days since 1970-01-01 of a proleptic Gregorian date (any year; no range check).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
// Inverse of days_from_civil.
void civil_from_days(int64_t days, int64_t* y, unsigned* m, unsigned* d);

// YYYY-MM-DD'T'HH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); 't'/'z' and a space for 'T' are
// accepted. Returns false for anything else or an impossible date/time.
bool parse_rfc3339(std::string_view text, int64_t* unix_us);

// Unix seconds (integer or with a fraction) or an ISO 8601 datetime as above; a bare
// date YYYY-MM-DD means its midnight UTC.
bool parse_instant(std::string_view text, int64_t* unix_us);

}  // namespace ark::admind::api
