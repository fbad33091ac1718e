#include "milter/store/mysql_signing_key_store.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>

namespace ark::milter {

namespace {

// At most this many names per lookup (the From domain and its parents); more are cut.
constexpr size_t kMaxNames = 8;

std::string lookup_sql(size_t names) {
  std::string sql =
      "SELECT name, uuid, dkim_selector, dkim_private_sealed, "
      "IF(dkim_ed25519_verified_at IS NULL, NULL, dkim_ed25519_selector), "
      "IF(dkim_ed25519_verified_at IS NULL, NULL, dkim_ed25519_private_sealed) "
      "FROM domains WHERE tenant_id = ? AND verified_name IN (";
  for (size_t i = 0; i < names; ++i) {
    sql += i == 0 ? "?" : ", ?";
  }
  return sql + ")";
}

std::string nullable(sql::ResultSet& rs, int column) {
  return rs.isNull(column) ? std::string() : std::string(rs.getString(column));
}

}  // namespace

base::Result<std::vector<DomainKeyRow>> MySqlSigningKeyStore::verified_domains(
    const std::string& tenant_id, const std::vector<std::string>& names) {
  std::vector<DomainKeyRow> rows;
  size_t n = std::min(names.size(), kMaxNames);
  if (n == 0) {
    return rows;
  }
  base::Status status = pool_.run([&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(lookup_sql(n)));
    st->setString(1, tenant_id);
    for (size_t i = 0; i < n; ++i) {
      st->setString(static_cast<unsigned>(i + 2), names[i]);
    }
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    while (rs->next()) {
      rows.push_back({rs->getString(1), rs->getString(2), rs->getString(3), rs->getString(4),
                      nullable(*rs, 5), nullable(*rs, 6)});
    }
    return base::Status();
  });
  if (!status) {
    return status.error();
  }
  return rows;
}

}  // namespace ark::milter
