// ark-policyd's configuration (etc/policyd.yaml): the schema with every key, default, unit
// and doc line, and the typed settings validated at load (style.md §6). Errors name the key
// (Error::field) so --check-config prints one line and exits 78.
//
// Postfix reaches the socket with `smtpd_sasl_path = <policyd.socket>` (an absolute path
// works when smtpd runs with chroot = n); `arkctl postfix-config` prints those lines.
//
// Thread-safety: plain values; build once at startup.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "core/base/log.h"
#include "core/base/result.h"
#include "core/config/config.h"
#include "core/storage/db.h"
#include "policy/policyd/authenticator.h"
#include "policy/policyd/throttle.h"

namespace ark::policyd {

struct PolicydSettings {
  std::string socket_path;  // absolute
  std::string socket_group;
  mode_t socket_mode = 0660;
  int max_connections = 256;
  int64_t idle_timeout_ms = 600000;
  int64_t failure_delay_ms = 1000;
  AuthSettings auth;
  ThrottleSettings throttle;
  storage::DbSettings database;
  base::LogLevel log_level = base::LogLevel::Info;
  bool log_syslog = false;
};

config::Schema policyd_schema();
base::Result<PolicydSettings> policyd_settings(const config::Config& cfg);

}  // namespace ark::policyd
