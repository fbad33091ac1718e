#include "milter/settings.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ark::milter {

using base::Error;
using base::Result;
using config::KeyType;

namespace {

constexpr size_t kMaxNodeLength = 64;  // messages.node is VARCHAR(64)

Error key_error(const std::string& key, const std::string& message) {
  return Error::invalid(key + ": " + message, key);
}

Result<int> parse_port(std::string_view text) {
  int port = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || port < 1 ||
      port > 65535) {
    return Error::invalid("bad port '" + std::string(text) + "'");
  }
  return port;
}

Result<SocketSpec> parse_inet(std::string_view rest) {
  size_t at = rest.find('@');
  if (at == std::string_view::npos || at + 1 == rest.size()) {
    return Error::invalid("expected PORT@HOST, e.g. inet:10030@127.0.0.1");
  }
  auto port = parse_port(rest.substr(0, at));
  if (!port) {
    return port.error();
  }
  SocketSpec spec;
  spec.kind = SocketSpec::Kind::Inet;
  spec.port = *port;
  spec.host = std::string(rest.substr(at + 1));
  return spec;
}

std::string resolve_node(const std::string& configured) {
  if (!configured.empty()) {
    return configured;
  }
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
    return "localhost";
  }
  return name;
}

void add_dkim_keys(config::Schema& s) {
  s.add({"dkim.enabled", KeyType::Bool, "true",
         "DKIM-sign mail whose From domain is a verified domain of its tenant"});
  s.add({"dkim.ed25519", KeyType::Bool, "true",
         "add an ed25519-sha256 signature when the domain has a published Ed25519 key"});
  s.add({"dkim.key_cache_ttl",
         KeyType::Duration,
         "60s",
         "how long a domain's keys (or their absence) are cached",
         {},
         0,
         86400000});
  s.add({"dkim.on_error",
         KeyType::Enum,
         "tempfail",
         "when signing fails (database down, a key that does not unseal): tempfail or "
         "deliver unsigned",
         {"tempfail", "unsigned"}});
  s.add({"dkim.signed_headers", KeyType::List, "",
         "header fields to sign (lower case, must include from); empty: the built-in set"});
  s.add({"seal.key_file", KeyType::String, "/etc/ark/seal.key",
         "the key ark-admind seals DKIM private keys with (same file); not world-readable"});
}

Result<bool> read_dkim(const config::Config& cfg, MilterSettings& s) {
  s.dkim_enabled = cfg.get_bool("dkim.enabled");
  s.dkim_ed25519 = cfg.get_bool("dkim.ed25519");
  s.dkim_cache_ttl_ms = cfg.get_duration_ms("dkim.key_cache_ttl");
  s.dkim_tempfail_on_error = cfg.get_string("dkim.on_error") == "tempfail";
  s.dkim_signed_headers = cfg.get_list("dkim.signed_headers");
  bool has_from = s.dkim_signed_headers.empty();
  for (auto& h : s.dkim_signed_headers) {
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
    has_from = has_from || h == "from";
  }
  if (!has_from) {
    return key_error("dkim.signed_headers", "must include from (RFC 6376 §5.4)");
  }
  s.seal_key_file = cfg.get_string("seal.key_file");
  if (s.dkim_enabled && s.seal_key_file.empty()) {
    return key_error("seal.key_file", "must name a file while dkim.enabled is true");
  }
  return true;
}

// The send policy (issue 4): SMTP AUTH and relay mail, checks, limits (policy/engine).
void add_send_keys(config::Schema& s) {
  s.add({"send.enabled", KeyType::Bool, "true",
         "enforce the send policy (SMTP AUTH mail, senders, limits); false: API mail only"});
  s.add({"send.cache_ttl",
         KeyType::Duration,
         "5s",
         "how long logins, tenant states and sender domains are cached",
         {},
         0,
         3600000});
  s.add({"relay.daemon_name", KeyType::String, "",
         "smtpd listener (master.cf -o milter_macro_daemon_name=...) whose unauthenticated "
         "mail is sent as relay.tenant; empty disables"});
  s.add({"relay.tenant", KeyType::String, "", "the tenant mail of the relay listener belongs to"});
  policy::add_send_policy_keys(s);
}

Result<bool> read_send(const config::Config& cfg, MilterSettings& s) {
  s.send_enabled = cfg.get_bool("send.enabled");
  s.send_cache_ttl_ms = cfg.get_duration_ms("send.cache_ttl");
  s.relay_daemon_name = cfg.get_string("relay.daemon_name");
  s.relay_tenant = cfg.get_string("relay.tenant");
  if (!s.relay_daemon_name.empty() && s.relay_tenant.empty()) {
    return key_error("relay.tenant", "must name a tenant while relay.daemon_name is set");
  }
  auto policy = policy::send_policy_settings(cfg);
  if (!policy) {
    return policy.error();
  }
  s.send_policy = *policy;
  return true;
}

}  // namespace

config::Schema milter_schema() {
  config::Schema s("ark-milter");
  s.add({"milter.socket", KeyType::String, "unix:/run/ark/milter.sock",
         "listen address: unix:/path (best on the Postfix host) or inet:PORT@127.0.0.1"});
  s.add({"milter.socket_group", KeyType::String, "postfix",
         "group given to the unix socket so Postfix can connect; empty leaves it"});
  s.add({"milter.socket_mode", KeyType::String, "0660", "permission bits of the unix socket"});
  s.add({"milter.on_internal_error",
         KeyType::Enum,
         "tempfail",
         "answer to Postfix when the milter itself fails",
         {"tempfail", "accept", "reject"}});
  s.add({"milter.timeout",
         KeyType::Duration,
         "30s",
         "libmilter I/O timeout towards Postfix",
         {},
         1000,
         3600000});
  s.add({"milter.node", KeyType::String, "",
         "this node's name, recorded with each queue id; empty uses the host name"});
  s.add({"binding.secret_file", KeyType::String, "/etc/ark/binding.secret",
         "file holding the binding HMAC secret shared with ark-admind (first line)"});
  s.add({"binding.max_age",
         KeyType::Duration,
         "10m",
         "how long after signing a binding header is accepted",
         {},
         1000,
         86400000});
  s.add({"bounces.return_path_host", KeyType::String, "",
         "host of VERP return paths (ark-admind's dns.return_path_host, when its "
         "bounces.lmtp_socket is set): SMTP-submitted mail gets such an envelope sender, and "
         "unbound mail whose recipients are all on this host (reports coming back) is let "
         "through to Postfix; empty: off"});
  add_dkim_keys(s);
  add_send_keys(s);
  storage::add_database_keys(s);
  s.add({"log.level",
         KeyType::Enum,
         "info",
         "lowest level written",
         {"debug", "info", "warning", "error"}});
  s.add({"log.syslog", KeyType::Bool, "false", "also send log lines to syslog (facility mail)"});
  return s;
}

Result<SocketSpec> parse_socket_spec(std::string_view text) {
  auto starts = [&](std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; };
  if (starts("unix:") || starts("local:")) {
    std::string_view path = text.substr(text.find(':') + 1);
    if (path.empty() || path.front() != '/') {
      return Error::invalid("a unix socket needs an absolute path");
    }
    SocketSpec spec;
    spec.path = std::string(path);
    return spec;
  }
  if (starts("inet:")) {
    return parse_inet(text.substr(5));
  }
  return Error::invalid("expected unix:/path or inet:PORT@HOST");
}

Result<mode_t> parse_socket_mode(std::string_view text) {
  unsigned mode = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || mode > 0777) {
    return Error::invalid("expected octal permission bits such as 0660");
  }
  return static_cast<mode_t>(mode);
}

Result<MilterSettings> milter_settings(const config::Config& cfg) {
  MilterSettings s;
  s.socket = cfg.get_string("milter.socket");
  auto spec = parse_socket_spec(s.socket);
  if (!spec) {
    return key_error("milter.socket", spec.error().message);
  }
  s.socket_spec = *spec;
  s.socket_group = cfg.get_string("milter.socket_group");
  auto mode = parse_socket_mode(cfg.get_string("milter.socket_mode"));
  if (!mode) {
    return key_error("milter.socket_mode", mode.error().message);
  }
  s.socket_mode = *mode;
  parse_fail_action(cfg.get_string("milter.on_internal_error"), &s.on_internal_error);
  s.timeout_s = static_cast<int>((cfg.get_duration_ms("milter.timeout") + 999) / 1000);
  s.node = resolve_node(cfg.get_string("milter.node"));
  if (s.node.size() > kMaxNodeLength) {
    return key_error("milter.node", "longer than 64 characters");
  }
  s.binding_secret_file = cfg.get_string("binding.secret_file");
  if (s.binding_secret_file.empty()) {
    return key_error("binding.secret_file", "must name a file");
  }
  s.binding_max_age_s = cfg.get_duration_ms("binding.max_age") / 1000;
  s.return_path_host = cfg.get_string("bounces.return_path_host");
  if (s.return_path_host.find_first_of("@<> \t") != std::string::npos) {
    return key_error("bounces.return_path_host", "must be a host name");
  }
  auto db = storage::database_settings(cfg);
  if (!db) {
    return db.error();
  }
  s.database = *db;
  if (auto dkim = read_dkim(cfg, s); !dkim) {
    return dkim.error();
  }
  if (auto send = read_send(cfg, s); !send) {
    return send.error();
  }
  base::parse_log_level(cfg.get_string("log.level"), &s.log_level);
  s.log_syslog = cfg.get_bool("log.syslog");
  return s;
}

Result<std::string> load_binding_secret(const std::string& path) {
  auto secret = config::read_secret_file(path);
  if (!secret) {
    return key_error("binding.secret_file", secret.error().message);
  }
  if (secret->size() < kMinSecretLength) {
    return key_error("binding.secret_file", "secret in " + path + " is shorter than " +
                                                std::to_string(kMinSecretLength) + " characters");
  }
  return secret;
}

}  // namespace ark::milter
