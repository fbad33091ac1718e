// MySQL/MariaDB access through Connector/C++ 1.1: a bounded connection pool and the one
// place where sql::SQLException is turned into base::Error (style.md §4).
//
// Usage: pool.run([&](sql::Connection& c) -> base::Status { ...prepared statements... });
//        pool.run_tx(...) does the same inside a transaction (commit on success, rollback
//        on an error value or an exception).
// Error mapping: duplicate key -> Conflict; server gone, connect failure, lock wait or
// deadlock -> Transient (the connection is discarded, so the pool recovers by itself
// when the server is back); anything else -> Internal.
//
// Ownership: the pool owns every connection; callbacks borrow one for the call only.
// Thread-safety: DbPool is safe to share between threads; a connection is used by one
// thread at a time. Construct the first pool before starting threads (the driver
// instance getter is not thread-safe).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/config/config.h"

namespace sql {
class Connection;
}  // namespace sql

namespace ark::storage {

struct DbSettings {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string socket;  // when set, used instead of host/port
  std::string user = "ark";
  std::string password;
  std::string schema = "ark";
  int connect_timeout_s = 3;
  int rw_timeout_s = 10;
  int pool_size = 8;
  std::chrono::milliseconds acquire_timeout{2000};
};

// Adds the database.* keys to a daemon's schema and reads them back.
void add_database_keys(config::Schema& schema);
base::Result<DbSettings> database_settings(const config::Config& cfg);

class DbPool {
 public:
  using Fn = std::function<base::Status(sql::Connection&)>;

  explicit DbPool(DbSettings settings);
  ~DbPool();
  DbPool(const DbPool&) = delete;
  DbPool& operator=(const DbPool&) = delete;

  base::Status run(const Fn& fn);
  base::Status run_tx(const Fn& fn);
  // A cheap round trip (SELECT 1), used by health checks.
  base::Status ping();

 private:
  struct Slot;
  base::Result<std::unique_ptr<Slot>> acquire();
  void release(std::unique_ptr<Slot> slot, bool healthy);
  base::Status execute(const Fn& fn, bool tx);

  DbSettings settings_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Slot>> idle_;
  int open_ = 0;  // leased + idle
};

// Maps a Connector/C++ error code to an ErrorKind (exposed for tests).
base::ErrorKind classify_sql_error(int code);

}  // namespace ark::storage
