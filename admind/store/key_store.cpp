#include "admind/store/key_store.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>

#include "core/base/log.h"
#include "core/crypto/crypto.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

std::string KeyStore::hash_key(const std::string& key) {
  return crypto::sha256_hex(key);
}

Result<NewApiKey> KeyStore::create(const std::string& name, const std::string& tenant_id) {
  NewApiKey out;
  out.key = "ark_live_" + crypto::random_alnum(32, false);
  Status st = db_.run([&](sql::Connection& c) -> Status {
    if (!tenant_id.empty()) {
      Stmt chk(c.prepareStatement("SELECT 1 FROM tenants WHERE id = ?"));
      chk->setString(1, tenant_id);
      Rows rs(chk->executeQuery());
      if (!rs->next()) {
        return Error::not_found("tenant " + tenant_id + " not found");
      }
    }
    Stmt ps(
        c.prepareStatement("INSERT INTO api_keys (key_hash, prefix, name, tenant_id, created_at) "
                           "VALUES (?, ?, ?, ?, ?)"));
    ps->setString(1, hash_key(out.key));
    ps->setString(2, out.key.substr(0, 13));
    ps->setString(3, name);
    tenant_id.empty() ? ps->setNull(4, 0) : ps->setString(4, tenant_id);
    ps->setString(5, base::format_sql_datetime(clock_.now_us()));
    ps->executeUpdate();
    Stmt id(c.prepareStatement("SELECT LAST_INSERT_ID()"));
    Rows rs(id->executeQuery());
    out.id = rs->next() ? rs->getInt64(1) : 0;
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

void KeyStore::note_used(int64_t key_id) {
  int64_t now = clock_.now_us();
  {
    std::lock_guard lock(used_mu_);
    auto [it, fresh] = used_at_.try_emplace(key_id, now);
    if (!fresh && now - it->second < kUsedEvery) {
      return;
    }
    it->second = now;
  }
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("UPDATE credentials SET last_used_at = ? WHERE api_key_id = ?"));
    ps->setString(1, base::format_sql_datetime(now));
    ps->setInt64(2, key_id);
    ps->executeUpdate();
    return {};
  });
  if (!st) {
    base::log_warn("key_last_used_failed", {{"key", key_id}, {"reason", st.error().message}});
  }
}

Result<ApiKeyRow> KeyStore::find_by_key(const std::string& key) {
  ApiKeyRow row;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(
        c.prepareStatement("SELECT id, tenant_id, revoked_at IS NOT NULL AS revoked FROM api_keys "
                           "WHERE key_hash = ?"));
    ps->setString(1, hash_key(key));
    Rows rs(ps->executeQuery());
    if (!rs->next()) {
      return Error::not_found("unknown key");
    }
    row.id = rs->getInt64("id");
    row.tenant_id = rs->isNull("tenant_id") ? "" : std::string(rs->getString("tenant_id"));
    row.revoked = rs->getBoolean("revoked");
    return {};
  });
  if (!st) {
    return st.error();
  }
  return row;
}

}  // namespace ark::admind::store
