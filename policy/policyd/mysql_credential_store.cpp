#include "policy/policyd/mysql_credential_store.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>

#include "core/base/log.h"

namespace ark::policyd {

namespace {
constexpr const char* kFindSql =
    "SELECT c.id, c.tenant_id, c.name, c.type, c.hold, t.status "
    "FROM credentials c JOIN tenants t ON t.id = c.tenant_id WHERE c.key_hash = ?";
constexpr const char* kTouchSql =
    "UPDATE credentials SET last_used_at = UTC_TIMESTAMP(6) WHERE id = ?";
}  // namespace

base::Result<std::optional<CredentialRecord>> MySqlCredentialStore::find_by_key_hash(
    const std::string& sha256_hex) {
  std::optional<CredentialRecord> found;
  base::Status st = pool_.run([&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(kFindSql));
    ps->setString(1, sha256_hex);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (rs->next()) {
      CredentialRecord r;
      r.id = rs->getInt64(1);
      r.tenant_id = rs->getString(2);
      r.name = rs->getString(3);
      r.type = rs->getString(4);
      r.hold = rs->getInt(5) != 0;
      r.tenant_status = rs->getString(6);
      found = std::move(r);
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return found;
}

void MySqlCredentialStore::touch(int64_t credential_id) {
  base::Status st = pool_.run([&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(kTouchSql));
    ps->setInt64(1, credential_id);
    ps->executeUpdate();
    return base::Status();
  });
  if (!st) {
    base::log_warn("touch_failed", {{"credential", credential_id}, {"error", st.error().message}});
  }
}

}  // namespace ark::policyd
