// bench/logs: the log follower end to end into MariaDB (see bench/logs/run).
//
//   logs_follower_bench gen FILE MESSAGES
//       writes a synthetic maillog (synth.h) of MESSAGES messages (7 lines each)
//   logs_follower_bench throughput DBFLAGS MESSAGES
//       a scratch schema with MESSAGES emails whose queue ids match the synthetic log; the
//       whole log is written first, then the follower (ark::admind::logs::Follower, the code
//       ark-admind runs) reads it from the start: events/s = events committed / elapsed
//   logs_follower_bench lag DBFLAGS MESSAGES RATE [POLL_MS]
//       the log grows at RATE messages/s while the follower runs (poll interval POLL_MS,
//       default 200 = ark-admind's default); a watcher sees each event appear in the outbox
//       (polling every 10 ms, as a dispatcher would) and records write -> visible lag
// DBFLAGS: HOST PORT SOCKET USER PASSWORD_FILE SQL_DIR. The scratch schema ark_bench_<pid>
// is created, migrated with sql/ and dropped again.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "admind/logs/follower.h"
#include "bench/logs/synth.h"
#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/storage/db.h"
#include "core/storage/migrate.h"

namespace {

using namespace ark;
using Clock = std::chrono::steady_clock;

int64_t wall_us() {
  return base::SystemClock::instance().now_us();
}

std::string stamp_now() {
  time_t t = time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%b %e %H:%M:%S", &tm);
  return buf;
}

void exec(storage::DbPool& db, const std::string& sql) {
  base::Status st = db.run([&](sql::Connection& c) -> base::Status {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    s->execute(sql);
    return {};
  });
  if (!st) {
    std::fprintf(stderr, "sql failed: %s: %s\n", st.error().message.c_str(), sql.c_str());
    std::exit(1);
  }
}

int64_t count(storage::DbPool& db, const std::string& sql) {
  int64_t n = -1;
  (void)db.run([&](sql::Connection& c) -> base::Status {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(s->executeQuery(sql));
    n = rs->next() ? rs->getInt64(1) : -1;
    return {};
  });
  return n;
}

struct Scratch {
  storage::DbSettings settings;
  std::string schema;
  std::unique_ptr<storage::DbPool> admin;
  std::unique_ptr<storage::DbPool> db;
};

Scratch make_scratch(char** argv, const std::string& sql_dir) {
  Scratch s;
  s.settings.host = argv[0];
  s.settings.port = std::atoi(argv[1]);
  s.settings.socket = argv[2];
  s.settings.user = argv[3];
  std::ifstream pw(argv[4]);
  std::getline(pw, s.settings.password);
  s.settings.schema = "ark";
  s.settings.pool_size = 4;
  s.admin = std::make_unique<storage::DbPool>(s.settings);
  s.schema = "ark_bench_" + std::to_string(getpid());
  exec(*s.admin, "CREATE DATABASE " + s.schema + " CHARACTER SET utf8mb4");
  storage::DbSettings scratch = s.settings;
  scratch.schema = s.schema;
  s.db = std::make_unique<storage::DbPool>(scratch);
  auto m = storage::migrate(*s.db, sql_dir);
  if (!m) {
    std::fprintf(stderr, "migrate: %s\n", m.error().message.c_str());
    std::exit(1);
  }
  return s;
}

// One tenant, one message per queue id, one email per message, on node "bench".
void seed(storage::DbPool& db, int n) {
  exec(db,
       "INSERT INTO tenants (id, name, metadata, created_at, updated_at) VALUES "
       "('tbench', 'bench', '{}', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))");
  for (int start = 0; start < n; start += 1000) {
    std::string msgs;
    std::string emails;
    for (int i = start; i < std::min(n, start + 1000); ++i) {
      std::string id = std::to_string(i);
      msgs += std::string(msgs.empty() ? "" : ",") + "('m" + id +
              "','tbench','api','s@bench.test'," + "'Bench <s@bench.test>','bench','<bench-" + id +
              "@bench.test>','bench','" + bench::queue_id(i) + "',UTC_TIMESTAMP(6))";
      emails += std::string(emails.empty() ? "" : ",") + "('e" + id + "','m" + id + "','tbench','" +
                bench::rcpt(i) + "','pending',UTC_TIMESTAMP(6),UTC_TIMESTAMP(6))";
    }
    exec(db,
         "INSERT INTO messages (id, tenant_id, source, envelope_from, from_header, subject, "
         "message_id_hdr, node, queue_id, created_at) VALUES " +
             msgs);
    exec(db,
         "INSERT INTO emails (id, message_id, tenant_id, rcpt, status, created_at, updated_at) "
         "VALUES " +
             emails);
  }
}

admind::logs::FollowerSettings follower_settings(const std::string& path, int poll_ms) {
  admind::logs::FollowerSettings f;
  f.path = path;
  f.node = "bench";
  f.poll_ms = poll_ms;
  f.batch_lines = 500;
  f.start_at_end = false;
  return f;
}

int gen(const char* file, int n) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  std::string stamp = stamp_now();
  for (int i = 0; i < n; ++i) {
    out << bench::message_lines(i, stamp);
  }
  return 0;
}

int throughput(Scratch& s, int n) {
  std::string path = "/tmp/" + s.schema + ".maillog";
  gen(path.c_str(), n);
  auto f = std::make_unique<admind::logs::Follower>(follower_settings(path, 50), *s.db,
                                                    base::SystemClock::instance());
  auto t0 = Clock::now();
  f->start();
  while (count(*s.db, "SELECT COUNT(*) FROM events") < n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  f->stop();
  int64_t attempts = count(*s.db, "SELECT COUNT(*) FROM delivery_attempts");
  std::printf(
      "throughput: messages=%d lines=%d attempts=%lld seconds=%.2f events_per_s=%.0f "
      "lines_per_s=%.0f\n",
      n, n * 7, static_cast<long long>(attempts), secs, n / secs, n * 7 / secs);
  std::remove(path.c_str());
  return attempts == n ? 0 : 1;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1)))];
}

int lag(Scratch& s, int n, double rate, int poll_ms) {
  std::string path = "/tmp/" + s.schema + ".maillog";
  std::ofstream(path, std::ios::trunc) << "";  // exists and is empty: the follower waits
  std::vector<int64_t> written(static_cast<size_t>(n), 0);
  std::vector<int64_t> seen(static_cast<size_t>(n), 0);
  auto f = std::make_unique<admind::logs::Follower>(follower_settings(path, poll_ms), *s.db,
                                                    base::SystemClock::instance());
  f->start();
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    int64_t last = 0;
    while (!done) {
      (void)s.db->run([&](sql::Connection& c) -> base::Status {
        std::unique_ptr<sql::PreparedStatement> ps(
            c.prepareStatement("SELECT id, email_id FROM events WHERE id > ? ORDER BY id"));
        ps->setInt64(1, last);
        std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
        int64_t now = wall_us();
        while (rs->next()) {
          last = rs->getInt64(1);
          seen[static_cast<size_t>(std::stoi(std::string(rs->getString(2)).substr(1)))] = now;
        }
        return {};
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::ofstream out(path, std::ios::binary | std::ios::app);
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_until(t0 +
                                  std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / rate)));
    out << bench::message_lines(i, stamp_now());
    out.flush();
    written[static_cast<size_t>(i)] = wall_us();
  }
  double send_s = std::chrono::duration<double>(Clock::now() - t0).count();
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (count(*s.db, "SELECT COUNT(*) FROM events") < n && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  done = true;
  watcher.join();
  f->stop();
  std::vector<double> lags;
  for (size_t i = 0; i < written.size(); ++i) {
    if (seen[i] > 0) {
      lags.push_back(static_cast<double>(seen[i] - written[i]) / 1000.0);
    }
  }
  std::printf(
      "lag: messages=%d rate=%.0f/s (achieved %.1f/s) poll_ms=%d events=%zu "
      "p50=%.0fms p90=%.0fms p99=%.0fms max=%.0fms\n",
      n, rate, n / send_s, poll_ms, lags.size(), percentile(lags, 0.5), percentile(lags, 0.9),
      percentile(lags, 0.99), percentile(lags, 1.0));
  std::remove(path.c_str());
  return static_cast<int>(lags.size()) == n ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  base::log_init("logs_follower_bench", base::LogLevel::Warning, false);
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "gen" && argc == 4) {
    return gen(argv[2], std::atoi(argv[3]));
  }
  if ((mode == "throughput" && argc == 9) || (mode == "lag" && (argc == 10 || argc == 11))) {
    Scratch s = make_scratch(argv + 2, argv[7]);
    int n = std::atoi(argv[8]);
    seed(*s.db, n);
    int rc = mode == "throughput"
                 ? throughput(s, n)
                 : lag(s, n, std::atof(argv[9]), argc == 11 ? std::atoi(argv[10]) : 200);
    s.db.reset();
    exec(*s.admin, "DROP DATABASE " + s.schema);
    return rc;
  }
  std::fprintf(
      stderr,
      "usage: logs_follower_bench gen FILE MESSAGES\n"
      "       logs_follower_bench throughput HOST PORT SOCKET USER PWFILE SQLDIR N\n"
      "       logs_follower_bench lag HOST PORT SOCKET USER PWFILE SQLDIR N RATE [POLL_MS]\n");
  return 64;
}
