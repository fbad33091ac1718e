// ark-milter's configuration: the schema (every key, default, unit, one line of doc) and
// the typed, validated settings built from a loaded Config (style.md §6).
//
// Validation happens here, at load: each error names the offending key (Error::field), so
// `ark-milter --check-config` can print one line and exit 78. The binding secret is read
// by load_binding_secret, kept apart so it is never part of a printable struct.
//
// Thread-safety: plain values; build once at startup.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/log.h"
#include "core/base/result.h"
#include "core/config/config.h"
#include "core/storage/db.h"
#include "milter/decision.h"
#include "policy/engine/policy_config.h"

namespace ark::milter {

// Where libmilter listens: "unix:/path" (also "local:/path") or "inet:PORT@HOST" (an
// IPv4 address or host name). A host is required so that nothing listens on every
// address by accident. (inet6 is left out until arkctl can render it for Postfix.)
struct SocketSpec {
  enum class Kind { Unix, Inet };
  Kind kind = Kind::Unix;
  std::string path;  // Unix
  std::string host;  // Inet
  int port = 0;      // Inet
};

struct MilterSettings {
  std::string socket;  // as libmilter's smfi_setconn wants it
  SocketSpec socket_spec;
  std::string socket_group;  // chgrp target for a unix socket; empty: leave it
  mode_t socket_mode = 0660;
  Verdict on_internal_error = Verdict::Tempfail;
  int timeout_s = 30;
  std::string node;  // never empty: the configured name or gethostname()
  std::string binding_secret_file;
  int64_t binding_max_age_s = 600;
  std::string return_path_host;  // empty: envelope senders kept, no report intake
  storage::DbSettings database;
  // DKIM signing (milter/stages/dkim_sign.h); the seal key unseals the stored private keys.
  bool dkim_enabled = true;
  bool dkim_ed25519 = true;
  int64_t dkim_cache_ttl_ms = 60000;
  bool dkim_tempfail_on_error = true;
  std::vector<std::string> dkim_signed_headers;  // empty: the signer's default set
  std::string seal_key_file;
  // The send policy (issue 4): milter/stages/bind_login.h and the stages after it.
  bool send_enabled = true;
  int64_t send_cache_ttl_ms = 5000;
  std::string relay_daemon_name;
  std::string relay_tenant;
  policy::SendPolicy send_policy;
  base::LogLevel log_level = base::LogLevel::Info;
  bool log_syslog = false;
};

config::Schema milter_schema();

// Builds the typed settings. Errors are Invalid with `field` set to the key.
base::Result<MilterSettings> milter_settings(const config::Config& cfg);

base::Result<SocketSpec> parse_socket_spec(std::string_view text);
// Octal permission bits such as "0660" or "660"; at most 0777.
base::Result<mode_t> parse_socket_mode(std::string_view text);

// Reads the HMAC secret shared with admind (first line of the file). Errors: Invalid when
// the file cannot be read or the secret is shorter than kMinSecretLength.
inline constexpr size_t kMinSecretLength = 16;
base::Result<std::string> load_binding_secret(const std::string& path);

}  // namespace ark::milter
