#include <syslog.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <ctime>
#include <mutex>

#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/base/result.h"

namespace ark::base {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Invalid:
      return "invalid";
    case ErrorKind::NotFound:
      return "not_found";
    case ErrorKind::Conflict:
      return "conflict";
    case ErrorKind::Transient:
      return "transient";
    case ErrorKind::Permanent:
      return "permanent";
    case ErrorKind::Internal:
      return "internal";
  }
  return "internal";
}

// ---- logging ----
namespace {
std::string g_program = "ark";
std::atomic<int> g_min_level{static_cast<int>(LogLevel::Info)};
std::atomic<bool> g_syslog{false};

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warning:
      return "warning";
    case LogLevel::Error:
      return "error";
  }
  return "info";
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) {
    return true;
  }
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void append_value(std::string* out, std::string_view v) {
  if (!needs_quotes(v)) {
    out->append(v);
    return;
  }
  *out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += c;
    } else if (c == '\n') {
      *out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      *out += '?';
    } else {
      *out += c;
    }
  }
  *out += '"';
}
}  // namespace

void log_init(std::string_view program, LogLevel min_level, bool use_syslog) {
  g_program = std::string(program);
  g_min_level = static_cast<int>(min_level);
  g_syslog = use_syslog;
  if (use_syslog) {
    openlog(g_program.c_str(), LOG_PID | LOG_NDELAY, LOG_MAIL);
  }
}

bool parse_log_level(std::string_view text, LogLevel* out) {
  static constexpr std::pair<std::string_view, LogLevel> kLevels[] = {
      {"debug", LogLevel::Debug},
      {"info", LogLevel::Info},
      {"warning", LogLevel::Warning},
      {"error", LogLevel::Error}};
  for (const auto& [name, level] : kLevels) {
    if (text == name) {
      *out = level;
      return true;
    }
  }
  return false;
}

std::string format_log_line(std::string_view program, LogLevel level, std::string_view event,
                            std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(128);
  line += format_iso8601(SystemClock::instance().now_us(), true);
  line += ' ';
  line += program;
  line += " level=";
  line += level_name(level);
  line += " event=";
  append_value(&line, event);
  for (const auto& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    append_value(&line, f.value);
  }
  return line;
}

void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) {
    return;
  }
  std::string line = format_log_line(g_program, level, event, fields);
  if (g_syslog.load(std::memory_order_relaxed)) {
    static constexpr int kPrio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
    // The syslog line drops our own timestamp and program: syslog adds both.
    size_t skip = line.find(" level=");
    syslog(kPrio[static_cast<int>(level)], "%s", line.c_str() + skip + 1);
  }
  line += '\n';
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

// ---- clock ----
int64_t SystemClock::now_us() const {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

const SystemClock& SystemClock::instance() {
  static const SystemClock clock;
  return clock;
}

namespace {
std::tm utc(int64_t unix_s) {
  time_t t = static_cast<time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}
int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }
}  // namespace

std::string format_iso8601(int64_t unix_us, bool millis) {
  int64_t s = floor_div(unix_us, 1000000);
  std::tm tm = utc(s);
  char buf[40];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  if (millis) {
    char ms[8];
    snprintf(ms, sizeof ms, ".%03d", static_cast<int>((unix_us - s * 1000000) / 1000));
    out += ms;
  }
  out += 'Z';
  return out;
}

std::string format_sql_datetime(int64_t unix_us) {
  int64_t s = floor_div(unix_us, 1000000);
  std::tm tm = utc(s);
  char buf[40];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char frac[16];
  snprintf(frac, sizeof frac, ".%06d", static_cast<int>(unix_us - s * 1000000));
  return std::string(buf, n) + frac;
}

bool parse_sql_datetime(const std::string& text, int64_t* unix_us) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (rest == nullptr) {
    return false;
  }
  int64_t us = 0;
  if (*rest == '.') {
    ++rest;
    int digits = 0;
    while (*rest >= '0' && *rest <= '9' && digits < 6) {
      us = us * 10 + (*rest - '0');
      ++rest;
      ++digits;
    }
    while (digits++ < 6) {
      us *= 10;
    }
  }
  if (*rest != '\0') {
    return false;
  }
  *unix_us = static_cast<int64_t>(timegm(&tm)) * 1000000 + us;
  return true;
}

std::string format_rfc5322_date(int64_t unix_s) {
  std::tm tm = utc(unix_s);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return std::string(buf, n);
}

}  // namespace ark::base
