#include "admind/usage/time_zone.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "admind/api/time_query.h"

namespace ark::admind::usage {
namespace {

using base::Error;

int64_t read_be(const std::string& b, size_t pos, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    v = (v << 8) | static_cast<unsigned char>(b[pos + i]);
  }
  if (n == 4) {
    return static_cast<int32_t>(static_cast<uint32_t>(v));
  }
  return static_cast<int64_t>(v);
}

struct Counts {
  int64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

bool read_header(const std::string& b, size_t pos, Counts* c) {
  if (b.size() < pos + 44 || b.compare(pos, 4, "TZif") != 0) {
    return false;
  }
  c->isut = read_be(b, pos + 20, 4);
  c->isstd = read_be(b, pos + 24, 4);
  c->leap = read_be(b, pos + 28, 4);
  c->time = read_be(b, pos + 32, 4);
  c->type = read_be(b, pos + 36, 4);
  c->chars = read_be(b, pos + 40, 4);
  return c->time >= 0 && c->type >= 1 && c->type <= 256 && c->chars >= 0 && c->leap >= 0 &&
         c->isut >= 0 && c->isstd >= 0;
}

size_t block_size(const Counts& c, size_t time_size) {
  return static_cast<size_t>(c.time) * (time_size + 1) + static_cast<size_t>(c.type) * 6 +
         static_cast<size_t>(c.chars) + static_cast<size_t>(c.leap) * (time_size + 4) +
         static_cast<size_t>(c.isstd + c.isut);
}

// [+-]hh[:mm[:ss]] at s[*i]; returns seconds.
bool parse_hms(const std::string& s, size_t* i, int32_t* out) {
  int sign = 1;
  if (*i < s.size() && (s[*i] == '+' || s[*i] == '-')) {
    sign = s[*i] == '-' ? -1 : 1;
    ++*i;
  }
  int32_t parts[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    size_t start = *i;
    while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i]))) {
      parts[p] = parts[p] * 10 + (s[*i] - '0');
      ++*i;
    }
    if (*i == start) {
      return false;
    }
    if (p == 2 || *i >= s.size() || s[*i] != ':') {
      break;
    }
    ++*i;
  }
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool parse_name(const std::string& s, size_t* i) {
  size_t start = *i;
  if (*i < s.size() && s[*i] == '<') {
    size_t close = s.find('>', *i);
    if (close == std::string::npos) {
      return false;
    }
    *i = close + 1;
    return true;
  }
  while (*i < s.size() && std::isalpha(static_cast<unsigned char>(s[*i]))) {
    ++*i;
  }
  return *i - start >= 3;
}

// ",Mm.w.d[/time]" at s[*i].
bool parse_date_rule(const std::string& s, size_t* i, int* m, int* w, int* d, int32_t* t) {
  if (*i + 1 >= s.size() || s[*i] != ',' || s[*i + 1] != 'M') {
    return false;
  }
  *i += 2;
  int* fields[3] = {m, w, d};
  for (int f = 0; f < 3; ++f) {
    size_t start = *i;
    *fields[f] = 0;
    while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i]))) {
      *fields[f] = *fields[f] * 10 + (s[*i] - '0');
      ++*i;
    }
    if (*i == start || (f < 2 && (*i >= s.size() || s[(*i)++] != '.'))) {
      return false;
    }
  }
  if (*m < 1 || *m > 12 || *w < 1 || *w > 5 || *d > 6) {
    return false;
  }
  if (*i < s.size() && s[*i] == '/') {
    ++*i;
    return parse_hms(s, i, t);
  }
  return true;
}

int weekday(int64_t days) {
  return static_cast<int>(((days % 7) + 11) % 7);
}  // 0 = Sunday

// Local midnight (days) of the d-th weekday `day` of week w (5 = last) in month m.
int64_t rule_day(int64_t year, int m, int w, int day) {
  int64_t first = api::days_from_civil(year, static_cast<unsigned>(m), 1);
  int64_t next = m == 12 ? api::days_from_civil(year + 1, 1, 1)
                         : api::days_from_civil(year, static_cast<unsigned>(m + 1), 1);
  int64_t d = first + (day - weekday(first) + 7) % 7 + int64_t{w - 1} * 7;
  while (d >= next) {
    d -= 7;
  }
  return d;
}

}  // namespace

std::optional<PosixRule> parse_posix_tz(const std::string& s) {
  PosixRule r;
  size_t i = 0;
  int32_t west = 0;
  if (!parse_name(s, &i) || !parse_hms(s, &i, &west)) {
    return std::nullopt;
  }
  r.std_offset = -west;
  if (i == s.size()) {
    return r;
  }
  if (!parse_name(s, &i)) {
    return std::nullopt;
  }
  r.dst_offset = r.std_offset + 3600;
  if (i < s.size() && s[i] != ',') {
    if (!parse_hms(s, &i, &west)) {
      return std::nullopt;
    }
    r.dst_offset = -west;
  }
  if (!parse_date_rule(s, &i, &r.start_month, &r.start_week, &r.start_day, &r.start_time) ||
      !parse_date_rule(s, &i, &r.end_month, &r.end_week, &r.end_day, &r.end_time) ||
      i != s.size()) {
    return std::nullopt;
  }
  return r;
}

int32_t PosixRule::offset_at(int64_t t) const {
  if (!dst_offset) {
    return std_offset;
  }
  int64_t year = 0;
  unsigned m = 0, d = 0;
  api::civil_from_days((t + std_offset) / 86400 - ((t + std_offset) % 86400 < 0), &year, &m, &d);
  int64_t start =
      rule_day(year, start_month, start_week, start_day) * 86400 + start_time - std_offset;
  int64_t end = rule_day(year, end_month, end_week, end_day) * 86400 + end_time - *dst_offset;
  bool in_dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return in_dst ? *dst_offset : std_offset;
}

TimeZone TimeZone::utc() {
  return TimeZone();
}

base::Result<TimeZone> TimeZone::from_tzif(const std::string& b) {
  Counts c1;
  if (!read_header(b, 0, &c1)) {
    return Error::invalid("not a TZif file");
  }
  size_t pos = 44;
  size_t time_size = 4;
  Counts c = c1;
  if (b[4] >= '2') {
    pos += block_size(c1, 4);
    if (!read_header(b, pos, &c)) {
      return Error::invalid("damaged TZif version 2 header");
    }
    pos += 44;
    time_size = 8;
  }
  if (b.size() < pos + block_size(c, time_size)) {
    return Error::invalid("truncated TZif file");
  }
  TimeZone tz;
  size_t idx_pos = pos + static_cast<size_t>(c.time) * time_size;
  size_t type_pos = idx_pos + static_cast<size_t>(c.time);
  for (int64_t i = 0; i < c.time; ++i) {
    tz.transitions_.push_back(read_be(b, pos + static_cast<size_t>(i) * time_size, time_size));
    auto type = static_cast<unsigned char>(b[idx_pos + static_cast<size_t>(i)]);
    if (type >= c.type) {
      return Error::invalid("TZif transition names an unknown type");
    }
    tz.offsets_.push_back(static_cast<int32_t>(read_be(b, type_pos + type * 6u, 4)));
  }
  tz.initial_offset_ = static_cast<int32_t>(read_be(b, type_pos, 4));
  size_t footer = pos + block_size(c, time_size);
  if (time_size == 8 && footer < b.size() && b[footer] == '\n') {
    size_t end = b.find('\n', footer + 1);
    if (end != std::string::npos && end > footer + 1) {
      tz.rule_ = parse_posix_tz(b.substr(footer + 1, end - footer - 1));
    }
  }
  return tz;
}

base::Result<TimeZone> TimeZone::load(const std::string& name, const std::string& dir) {
  bool ok = !name.empty() && name.size() <= 64 && name.front() != '/' &&
            name.find("..") == std::string::npos &&
            std::all_of(name.begin(), name.end(), [](unsigned char ch) {
              return std::isalnum(ch) || ch == '/' || ch == '_' || ch == '-' || ch == '+';
            });
  if (!ok) {
    return Error::invalid("malformed time zone name");
  }
  if (name == "UTC" || name == "Etc/UTC") {
    return utc();
  }
  std::ifstream in(dir + "/" + name, std::ios::binary);
  if (!in) {
    return Error::not_found("unknown time zone " + name);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return from_tzif(ss.str());
}

int64_t TimeZone::offset_at(int64_t t) const {
  if (transitions_.empty() || t < transitions_.front()) {
    if (transitions_.empty() && rule_) {
      return rule_->offset_at(t);
    }
    return initial_offset_;
  }
  if (t >= transitions_.back() && rule_) {
    return rule_->offset_at(t);
  }
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::to_utc(int64_t local) const {
  int64_t before = offset_at(local - 86400);
  int64_t after = offset_at(local + 86400);
  std::optional<int64_t> best;
  for (int64_t off : {before, after}) {
    int64_t u = local - off;
    if (offset_at(u) == off && (!best || u < *best)) {
      best = u;
    }
  }
  return best ? *best : local - before;
}

}  // namespace ark::admind::usage
