// ark-policyd: the composition root. Parses the command line, loads and validates the
// config, builds the object graph (DbPool -> MySqlCredentialStore -> Throttle ->
// Authenticator -> Listener) and serves Postfix's SASL requests in the foreground until
// SIGTERM or SIGINT, logging to stderr (and syslog when configured).
//
//   ark-policyd [--config FILE]   run (default FILE: /etc/ark/policyd.yaml)
//   ark-policyd --check-config    validate FILE, the socket directory and group;
//                                 exit 0, or 78 with one line naming the key
//   ark-policyd --print-default-config
//
// The database is not needed to start: while it is down every login is answered by
// closing the connection (Postfix: 454 4.7.0), recovering by itself.
#include <signal.h>

#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include "core/base/clock.h"
#include "core/base/exit_codes.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/config/daemon_args.h"
#include "core/storage/db.h"
#include "policy/policyd/authenticator.h"
#include "policy/policyd/listener.h"
#include "policy/policyd/mysql_credential_store.h"
#include "policy/policyd/settings.h"
#include "policy/policyd/throttle.h"

namespace {

using namespace ark;

int config_error(const std::string& message) {
  std::cerr << "ark-policyd: " << message << "\n";
  return base::kExitConfig;
}

int run(const policyd::PolicydSettings& s) {
  base::log_init("ark-policyd", s.log_level, s.log_syslog);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // every thread inherits the mask
  storage::DbPool pool(s.database);
  policyd::MySqlCredentialStore store(pool);
  policyd::Throttle throttle(s.throttle, base::SystemClock::instance());
  policyd::Authenticator auth(store, throttle, s.auth);
  policyd::Listener listener(s, auth);
  if (base::Status st = listener.open(); !st) {
    base::log_error("startup_failed", {{"error", st.error().message}});
    return st.error().kind == base::ErrorKind::Invalid ? base::kExitConfig : base::kExitSoftware;
  }
  if (base::Status st = pool.ping(); !st) {
    base::log_warn(
        "database_unavailable",
        {{"error", st.error().message}, {"effect", "logins fail temporarily until it is back"}});
  }
  std::thread waiter([&] {
    int sig = 0;
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigwait(&stop_signals, &sig);
    base::log_info("stopping", {{"signal", sig}});
    listener.stop();
  });
  base::log_info("started", {{"socket", s.socket_path},
                             {"max_connections", s.max_connections},
                             {"require_tls", s.auth.require_secured ? "yes" : "no"}});
  listener.run();
  waiter.join();
  base::log_info("stopped");
  return base::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  config::DaemonArgs opts;
  auto cfg = config::load_daemon_config(argc, argv, "ark-policyd", "/etc/ark/policyd.yaml",
                                        policyd::policyd_schema(), &opts);
  if (const int* exit_code = std::get_if<int>(&cfg)) {
    return *exit_code;
  }
  auto settings = policyd::policyd_settings(std::get<config::Config>(cfg));
  if (!settings) {
    return config_error(opts.config_path + ": " + settings.error().message);
  }
  if (opts.check_config) {
    if (base::Status st = policyd::check_socket_settings(*settings); !st) {
      return config_error(opts.config_path + ": " + st.error().message);
    }
    std::cout << "ark-policyd: " << opts.config_path << ": OK\n";
    return base::kExitOk;
  }
  try {
    return run(*settings);
  } catch (const std::exception& e) {
    std::cerr << "ark-policyd: fatal: " << e.what() << "\n";
    return base::kExitSoftware;
  }
}
