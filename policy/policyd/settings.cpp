#include "policy/policyd/settings.h"

#include <charconv>

namespace ark::policyd {

using base::Error;
using config::KeyType;

namespace {

Error key_error(const std::string& key, const std::string& message) {
  return Error::invalid(key + ": " + message, key);
}

}  // namespace

config::Schema policyd_schema() {
  config::Schema s("ark-policyd");
  s.add({"policyd.socket", KeyType::String, "/run/ark/policyd.sock",
         "unix socket Postfix connects to (smtpd_sasl_path); absolute path"});
  s.add({"policyd.socket_group", KeyType::String, "postfix",
         "group given to the socket so Postfix can connect; empty leaves it"});
  s.add({"policyd.socket_mode", KeyType::String, "0660", "permission bits of the socket"});
  s.add({"policyd.max_connections",
         KeyType::Int,
         "256",
         "connections served at once (one per smtpd process); more wait in the backlog",
         {},
         1,
         100000});
  s.add({"policyd.idle_timeout",
         KeyType::Duration,
         "10m",
         "a connection silent this long is closed",
         {},
         1000,
         86400000});
  s.add({"auth.require_tls", KeyType::Bool, "true",
         "refuse logins over SMTP sessions without TLS (Postfix's `secured` flag)"});
  s.add({"auth.failure_delay",
         KeyType::Duration,
         "1s",
         "pause before answering a failed login",
         {},
         0,
         60000});
  s.add({"throttle.max_failures",
         KeyType::Int,
         "10",
         "failed logins per client address within the window before it is refused; 0 = off",
         {},
         0,
         1000000});
  s.add({"throttle.window",
         KeyType::Duration,
         "10m",
         "how long failed logins of a client address are remembered",
         {},
         1000,
         86400000});
  s.add({"throttle.max_clients",
         KeyType::Int,
         "100000",
         "client addresses tracked at most (memory bound)",
         {},
         1,
         100000000});
  storage::add_database_keys(s);
  s.add({"log.level",
         KeyType::Enum,
         "info",
         "lowest level written",
         {"debug", "info", "warning", "error"}});
  s.add({"log.syslog", KeyType::Bool, "false", "also send log lines to syslog (facility mail)"});
  return s;
}

base::Result<PolicydSettings> policyd_settings(const config::Config& cfg) {
  PolicydSettings s;
  s.socket_path = cfg.get_string("policyd.socket");
  if (s.socket_path.empty() || s.socket_path.front() != '/') {
    return key_error("policyd.socket", "must be an absolute path");
  }
  if (s.socket_path.size() >= 108) {  // sun_path
    return key_error("policyd.socket", "path is too long for a unix socket");
  }
  s.socket_group = cfg.get_string("policyd.socket_group");
  const std::string& mode = cfg.get_string("policyd.socket_mode");
  unsigned bits = 0;
  auto [p, ec] = std::from_chars(mode.data(), mode.data() + mode.size(), bits, 8);
  if (mode.empty() || ec != std::errc() || p != mode.data() + mode.size() || bits > 0777) {
    return key_error("policyd.socket_mode", "expected octal permission bits such as 0660");
  }
  s.socket_mode = static_cast<mode_t>(bits);
  s.max_connections = static_cast<int>(cfg.get_int("policyd.max_connections"));
  s.idle_timeout_ms = cfg.get_duration_ms("policyd.idle_timeout");
  s.auth.require_secured = cfg.get_bool("auth.require_tls");
  s.failure_delay_ms = cfg.get_duration_ms("auth.failure_delay");
  s.throttle.max_failures = static_cast<int>(cfg.get_int("throttle.max_failures"));
  s.throttle.window_ms = cfg.get_duration_ms("throttle.window");
  s.throttle.max_clients = static_cast<size_t>(cfg.get_int("throttle.max_clients"));
  auto db = storage::database_settings(cfg);
  if (!db) {
    return db.error();
  }
  s.database = *db;
  base::parse_log_level(cfg.get_string("log.level"), &s.log_level);
  s.log_syslog = cfg.get_bool("log.syslog");
  return s;
}

}  // namespace ark::policyd
