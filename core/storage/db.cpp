#include "core/storage/db.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include "core/base/log.h"

namespace ark::storage {

using base::Error;
using base::ErrorKind;
using base::Status;

struct DbPool::Slot {
  std::unique_ptr<sql::Connection> conn;
  std::chrono::steady_clock::time_point last_used;
};

void add_database_keys(config::Schema& s) {
  using config::KeyType;
  s.add({"database.host", KeyType::String, "127.0.0.1", "MariaDB/MySQL server address"});
  s.add({"database.port", KeyType::Int, "3306", "server TCP port", {}, 1, 65535});
  s.add({"database.socket", KeyType::String, "",
         "unix socket path; when set it is used instead of host and port"});
  s.add({"database.name", KeyType::String, "ark", "schema name"});
  s.add({"database.user", KeyType::String, "ark", "user name"});
  s.add({"database.password_file", KeyType::String, "",
         "file holding the password on its first line; empty for none"});
  s.add({"database.pool_size", KeyType::Int, "8", "most open connections", {}, 1, 256});
  s.add({"database.connect_timeout", KeyType::Duration, "3s", "connect timeout", {}, 1000,
         60000});
  s.add({"database.io_timeout", KeyType::Duration, "10s", "read and write timeout per query", {},
         1000, 600000});
  s.add({"database.acquire_timeout", KeyType::Duration, "2s",
         "wait for a free pooled connection before failing", {}, 1, 60000});
}

base::Result<DbSettings> database_settings(const config::Config& cfg) {
  DbSettings s;
  s.host = cfg.get_string("database.host");
  s.port = static_cast<int>(cfg.get_int("database.port"));
  s.socket = cfg.get_string("database.socket");
  s.schema = cfg.get_string("database.name");
  s.user = cfg.get_string("database.user");
  auto pw = config::read_secret_file(cfg.get_string("database.password_file"));
  if (!pw) {
    return Error::invalid("database.password_file: " + pw.error().message,
                          "database.password_file");
  }
  s.password = *pw;
  s.pool_size = static_cast<int>(cfg.get_int("database.pool_size"));
  s.connect_timeout_s = static_cast<int>(cfg.get_duration_ms("database.connect_timeout") / 1000);
  s.rw_timeout_s = static_cast<int>(cfg.get_duration_ms("database.io_timeout") / 1000);
  s.acquire_timeout = std::chrono::milliseconds(cfg.get_duration_ms("database.acquire_timeout"));
  return s;
}

ErrorKind classify_sql_error(int code) {
  switch (code) {
    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
      return ErrorKind::Conflict;
    case 1040:  // too many connections
    case 1053:  // server shutdown in progress
    case 1205:  // lock wait timeout
    case 1213:  // deadlock
    case 1927:  // connection killed
    case 2002:  // can't connect (socket)
    case 2003:  // can't connect (TCP)
    case 2005:  // unknown host
    case 2006:  // server has gone away
    case 2013:  // lost connection during query
    case 2055:  // lost connection (system error)
    case 4031:  // disconnected by server (inactivity)
      return ErrorKind::Transient;
    default:
      return ErrorKind::Internal;
  }
}

namespace {
bool connection_broken(int code) {
  return code == 2006 || code == 2013 || code == 2055 || code == 1053 || code == 1927 ||
         code == 4031 || code == 2002 || code == 2003 || code == 0;
}
}  // namespace

DbPool::DbPool(DbSettings settings) : settings_(std::move(settings)) {
  sql::mysql::get_mysql_driver_instance();  // not thread-safe: do it once, here
}

DbPool::~DbPool() = default;

base::Result<std::unique_ptr<DbPool::Slot>> DbPool::acquire() {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + settings_.acquire_timeout;
  while (idle_.empty() && open_ >= settings_.pool_size) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= settings_.pool_size) {
      return Error::transient("database pool exhausted");
    }
  }
  if (!idle_.empty()) {
    auto slot = std::move(idle_.back());
    idle_.pop_back();
    lock.unlock();
    // A connection idle for a while may have been cut (server restart): check it first.
    if (std::chrono::steady_clock::now() - slot->last_used > std::chrono::seconds(2)) {
      bool valid = false;
      try {
        valid = slot->conn->isValid();
      } catch (const sql::SQLException&) {
        valid = false;
      }
      if (!valid) {
        lock.lock();
        --open_;
        lock.unlock();
        cv_.notify_one();
        return acquire();
      }
    }
    return slot;
  }
  ++open_;
  lock.unlock();
  try {
    sql::ConnectOptionsMap o;
    if (!settings_.socket.empty()) {
      o["hostName"] = sql::SQLString("unix://" + settings_.socket);
    } else {
      o["hostName"] =
          sql::SQLString("tcp://" + settings_.host + ":" + std::to_string(settings_.port));
    }
    o["userName"] = sql::SQLString(settings_.user);
    o["password"] = sql::SQLString(settings_.password);
    o["schema"] = sql::SQLString(settings_.schema);
    o["OPT_CONNECT_TIMEOUT"] = settings_.connect_timeout_s;
    o["OPT_READ_TIMEOUT"] = settings_.rw_timeout_s;
    o["OPT_WRITE_TIMEOUT"] = settings_.rw_timeout_s;
    o["OPT_RECONNECT"] = false;
    o["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    auto slot = std::make_unique<Slot>();
    slot->conn.reset(sql::mysql::get_mysql_driver_instance()->connect(o));
    {
      std::unique_ptr<sql::PreparedStatement> st(
          slot->conn->prepareStatement("SET time_zone = '+00:00'"));
      st->execute();
    }
    slot->last_used = std::chrono::steady_clock::now();
    return slot;
  } catch (const sql::SQLException& e) {
    lock.lock();
    --open_;
    lock.unlock();
    cv_.notify_one();
    return Error::transient(std::string("database connect failed: ") + e.what());
  }
}

void DbPool::release(std::unique_ptr<Slot> slot, bool healthy) {
  {
    std::lock_guard lock(mu_);
    if (healthy) {
      slot->last_used = std::chrono::steady_clock::now();
      idle_.push_back(std::move(slot));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
  // An unhealthy slot is destroyed here, outside the lock.
}

Status DbPool::execute(const Fn& fn, bool tx) {
  auto slot = acquire();
  if (!slot) {
    return slot.error();
  }
  sql::Connection& c = *(*slot)->conn;
  bool healthy = true;
  Status result;
  try {
    if (tx) {
      c.setAutoCommit(false);
    }
    result = fn(c);
    if (tx) {
      if (result.ok()) {
        c.commit();
      } else {
        c.rollback();
      }
      c.setAutoCommit(true);
    }
  } catch (const sql::SQLException& e) {
    int code = e.getErrorCode();
    healthy = !connection_broken(code);
    if (tx && healthy) {
      try {
        c.rollback();
        c.setAutoCommit(true);
      } catch (const sql::SQLException&) {
        healthy = false;
      }
    }
    base::log_warn("db_error", {{"code", code}, {"state", std::string(e.getSQLState())},
                                {"message", std::string(e.what())}});
    result = Error{classify_sql_error(code), std::string("database error: ") + e.what(), {}};
  } catch (...) {
    // Unknown state of the connection: do not return it to the pool.
    healthy = false;
    release(std::move(*slot), healthy);
    throw;
  }
  release(std::move(*slot), healthy);
  return result;
}

Status DbPool::run(const Fn& fn) { return execute(fn, false); }
Status DbPool::run_tx(const Fn& fn) { return execute(fn, true); }

Status DbPool::ping() {
  return run([](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement("SELECT 1"));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    return Status();
  });
}

}  // namespace ark::storage
