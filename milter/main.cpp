// ark-milter: the composition root. Parses the command line, loads and validates the
// config, builds the object graph (DbPool -> MySqlMessageStore -> MessageFilter) and runs
// libmilter's loop in the foreground, logging to stderr (and syslog when configured).
//
//   ark-milter [--config FILE]   run (default FILE: /etc/ark/milter.yaml)
//   ark-milter --check-config    validate FILE, the secret, the socket's directory and
//                                group; exit 0, or 78 with one line naming the key
//   ark-milter --print-default-config
//
// The database is not needed to start: the pool connects on first use, and while the
// database is down every message is tempfailed (451), recovering by itself.
#include <libmilter/mfapi.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "core/base/exit_codes.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/config/daemon_args.h"
#include "core/seal/seal.h"
#include "core/storage/db.h"
#include "milter/message_filter.h"
#include "milter/settings.h"
#include "milter/smfi/callbacks.h"
#include "milter/smfi/listener.h"
#include "milter/store/cached_send_store.h"
#include "milter/store/mysql_message_store.h"
#include "milter/store/mysql_send_store.h"
#include "milter/store/mysql_signing_key_store.h"

namespace {

using namespace ark;

int config_error(const std::string& message) {
  std::cerr << "ark-milter: " << message << "\n";
  return base::kExitConfig;
}

int fail(const char* event, const base::Error& error) {
  base::log_error(event, {{"error", error.message}});
  return error.kind == base::ErrorKind::Invalid ? base::kExitConfig : base::kExitSoftware;
}

void log_database_state(storage::DbPool& pool) {
  base::Status st = pool.ping();
  if (st) {
    base::log_info("database_ok");
  } else {
    base::log_warn("database_unavailable",
                   {{"error", st.error().message},
                    {"effect", "messages are tempfailed until the database is back"}});
  }
}

base::Status open_socket(const milter::MilterSettings& s) {
  base::Status st = milter::smfi::configure_listener(s);
  if (st) {
    st = milter::smfi::register_filter();
  }
  if (st) {
    st = milter::smfi::open_listener(s);
  }
  return st;
}

milter::DkimSettings dkim_settings(const milter::MilterSettings& s) {
  milter::DkimSettings d;
  d.enabled = s.dkim_enabled;
  d.ed25519 = s.dkim_ed25519;
  d.tempfail_on_error = s.dkim_tempfail_on_error;
  d.signed_headers = s.dkim_signed_headers;
  return d;
}

// The seal key when DKIM signing is on (it unseals the stored private keys).
base::Result<std::optional<seal::SealKey>> load_seal_key(const milter::MilterSettings& s) {
  if (!s.dkim_enabled) {
    return std::optional<seal::SealKey>();
  }
  auto key = seal::SealKey::load_file(s.seal_key_file);
  if (!key) {
    return base::Error::invalid("seal.key_file: " + key.error().message, "seal.key_file");
  }
  return std::optional<seal::SealKey>(std::move(*key));
}

// Never returns: see the notes on quick_exit.
[[noreturn]] void run(const milter::MilterSettings& s, std::string secret,
                      std::optional<seal::SealKey> seal_key) {
  base::log_init("ark-milter", s.log_level, s.log_syslog);
  // Process-lifetime objects, deliberately never destroyed: libmilter leaves session
  // threads detached, so one may still be using them when smfi_main returns.
  auto* pool = new storage::DbPool(s.database);
  auto* store = new milter::MySqlMessageStore(*pool);
  const auto& clock = base::SystemClock::instance();
  milter::SigningKeys* keys = nullptr;
  if (seal_key) {
    keys = new milter::SigningKeys(*new milter::MySqlSigningKeyStore(*pool), std::move(*seal_key),
                                   clock, s.dkim_cache_ttl_ms);
  }
  milter::SendStore* send_store = nullptr;
  if (s.send_enabled) {
    send_store =
        new milter::CachedSendStore(*new milter::MySqlSendStore(*pool), clock, s.send_cache_ttl_ms);
  }
  milter::SendPolicySettings send{s.send_policy, s.relay_daemon_name, s.relay_tenant, {}, {}};
  milter::FilterSettings fs{std::move(secret), s.binding_max_age_s, s.node, s.on_internal_error,
                            s.return_path_host};
  milter::smfi::install_filter(std::make_shared<const milter::MessageFilter>(
      std::move(fs), *store, clock, keys, dkim_settings(s), send_store, std::move(send)));
  if (base::Status st = open_socket(s); !st) {
    std::quick_exit(fail("startup_failed", st.error()));
  }
  log_database_state(*pool);
  base::log_info("started", {{"socket", s.socket},
                             {"node", s.node},
                             {"dkim", keys != nullptr ? "on" : "off"},
                             {"send_policy", send_store != nullptr ? "on" : "off"},
                             {"return_path_host", s.return_path_host},
                             {"on_internal_error", milter::to_string(s.on_internal_error)}});
  int rc = smfi_main();
  milter::smfi::remove_listener_socket(s);
  base::log_info("stopped", {{"result", rc == MI_SUCCESS ? "ok" : "error"}});
  // quick_exit skips static destructors, which detached session threads could still race.
  std::quick_exit(rc == MI_SUCCESS ? base::kExitOk : base::kExitSoftware);
}

}  // namespace

int main(int argc, char** argv) {
  config::DaemonArgs opts;
  auto cfg = config::load_daemon_config(argc, argv, "ark-milter", "/etc/ark/milter.yaml",
                                        milter::milter_schema(), &opts);
  if (const int* exit_code = std::get_if<int>(&cfg)) {
    return *exit_code;
  }
  auto settings = milter::milter_settings(std::get<config::Config>(cfg));
  if (!settings) {
    return config_error(opts.config_path + ": " + settings.error().message);
  }
  auto secret = milter::load_binding_secret(settings->binding_secret_file);
  if (!secret) {
    return config_error(opts.config_path + ": " + secret.error().message);
  }
  auto seal_key = load_seal_key(*settings);
  if (!seal_key) {
    return config_error(opts.config_path + ": " + seal_key.error().message);
  }
  if (opts.check_config) {
    if (base::Status st = milter::smfi::check_listener(*settings); !st) {
      return config_error(opts.config_path + ": " + st.error().message);
    }
    std::cout << "ark-milter: " << opts.config_path << ": OK\n";
    return base::kExitOk;
  }
  run(*settings, std::move(*secret), std::move(*seal_key));
}
