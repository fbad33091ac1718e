// Logging facade: one line per decision, key=value fields (style.md §6).
//
// Lines go to stderr (captured by the service manager or the dev stack's log files)
// and, when enabled, to syslog. Never pass secrets, passwords or message bodies.
//
// Thread-safety: all functions may be called from any thread; a line is written with a
// single write() so concurrent lines do not interleave.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ark::base {

enum class LogLevel { Debug = 0, Info = 1, Warning = 2, Error = 3 };

struct LogField {
  std::string_view key;
  std::string value;
  LogField(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  LogField(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  template <typename N, typename = std::enable_if_t<std::is_arithmetic_v<N>>>
  LogField(std::string_view k, N n) : key(k), value(std::to_string(n)) {}
};

// program: the daemon's name, prefixed to every line. syslog: also send to syslog(3).
void log_init(std::string_view program, LogLevel min_level, bool syslog);
bool parse_log_level(std::string_view text, LogLevel* out);

void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

inline void log_info(std::string_view event, std::initializer_list<LogField> f = {}) {
  log(LogLevel::Info, event, f);
}
inline void log_warn(std::string_view event, std::initializer_list<LogField> f = {}) {
  log(LogLevel::Warning, event, f);
}
inline void log_error(std::string_view event, std::initializer_list<LogField> f = {}) {
  log(LogLevel::Error, event, f);
}
inline void log_debug(std::string_view event, std::initializer_list<LogField> f = {}) {
  log(LogLevel::Debug, event, f);
}

// Formats one line without writing it (used by log() and by tests).
std::string format_log_line(std::string_view program, LogLevel level, std::string_view event,
                            std::initializer_list<LogField> fields);

}  // namespace ark::base
