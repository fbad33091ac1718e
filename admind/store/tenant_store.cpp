#include "admind/store/tenant_store.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>

#include "admind/store/row.h"
#include "core/domain/ids.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

namespace {
constexpr const char* kColumns = "id, name, metadata, status, created_at, updated_at";

TenantRow read_tenant(sql::ResultSet& rs) {
  TenantRow t;
  t.id = col_string(rs, "id");
  t.name = col_string(rs, "name");
  t.metadata_json = col_string(rs, "metadata");
  t.status = col_string(rs, "status");
  t.created_us = col_time_us(rs, "created_at");
  t.updated_us = col_time_us(rs, "updated_at");
  return t;
}

Status select_one(sql::Connection& c, const std::string& id, TenantRow* out) {
  Stmt ps(c.prepareStatement(std::string("SELECT ") + kColumns + " FROM tenants WHERE id = ?"));
  ps->setString(1, id);
  Rows rs(ps->executeQuery());
  if (!rs->next()) {
    return Error::not_found("tenant not found");
  }
  *out = read_tenant(*rs);
  return {};
}
}  // namespace

Result<TenantRow> TenantStore::create(const std::string& name, const std::string& metadata) {
  TenantRow t;
  t.id = domain::new_tenant_id();
  t.name = name;
  t.metadata_json = metadata;
  t.created_us = t.updated_us = clock_.now_us();
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "INSERT INTO tenants (id, name, metadata, status, created_at, updated_at) "
        "VALUES (?, ?, ?, 'active', ?, ?)"));
    ps->setString(1, t.id);
    ps->setString(2, t.name);
    ps->setString(3, t.metadata_json);
    ps->setString(4, base::format_sql_datetime(t.created_us));
    ps->setString(5, base::format_sql_datetime(t.updated_us));
    ps->executeUpdate();
    return {};
  });
  if (!st) {
    return st.error();
  }
  return t;
}

Result<TenantRow> TenantStore::get(const std::string& id) {
  TenantRow t;
  Status st = db_.run([&](sql::Connection& c) { return select_one(c, id, &t); });
  if (!st) {
    return st.error();
  }
  return t;
}

Result<TenantRow> TenantStore::update(const std::string& id, const TenantPatch& patch) {
  TenantRow t;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    Status found = select_one(c, id, &t);
    if (!found) {
      return found;
    }
    if (patch.name) {
      t.name = *patch.name;
    }
    if (patch.metadata_json) {
      t.metadata_json = *patch.metadata_json;
    }
    if (patch.status) {
      t.status = *patch.status;
    }
    t.updated_us = clock_.now_us();
    Stmt ps(c.prepareStatement(
        "UPDATE tenants SET name = ?, metadata = ?, status = ?, updated_at = ? WHERE id = ?"));
    ps->setString(1, t.name);
    ps->setString(2, t.metadata_json);
    ps->setString(3, t.status);
    ps->setString(4, base::format_sql_datetime(t.updated_us));
    ps->setString(5, id);
    ps->executeUpdate();
    return {};
  });
  if (!st) {
    return st.error();
  }
  return t;
}

Result<std::vector<TenantRow>> TenantStore::list(const std::optional<std::string>& status,
                                                 const std::optional<std::string>& only_id,
                                                 int page, int per_page, int64_t* total) {
  std::vector<TenantRow> out;
  // Optional filters are bound as NULL-or-value so the statement text never varies.
  const std::string where = " WHERE (? IS NULL OR status = ?) AND (? IS NULL OR id = ?)";
  auto bind = [&](sql::PreparedStatement& ps) {
    for (int i : {1, 2}) {
      status ? ps.setString(i, *status) : ps.setNull(i, 0);
    }
    for (int i : {3, 4}) {
      only_id ? ps.setString(i, *only_id) : ps.setNull(i, 0);
    }
  };
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt count(c.prepareStatement("SELECT COUNT(*) FROM tenants" + where));
    bind(*count);
    Rows crs(count->executeQuery());
    *total = crs->next() ? crs->getInt64(1) : 0;
    Stmt ps(c.prepareStatement(std::string("SELECT ") + kColumns + " FROM tenants" + where +
                               " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"));
    bind(*ps);
    ps->setInt(5, per_page);
    ps->setInt64(6, static_cast<int64_t>(page - 1) * per_page);
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      out.push_back(read_tenant(*rs));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

Status TenantStore::remove(const std::string& id) {
  // Foreign keys cascade to keys, messages, emails and attempts in the same transaction.
  return db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("DELETE FROM tenants WHERE id = ?"));
    ps->setString(1, id);
    if (ps->executeUpdate() == 0) {
      return Error::not_found("tenant not found");
    }
    return {};
  });
}

}  // namespace ark::admind::store
