// ark-admind: the REST API (`api` role) and the Postfix log follower (`logs` role).
// main() parses the command line and config; AdmindApp (a Poco ServerApplication)
// builds the object graph, runs until SIGTERM/SIGINT, and shuts down in reverse order.
#include <Poco/Util/ServerApplication.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <thread>

#include "admind/admind_config.h"
#include "admind/api/api_platform.h"
#include "admind/api/email_send.h"
#include "admind/api/resource_module.h"
#include "admind/api/services.h"
#include "admind/dns_monitor/monitor_module.h"
#include "admind/events/events_module.h"
#include "admind/http/server.h"
#include "admind/logs/logs_role.h"
#include "admind/send/send_service.h"
#include "admind/store/email_store.h"
#include "admind/store/key_store.h"
#include "admind/store/tenant_store.h"
#include "admind/submit/submitter.h"
#include "core/base/exit_codes.h"
#include "core/base/log.h"
#include "core/base/metrics.h"
#include "core/config/daemon_args.h"
#include "core/storage/db.h"

namespace ark::admind {
namespace {

using http::ApiError;

http::Authenticator make_authenticator(store::KeyStore& keys) {
  return [&keys](const std::string& token) -> std::variant<http::Principal, ApiError> {
    if (token.rfind("ark_", 0) != 0) {
      return ApiError{401, "invalid_api_key", "API keys start with ark_", "Authorization", {}};
    }
    auto row = keys.find_by_key(token);
    if (!row) {
      if (row.error().kind == base::ErrorKind::NotFound) {
        return ApiError{401, "invalid_api_key", "unknown API key", "Authorization", {}};
      }
      return http::api_error_from(row.error());
    }
    if (row->revoked) {
      return ApiError{401, "expired_api_key", "this API key has been revoked", "Authorization", {}};
    }
    if (!row->tenant_id.empty()) {
      keys.note_used(row->id);  // lastUsedAt of the tenant's api credential
    }
    return http::Principal{row->id, row->tenant_id};
  };
}

// GET /metrics: this process's counters (core/base/metrics.h) and, read at each scrape, the
// database's reachability and the event outbox's backlog. Organisation keys only: the
// numbers span every tenant.
void add_metrics(http::Router& router, storage::DbPool& db) {
  auto& m = base::Metrics::global();
  m.describe("ark_http_requests_total", "API requests answered, by endpoint and status class");
  m.histogram("ark_http_request_duration_seconds",
              "time from reading a request to having written its response, by endpoint",
              base::Metrics::kLatencyBounds);
  m.describe("ark_log_lines_total", "Postfix log lines read by the log follower");
  m.describe("ark_log_attempts_total", "delivery attempts recorded from the log");
  m.describe("ark_log_events_total", "outbox events written from the log");
  m.describe("ark_log_unmatched_total", "delivery lines of messages that are not ours");
  m.describe("ark_log_rejected_total", "log lines the database refused for good");
  m.describe("ark_event_attempts_total",
             "event deliveries tried, by target kind and what happens next");
  m.describe("ark_bounce_reports_total", "non-delivery reports taken by the bounce intake");
  m.describe("ark_limit_released_total", "messages released after waiting for send-limit room");
  m.describe("ark_plugin_counter_total", "counters kept by event plugins, by name");
  m.gauge("ark_database_up", "1 when the database answers", [&db](const base::Metrics::Emit& emit) {
    emit("ark_database_up", {}, db.ping() ? 1 : 0);
  });
  m.gauge("ark_outbox_backlog", "outbox events and dispatch jobs waiting, by kind",
          [&db](const base::Metrics::Emit& emit) {
            (void)db.run([&](sql::Connection& c) -> base::Status {
              std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(
                  "SELECT 'events_pending', COUNT(*) FROM events WHERE dispatch_state = "
                  "'pending' UNION ALL SELECT CONCAT('jobs_', state), COUNT(*) FROM "
                  "dispatch_jobs GROUP BY state"));
              std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
              while (rs->next()) {
                emit("ark_outbox_backlog", {{"kind", rs->getString(1)}},
                     static_cast<double>(rs->getInt64(2)));
              }
              return {};
            });
          });
  router.add("GET", "/metrics", "metrics", [](http::Request& req) -> http::Outcome {
    if (!req.principal.org_level()) {
      return http::ApiError::permission_denied("metrics need an organisation-level key");
    }
    return http::Reply::raw_body(base::Metrics::global().render(),
                                 "text/plain; version=0.0.4; charset=utf-8");
  });
}

class AdmindApp final : public Poco::Util::ServerApplication {
 public:
  explicit AdmindApp(const config::Config& cfg) : cfg_(cfg) {}

 protected:
  int main(const std::vector<std::string>&) override {
    auto db_settings = storage::database_settings(cfg_);
    auto secret = config::read_secret_file(cfg_.get_string("binding.secret_file"));
    if (!db_settings || !secret || secret->empty()) {
      std::cerr << "ark-admind: "
                << (!db_settings ? db_settings.error().message
                                 : "binding.secret_file: missing or empty secret")
                << "\n";
      return base::kExitConfig;
    }
    const base::Clock& clock = base::SystemClock::instance();
    storage::DbPool db(*db_settings);
    store::TenantStore tenants(db, clock);
    store::EmailStore emails(db, clock);
    store::KeyStore keys(db, clock);
    submit::Submitter submitter({cfg_.get_string("submit.host"),
                                 static_cast<int>(cfg_.get_int("submit.port")),
                                 static_cast<int>(cfg_.get_duration_ms("submit.timeout") / 1000),
                                 cfg_.get_string("submit.helo")});
    api::Services services{clock,
                           tenants,
                           emails,
                           submitter,
                           *secret,
                           cfg_.get_string("api.message_id_domain"),
                           cfg_.get_string("api.default_tenant")};
    auto resources = api::ResourceModule::create(cfg_, db, clock);
    if (!resources) {
      std::cerr << "ark-admind: " << resources.error().message << "\n";
      return base::kExitConfig;
    }
    http::Router router;
    api::add_tenant_routes(router, services);
    api::add_email_routes(router, services);
    // API sends (issue 4): the policy engine's checks, the records, and one pipelined SMTP
    // session per call (admind/send/send_service.h).
    auto send_policy = policy::send_policy_settings(cfg_);
    if (!send_policy) {
      std::cerr << "ark-admind: " << send_policy.error().message << "\n";
      return base::kExitConfig;
    }
    send::SendStore send_store(db, clock);
    send::SmtpBatch smtp_batch({cfg_.get_string("submit.host"),
                                static_cast<int>(cfg_.get_int("submit.port")),
                                static_cast<int>(cfg_.get_duration_ms("submit.timeout") / 1000),
                                cfg_.get_string("submit.helo")});
    send::SendService sender(
        send_store, smtp_batch, clock,
        {*secret, cfg_.get_string("api.message_id_domain"), cfg_.get_string("api.default_tenant"),
         *send_policy,
         // VERP only when reports come back to the bounce intake
         cfg_.get_string("bounces.lmtp_socket").empty() ? std::string()
                                                        : cfg_.get_string("dns.return_path_host")});
    api::add_send_routes(router, sender);
    api::add_resource_routes(router, services, (*resources)->services());
    add_metrics(router, db);
    api::ApiPlatform platform(cfg_, db, clock, services, &(*resources)->services().seal_key);
    platform.add_routes(router);
    platform.set_send_window([&sender](const std::string& tenant) {
      std::optional<api::SendWindow> out;
      if (auto w = sender.hourly(tenant)) {
        out = api::SendWindow{w->limit, w->used, w->reset_s};
      }
      return out;
    });
    http::Dispatcher dispatcher(
        router, make_authenticator(keys), [&db] { return db.ping(); },
        cfg_.get_size("api.max_body_size"));
    dispatcher.set_hooks(platform.hooks());
    platform.start();
    // Events out (issue 7): plugins, webhook signing keys, JWKS, test/replay sends, and with
    // the events role the outbox dispatcher. A refused plugin stops startup here.
    std::unique_ptr<events::EventsModule> events_out;
    if (cfg_.has_item("roles", "api") || cfg_.has_item("roles", "events")) {
      auto m = events::EventsModule::create(cfg_, db, clock, cfg_.has_item("roles", "events"));
      if (!m) {
        std::cerr << "ark-admind: " << m.error().message << "\n";
        return base::kExitConfig;
      }
      events_out = std::move(*m);
      services.webhook_sender = events_out->sender();
      dispatcher.set_jwks([&events_out] { return events_out->jwks(); });
    }
    std::unique_ptr<http::ApiServer> server;
    if (cfg_.has_item("roles", "api")) {
      http::ServerSettings ss{
          cfg_.get_string("api.host"), static_cast<int>(cfg_.get_int("api.port")),
          static_cast<int>(cfg_.get_int("api.threads")), cfg_.get_size("api.max_body_size")};
      server = std::make_unique<http::ApiServer>(ss, dispatcher);
      server->start();
      base::log_info("api_listening", {{"host", ss.host},
                                       {"port", server->port()},
                                       {"routes", static_cast<int>(router.size())}});
    }
    // DNS re-check of verified domains (issue 5), with the api role; safe on several
    // instances (each domain is claimed before it is checked).
    auto dns_checks = dns_monitor::MonitorModule::create(cfg_, db, clock);
    if (!dns_checks) {
      std::cerr << "ark-admind: " << dns_checks.error().message << "\n";
      return base::kExitConfig;
    }
    if (cfg_.has_item("roles", "api")) {
      (*dns_checks)->monitor().start();
    }
    // The logs role (issue 6): log follower, bounce intake (LMTP), manual re-delivery.
    std::unique_ptr<logs::LogsRole> logs_role;
    if (cfg_.has_item("roles", "logs")) {
      auto role = logs::LogsRole::create(
          cfg_, db, clock, *secret,
          [&submitter](const std::string& from, const std::vector<std::string>& rcpts,
                       const std::string& text) {
            return submitter.submit_text(from, rcpts, text);
          });
      base::Status started = role ? (*role)->start() : base::Status(role.error());
      if (!started) {
        std::cerr << "ark-admind: logs role: " << started.error().message << "\n";
        return base::kExitConfig;
      }
      logs_role = std::move(*role);
    }
    if (events_out) {
      events_out->start();
    }
    waitForTerminationRequest();
    base::log_info("shutting_down");
    if (events_out) {
      events_out->stop();
    }
    (*dns_checks)->monitor().stop();
    if (logs_role) {
      logs_role->stop();
    }
    if (server) {
      server->stop();
    }
    platform.stop();
    return base::kExitOk;
  }

 private:
  const config::Config& cfg_;
};

}  // namespace
}  // namespace ark::admind

int main(int argc, char** argv) {
  using namespace ark;
  config::DaemonArgs opts;
  auto loaded = config::load_daemon_config(argc, argv, "ark-admind", "/etc/ark/admind.yaml",
                                           admind::admind_schema(), &opts);
  if (const int* exit_code = std::get_if<int>(&loaded)) {
    return *exit_code;
  }
  const config::Config* cfg = &std::get<config::Config>(loaded);
  if (opts.check_config) {
    std::cout << "ark-admind: " << opts.config_path << ": OK\n";
    return base::kExitOk;
  }
  base::LogLevel level = base::LogLevel::Info;
  base::parse_log_level(cfg->get_string("log.level"), &level);
  base::log_init("ark-admind", level, cfg->get_bool("log.syslog"));
  // A peer that closed its socket (an idle SMTP session Postfix timed out, a webhook
  // receiver, an API client) is an error return from send(), not a reason to die.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    admind::AdmindApp app(*cfg);
    char* args[] = {argv[0], nullptr};
    return app.run(1, args);
  } catch (const std::exception& e) {
    std::cerr << "ark-admind: fatal: " << e.what() << "\n";
    return base::kExitSoftware;
  }
}
