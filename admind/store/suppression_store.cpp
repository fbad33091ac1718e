#include "admind/store/suppression_store.h"

#include "admind/store/sql_util.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;

namespace {

constexpr const char* kColumns = "id, address, reason, created_at";

SuppressionRow read_row(sql::ResultSet& rs) {
  SuppressionRow r;
  r.id = rs.getInt64("id");
  r.address = col_string(rs, "address");
  r.reason = col_opt_string(rs, "reason");
  r.created_us = col_time_us(rs, "created_at");
  return r;
}

Status select_one(sql::Connection& c, const std::string& tenant, const std::string& address,
                  std::optional<SuppressionRow>* out) {
  Stmt ps(c.prepareStatement(std::string("SELECT ") + kColumns +
                             " FROM suppressions WHERE tenant_id = ? AND address = ?"));
  ps->setString(1, tenant);
  ps->setString(2, address);
  Rows rs(ps->executeQuery());
  if (rs->next()) {
    *out = read_row(*rs);
  } else {
    out->reset();
  }
  return {};
}

}  // namespace

Result<SuppressionRow> SuppressionStore::add(const std::string& tenant_id,
                                             const std::string& address,
                                             const std::optional<std::string>& reason,
                                             bool* created) {
  std::optional<SuppressionRow> row;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt ins(c.prepareStatement(
        "INSERT IGNORE INTO suppressions (tenant_id, address, reason, created_at) "
        "VALUES (?, ?, ?, ?)"));
    ins->setString(1, tenant_id);
    ins->setString(2, address);
    bind_opt(*ins, 3, reason);
    ins->setString(4, sql_time(clock_.now_us()));
    *created = ins->executeUpdate() == 1;
    if (!*created && reason) {
      Stmt up(c.prepareStatement(
          "UPDATE suppressions SET reason = ? WHERE tenant_id = ? AND address = ?"));
      up->setString(1, *reason);
      up->setString(2, tenant_id);
      up->setString(3, address);
      up->executeUpdate();
    }
    Status s = select_one(c, tenant_id, address, &row);
    if (s && !row) {
      return Error::internal("suppression vanished while being added");
    }
    return s;
  });
  if (!st) {
    return st.error();
  }
  return *row;
}

Result<std::optional<SuppressionRow>> SuppressionStore::find(const std::string& tenant_id,
                                                             const std::string& address) {
  std::optional<SuppressionRow> row;
  Status st = db_.run([&](sql::Connection& c) { return select_one(c, tenant_id, address, &row); });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<std::vector<SuppressionRow>> SuppressionStore::list(const std::string& tenant_id, int page,
                                                           int per_page, int64_t* total) {
  std::vector<SuppressionRow> out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt count(c.prepareStatement("SELECT COUNT(*) FROM suppressions WHERE tenant_id = ?"));
    count->setString(1, tenant_id);
    Rows crs(count->executeQuery());
    *total = crs->next() ? crs->getInt64(1) : 0;
    Stmt ps(c.prepareStatement(std::string("SELECT ") + kColumns +
                               " FROM suppressions WHERE tenant_id = ? "
                               "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"));
    ps->setString(1, tenant_id);
    ps->setInt(2, per_page);
    ps->setInt64(3, static_cast<int64_t>(page - 1) * per_page);
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

Status SuppressionStore::remove(const std::string& tenant_id, const std::string& address) {
  return db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("DELETE FROM suppressions WHERE tenant_id = ? AND address = ?"));
    ps->setString(1, tenant_id);
    ps->setString(2, address);
    if (ps->executeUpdate() == 0) {
      return Error::not_found("address is not on the suppression list");
    }
    return {};
  });
}

}  // namespace ark::admind::store
