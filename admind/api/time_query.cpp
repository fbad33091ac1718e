#include "admind/api/time_query.h"

#include <cctype>
#include <charconv>
#include <string>

namespace ark::admind::api {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned month_days(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// YYYY-MM-DD at the start of s; sets *days.
bool parse_date(std::string_view s, int64_t* days) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, &y) || !digits(s, 5, 2, &m) ||
      !digits(s, 8, 2, &d)) {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > month_days(y, m)) {
    return false;
  }
  *days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// [.fraction] then Z or an offset; sets the fraction in microseconds and the offset.
bool parse_zone(std::string_view s, size_t pos, int64_t* frac_us, int64_t* offset_s) {
  *frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    int64_t scale = 100000;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      *frac_us += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return false;
    }
  }
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    *offset_s = 0;
    return true;
  }
  int hh = 0, mm = 0;
  if (pos + 6 != s.size() || s[pos + 3] != ':' || !digits(s, pos + 1, 2, &hh) ||
      !digits(s, pos + 4, 2, &mm) || hh > 23 || mm > 59) {
    return false;
  }
  char sign = s[pos];
  if (sign != '+' && sign != '-' && sign != ' ') {
    return false;
  }
  *offset_s = (sign == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
  return true;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool parse_rfc3339(std::string_view s, int64_t* unix_us) {
  int64_t days = 0;
  int hh = 0, mi = 0, ss = 0;
  if (!parse_date(s, &days) || s.size() < 19) {
    return false;
  }
  char t = s[10];
  if ((t != 'T' && t != 't' && t != ' ') || s[13] != ':' || s[16] != ':' ||
      !digits(s, 11, 2, &hh) || !digits(s, 14, 2, &mi) || !digits(s, 17, 2, &ss) || hh > 23 ||
      mi > 59 || ss > 60) {
    return false;
  }
  int64_t frac = 0, offset = 0;
  if (!parse_zone(s, 19, &frac, &offset)) {
    return false;
  }
  int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - offset;
  *unix_us = secs * 1000000 + frac;
  return true;
}

bool parse_instant(std::string_view s, int64_t* unix_us) {
  if (s.size() == 10 && s[4] == '-') {
    int64_t days = 0;
    if (!parse_date(s, &days)) {
      return false;
    }
    *unix_us = days * 86400 * 1000000;
    return true;
  }
  if (s.size() > 10 && s[4] == '-') {
    return parse_rfc3339(s, unix_us);
  }
  std::string text(s);
  size_t dot = text.find('.');
  int64_t whole = 0;
  auto [p, ec] = std::from_chars(
      text.data(), text.data() + (dot == std::string::npos ? text.size() : dot), whole);
  if (ec != std::errc() || text.empty() ||
      p != text.data() + (dot == std::string::npos ? text.size() : dot)) {
    return false;
  }
  int64_t frac = 0;
  if (dot != std::string::npos) {
    int64_t scale = 100000;
    if (dot + 1 == text.size()) {
      return false;
    }
    for (size_t i = dot + 1; i < text.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
        return false;
      }
      frac += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  *unix_us = whole * 1000000 + frac;
  return true;
}

}  // namespace ark::admind::api
