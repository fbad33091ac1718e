#include "admind/store/idempotency_store.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>

#include "admind/store/row.h"
#include "core/base/clock.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

namespace {

// INSERT IGNORE: a duplicate is an expected outcome here, not an error to log.
Status insert(storage::DbPool& db, const std::string& owner, const std::string& key,
              const std::string& hash, int64_t now_us, int64_t ttl_us, bool* inserted) {
  return db.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "INSERT IGNORE INTO idempotency_keys (owner, idem_key, request_hash, state, created_at, "
        "expires_at) VALUES (?, ?, ?, 'in_flight', ?, ?)"));
    ps->setString(1, owner);
    ps->setString(2, key);
    ps->setString(3, hash);
    ps->setString(4, base::format_sql_datetime(now_us));
    ps->setString(5, base::format_sql_datetime(now_us + ttl_us));
    *inserted = ps->executeUpdate() == 1;
    return {};
  });
}

struct Existing {
  IdempotencyRecord record;
  std::string created_at;  // as stored, for compare-and-delete
  bool replaceable = false;
  bool found = false;
};

Status load(storage::DbPool& db, const std::string& owner, const std::string& key, int64_t now_us,
            int64_t stale_us, Existing* out) {
  return db.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT request_hash, state, status_code, response_body, content_type, created_at, "
        "expires_at <= ? AS expired, (state = 'in_flight' AND created_at < ?) AS stale "
        "FROM idempotency_keys WHERE owner = ? AND idem_key = ?"));
    ps->setString(1, base::format_sql_datetime(now_us));
    ps->setString(2, base::format_sql_datetime(now_us - stale_us));
    ps->setString(3, owner);
    ps->setString(4, key);
    Rows rs(ps->executeQuery());
    if (!rs->next()) {
      return {};
    }
    out->found = true;
    out->record.request_hash = col_string(*rs, "request_hash");
    out->record.done = col_string(*rs, "state") == "done";
    out->record.status = rs->isNull("status_code") ? 0 : rs->getInt("status_code");
    out->record.body = col_string(*rs, "response_body");
    out->record.content_type = col_string(*rs, "content_type");
    out->created_at = col_string(*rs, "created_at");
    out->replaceable = rs->getBoolean("expired") || rs->getBoolean("stale");
    return {};
  });
}

Status remove_if_unchanged(storage::DbPool& db, const std::string& owner, const std::string& key,
                           const std::string& created_at) {
  return db.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "DELETE FROM idempotency_keys WHERE owner = ? AND idem_key = ? AND created_at = ?"));
    ps->setString(1, owner);
    ps->setString(2, key);
    ps->setString(3, created_at);
    ps->executeUpdate();
    return {};
  });
}

}  // namespace

Result<std::optional<IdempotencyRecord>> IdempotencyStore::claim(const std::string& owner,
                                                                 const std::string& key,
                                                                 const std::string& hash,
                                                                 int64_t now_us, int64_t ttl_us,
                                                                 int64_t stale_us) {
  for (int round = 0; round < 3; ++round) {
    bool inserted = false;
    Status ins = insert(db_, owner, key, hash, now_us, ttl_us, &inserted);
    if (!ins) {
      return ins.error();
    }
    if (inserted) {
      return std::optional<IdempotencyRecord>();
    }
    Existing ex;
    Status st = load(db_, owner, key, now_us, stale_us, &ex);
    if (!st) {
      return st.error();
    }
    if (!ex.found) {
      continue;  // released between our insert and our read: try again
    }
    if (!ex.replaceable) {
      return std::optional<IdempotencyRecord>(ex.record);
    }
    Status del = remove_if_unchanged(db_, owner, key, ex.created_at);
    if (!del) {
      return del.error();
    }
  }
  return Error::transient("idempotency key is contended; retry");
}

Status IdempotencyStore::complete(const std::string& owner, const std::string& key, int status,
                                  const std::string& body, const std::string& content_type) {
  return db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "UPDATE idempotency_keys SET state = 'done', status_code = ?, response_body = ?, "
        "content_type = ? WHERE owner = ? AND idem_key = ?"));
    ps->setInt(1, status);
    ps->setString(2, body);
    ps->setString(3, content_type);
    ps->setString(4, owner);
    ps->setString(5, key);
    ps->executeUpdate();
    return {};
  });
}

Status IdempotencyStore::release(const std::string& owner, const std::string& key) {
  return db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "DELETE FROM idempotency_keys WHERE owner = ? AND idem_key = ? AND state = 'in_flight'"));
    ps->setString(1, owner);
    ps->setString(2, key);
    ps->executeUpdate();
    return {};
  });
}

Result<int64_t> IdempotencyStore::purge_expired(int64_t now_us, int limit) {
  int64_t n = 0;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "DELETE FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?"));
    ps->setString(1, base::format_sql_datetime(now_us));
    ps->setInt(2, limit);
    n = ps->executeUpdate();
    return {};
  });
  if (!st) {
    return st.error();
  }
  return n;
}

}  // namespace ark::admind::store
