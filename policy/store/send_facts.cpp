// Shared send-policy reads; see send_facts.h.
#include "policy/store/send_facts.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>
#include <optional>

namespace ark::policy {
namespace {

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

}  // namespace

base::Result<TenantStatus> read_tenant_status(storage::DbPool& db, const std::string& tenant_id) {
  std::optional<TenantStatus> status;
  base::Status st = db.run([&](sql::Connection& c) {
    Stmt ps(c.prepareStatement("SELECT status FROM tenants WHERE id = ?"));
    ps->setString(1, tenant_id);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      status = parse_tenant_status(std::string(rs->getString(1)));
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  if (!status) {
    return base::Error::not_found("tenant " + tenant_id);
  }
  return *status;
}

base::Result<DomainFacts> read_domain_facts(storage::DbPool& db, const std::string& tenant_id,
                                            const std::string& domain) {
  DomainFacts facts;
  base::Status st = db.run([&](sql::Connection& c) {
    Stmt ps(c.prepareStatement(
        "SELECT verified_at IS NOT NULL FROM domains WHERE tenant_id = ? AND name = ?"));
    ps->setString(1, tenant_id);
    ps->setString(2, domain);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      facts = {true, rs->getInt(1) != 0};
    }
    return base::Status();
  });
  if (!st) {
    return st.error();
  }
  return facts;
}

}  // namespace ark::policy
