#include "admind/store/domain_store.h"

#include "admind/store/sql_util.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;

namespace {

constexpr const char* kSelect =
    "SELECT d.id, d.uuid, d.tenant_id, t.name AS tenant_name, d.name, d.zone, d.dkim_selector, "
    "d.dkim_public_txt, d.spf_status, d.dkim_status, d.return_path_status, d.dns_checked_at, "
    "d.verified_at, d.created_at FROM domains d JOIN tenants t ON t.id = d.tenant_id ";

DomainRow read_row(sql::ResultSet& rs) {
  DomainRow r;
  r.id = rs.getInt64("id");
  r.uuid = col_string(rs, "uuid");
  r.tenant_id = col_string(rs, "tenant_id");
  r.tenant_name = col_string(rs, "tenant_name");
  r.name = col_string(rs, "name");
  r.zone = col_string(rs, "zone");
  r.dkim_selector = col_string(rs, "dkim_selector");
  r.dkim_public_txt = col_string(rs, "dkim_public_txt");
  r.spf_status = col_opt_string(rs, "spf_status");
  r.dkim_status = col_opt_string(rs, "dkim_status");
  r.return_path_status = col_opt_string(rs, "return_path_status");
  r.checked_us = col_opt_time_us(rs, "dns_checked_at");
  r.verified_us = col_opt_time_us(rs, "verified_at");
  r.created_us = col_time_us(rs, "created_at");
  return r;
}

Status select_one(sql::Connection& c, const std::string& tenant, int64_t id, DomainRow* out) {
  Stmt ps(c.prepareStatement(std::string(kSelect) + "WHERE d.tenant_id = ? AND d.id = ?"));
  ps->setString(1, tenant);
  ps->setInt64(2, id);
  Rows rs(ps->executeQuery());
  if (!rs->next()) {
    return Error::not_found("domain not found");
  }
  *out = read_row(*rs);
  return {};
}

}  // namespace

Result<DomainRow> DomainStore::create(const NewDomain& d) {
  DomainRow row;
  std::string now = sql_time(clock_.now_us());
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "INSERT INTO domains (uuid, tenant_id, name, zone, dkim_selector, dkim_key_type, "
        "dkim_private_sealed, dkim_public_txt, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 'rsa', ?, ?, ?, ?)"));
    ps->setString(1, d.uuid);
    ps->setString(2, d.tenant_id);
    ps->setString(3, d.name);
    ps->setString(4, d.zone);
    ps->setString(5, d.dkim_selector);
    ps->setString(6, d.dkim_private_sealed);
    ps->setString(7, d.dkim_public_txt);
    ps->setString(8, now);
    ps->setString(9, now);
    ps->executeUpdate();
    return select_one(c, d.tenant_id, last_insert_id(c), &row);
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<DomainRow> DomainStore::get(const std::string& tenant_id, int64_t id) {
  DomainRow row;
  Status st = db_.run([&](sql::Connection& c) { return select_one(c, tenant_id, id, &row); });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<std::vector<DomainRow>> DomainStore::list(const std::string& tenant_id) {
  std::vector<DomainRow> out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(std::string(kSelect) +
                               "WHERE d.tenant_id = ? ORDER BY d.created_at, d.id"));
    ps->setString(1, tenant_id);
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      out.push_back(read_row(*rs));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Result<DomainRow> DomainStore::save_check(const std::string& tenant_id, int64_t id,
                                          const DomainCheckUpdate& u) {
  DomainRow row;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    std::string now = sql_time(clock_.now_us());
    Stmt ps(c.prepareStatement(
        "UPDATE domains SET spf_status = COALESCE(?, spf_status), "
        "dkim_status = COALESCE(?, dkim_status), "
        "return_path_status = COALESCE(?, return_path_status), dns_checked_at = ?, "
        "verified_at = CASE WHEN ? THEN COALESCE(verified_at, ?) WHEN ? THEN NULL "
        "ELSE verified_at END, updated_at = ? WHERE tenant_id = ? AND id = ?"));
    bind_opt(*ps, 1, u.spf_status);
    bind_opt(*ps, 2, u.dkim_status);
    bind_opt(*ps, 3, u.return_path_status);
    ps->setString(4, now);
    ps->setInt(5, u.verified ? 1 : 0);
    ps->setString(6, now);
    ps->setInt(7, !u.verified && u.conclusive ? 1 : 0);
    ps->setString(8, now);
    ps->setString(9, tenant_id);
    ps->setInt64(10, id);
    ps->executeUpdate();
    return select_one(c, tenant_id, id, &row);
  });
  if (!st) {
    if (st.error().kind == base::ErrorKind::Conflict) {
      return Error::conflict("this domain is already verified by another tenant");
    }
    return st.error();
  }
  return row;
}

Status DomainStore::remove(const std::string& tenant_id, int64_t id) {
  return db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("DELETE FROM domains WHERE tenant_id = ? AND id = ?"));
    ps->setString(1, tenant_id);
    ps->setInt64(2, id);
    if (ps->executeUpdate() == 0) {
      return Error::not_found("domain not found");
    }
    return {};
  });
}

}  // namespace ark::admind::store
