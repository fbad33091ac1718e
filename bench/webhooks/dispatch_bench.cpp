// dispatch_bench: events per second through admind's whole dispatcher, database included:
// outbox rows fanned out (claimed FOR UPDATE SKIP LOCKED, one signed job each), jobs
// claimed, POSTed by webhook.so to a receiver on loopback, and every attempt recorded.
//
//   dispatch_bench [COUNT [WORKERS]]      (default 2000 events, 16 workers)
//
// Needs a migrated database and no other events dispatcher on it: bench/webhooks/run
// dispatch brings up a dev stack and stops its admind first. Database settings come from
// the dev stack's environment (ARK_DB_HOST, ARK_DB_PORT, ARK_DB_SOCKET, ARK_DB_USER,
// ARK_DB_NAME, ARK_DB_PASSWORD_FILE). One tenant with one allEvents webhook; the per-endpoint
// cap is set to WORKERS so the one endpoint can use them all. The tenant (and by cascade
// everything made here) is deleted at the end.
#include <cppconn/prepared_statement.h>
#include <mysql_connection.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "admind/events/dispatcher.h"
#include "bench/webhooks/receiver.h"
#include "core/base/log.h"
#include "core/crypto/crypto.h"

namespace {

using namespace ark::events;
using Clock = std::chrono::steady_clock;
using Stmt = std::unique_ptr<sql::PreparedStatement>;

const std::string kPayload =
    "{\"message\":{\"id\":12345,\"token\":\"eml_2b6c0a3e9f1d4c7b\",\"direction\":\"outgoing\","
    "\"message_id\":\"<msgXcuaRTFbUWICMiq4ypSNl@mx.example.net>\",\"to\":\"customer@example.com\","
    "\"from\":\"Shop <orders@shop.example>\",\"subject\":\"Your order #100234 has shipped\","
    "\"timestamp\":1764380000.123456,\"spam_status\":\"NotChecked\",\"tag\":\"shipping\","
    "\"metadata\":{\"order_id\":\"100234\"}},\"status\":\"Sent\",\"details\":\"accepted\","
    "\"output\":\"250 2.0.0 Ok\",\"sent_with_ssl\":true,\"timestamp\":1764380001.654321,"
    "\"time\":0.53}";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) {
    std::fprintf(stderr, "dispatch_bench: %s is not set (source the dev stack's env)\n", name);
    std::exit(2);
  }
  return v;
}

ark::storage::DbSettings db_settings(int pool) {
  ark::storage::DbSettings s;
  s.host = env("ARK_DB_HOST");
  s.port = std::stoi(env("ARK_DB_PORT"));
  s.socket = env("ARK_DB_SOCKET");
  s.user = env("ARK_DB_USER");
  s.schema = env("ARK_DB_NAME");
  std::ifstream pw(env("ARK_DB_PASSWORD_FILE"));
  std::getline(pw, s.password);
  s.pool_size = pool;
  return s;
}

std::string uuid4() {
  std::string h = ark::crypto::hex(ark::crypto::random_bytes(16));
  h[12] = '4';
  h[16] = "89ab"[static_cast<unsigned char>(h[16]) % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

ark::base::Status exec(ark::storage::DbPool& db, const std::string& sql,
                       const std::vector<std::string>& params) {
  return db.run([&](sql::Connection& c) -> ark::base::Status {
    Stmt ps(c.prepareStatement(sql));
    for (size_t i = 0; i < params.size(); ++i) {
      ps->setString(static_cast<unsigned>(i + 1), params[i]);
    }
    ps->executeUpdate();
    return {};
  });
}

// The tenant, its webhook and COUNT pending outbox rows.
bool seed(ark::storage::DbPool& db, const std::string& tenant, const std::string& url, int count) {
  std::string now = ark::base::format_sql_datetime(ark::base::SystemClock::instance().now_us());
  bool ok = exec(db,
                 "INSERT INTO tenants (id, name, metadata, status, created_at, updated_at) "
                 "VALUES (?, 'Bench', '{}', 'active', ?, ?)",
                 {tenant, now, now})
                .ok() &&
            exec(db,
                 "INSERT INTO webhooks (uuid, tenant_id, name, url, events, all_events, enabled, "
                 "created_at, updated_at) VALUES (?, ?, 'bench', ?, '[]', 1, 1, ?, ?)",
                 {uuid4(), tenant, url, now, now})
                .ok();
  auto st = db.run_tx([&](sql::Connection& c) -> ark::base::Status {
    Stmt ps(c.prepareStatement(
        "INSERT INTO events (uuid, tenant_id, type, source_key, payload, occurred_at, "
        "created_at) VALUES (?, ?, 'MessageSent', ?, ?, ?, ?)"));
    for (int i = 0; i < count; ++i) {
      std::string u = uuid4();
      ps->setString(1, u);
      ps->setString(2, tenant);
      ps->setString(3, "bench:" + u);
      ps->setString(4, kPayload);
      ps->setString(5, now);
      ps->setString(6, now);
      ps->executeUpdate();
    }
    return {};
  });
  return ok && st.ok();
}

}  // namespace

int main(int argc, char** argv) {
  ark::base::log_init("dispatch_bench", ark::base::LogLevel::Warning, false);
  int count = argc > 1 ? std::atoi(argv[1]) : 2000;
  int workers = argc > 2 ? std::atoi(argv[2]) : 16;
  ark::bench::BenchReceiver receiver(workers * 2);
  const std::string url = receiver.url();
  const auto& received = receiver.counts().received;

  ark::storage::DbPool db(db_settings(workers + 4));
  std::string tenant = "ten_bench" + ark::crypto::random_alnum(8, true);
  if (!seed(db, tenant, url, count)) {
    std::fprintf(stderr, "dispatch_bench: could not seed the database\n");
    return 1;
  }
  PluginHost host(ARK_PLUGIN_BUILD_DIR, PluginHostServices::defaults());
  auto plugin = host.load("webhook.so");
  auto webhook = plugin ? host.instantiate(**plugin, "bench",
                                           {{"allow_http", "true"}, {"allow_loopback", "true"}})
                        : ark::base::Result<std::unique_ptr<PluginInstance>>(plugin.error());
  auto pem = SigningKey::generate_private_pem(2048);
  if (!webhook || !pem) {
    std::fprintf(stderr, "dispatch_bench: setup failed\n");
    return 1;
  }
  KeyRing keys(std::make_shared<const WebhookSigner>(
      *WebhookSigner::create(*SigningKey::from_private_pem(*pem), {})));
  MysqlDispatchStore store(db);
  DispatcherSettings s;
  s.workers = workers;
  s.per_target = workers;
  s.poll = std::chrono::milliseconds(50);
  s.owner = "dispatch-bench";
  Transports t;
  const PluginInstance& instance = **webhook;
  t.webhook = [&instance](const PluginEvent& ev, uint64_t deadline) {
    return instance.deliver(ev, deadline);
  };
  Dispatcher dispatcher(s, store, std::move(t), keys, ark::base::SystemClock::instance(),
                        PluginHostServices::defaults().monotonic_ms);
  auto started = Clock::now();
  dispatcher.start();
  while (received < count && Clock::now() - started < std::chrono::seconds(600)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  double secs = std::chrono::duration<double>(Clock::now() - started).count();
  dispatcher.stop();
  std::printf(
      "dispatcher: %d events, %d workers: %.1f s, %.0f events/s delivered (signed, "
      "recorded), received %ld\n",
      count, workers, secs, count / secs, received.load());
  if (!exec(db, "DELETE FROM tenants WHERE id = ?", {tenant})) {
    std::fprintf(stderr, "dispatch_bench: could not delete tenant %s\n", tenant.c_str());
  }
  return received >= count ? 0 : 1;
}
