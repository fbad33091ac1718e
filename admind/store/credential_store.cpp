#include "admind/store/credential_store.h"

#include "admind/store/sql_util.h"

namespace ark::admind::store {

using base::Error;
using base::Result;
using base::Status;

namespace {

constexpr const char* kColumns =
    "id, tenant_id, name, type, hold, key_sealed, key_hash, api_key_id, last_used_at, "
    "created_at, updated_at";

CredentialRow read_row(sql::ResultSet& rs) {
  CredentialRow r;
  r.id = rs.getInt64("id");
  r.tenant_id = col_string(rs, "tenant_id");
  r.name = col_string(rs, "name");
  r.type = col_string(rs, "type");
  r.hold = rs.getBoolean("hold");
  r.key_sealed = col_string(rs, "key_sealed");
  r.key_hash = col_string(rs, "key_hash");
  r.last_used_us = col_opt_time_us(rs, "last_used_at");
  r.created_us = col_time_us(rs, "created_at");
  r.updated_us = col_time_us(rs, "updated_at");
  return r;
}

// Reads one row (locking it when for_update); *api_key_id gets the linked key, 0 if none.
Status select_one(sql::Connection& c, const std::string& tenant, int64_t id, bool for_update,
                  CredentialRow* out, int64_t* api_key_id) {
  Stmt ps(c.prepareStatement(std::string("SELECT ") + kColumns +
                             " FROM credentials WHERE tenant_id = ? AND id = ?" +
                             (for_update ? " FOR UPDATE" : "")));
  ps->setString(1, tenant);
  ps->setInt64(2, id);
  Rows rs(ps->executeQuery());
  if (!rs->next()) {
    return Error::not_found("credential not found");
  }
  *out = read_row(*rs);
  if (api_key_id != nullptr) {
    *api_key_id = rs->isNull("api_key_id") ? 0 : rs->getInt64("api_key_id");
  }
  return {};
}

// Held or deleted credentials must not authenticate as Bearer keys.
void set_key_revoked(sql::Connection& c, int64_t api_key_id, const std::optional<int64_t>& at) {
  if (api_key_id == 0) {
    return;
  }
  Stmt ps(c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ?"));
  at ? ps->setString(1, sql_time(*at)) : ps->setNull(1, 0);
  ps->setInt64(2, api_key_id);
  ps->executeUpdate();
}

int64_t insert_api_key(sql::Connection& c, const NewCredential& n, const std::string& now) {
  Stmt ps(
      c.prepareStatement("INSERT INTO api_keys (key_hash, prefix, name, tenant_id, created_at) "
                         "VALUES (?, ?, ?, ?, ?)"));
  ps->setString(1, n.key_hash);
  ps->setString(2, n.key_prefix);
  ps->setString(3, "credential " + n.name);
  ps->setString(4, n.tenant_id);
  ps->setString(5, now);
  ps->executeUpdate();
  return last_insert_id(c);
}

}  // namespace

Result<CredentialRow> CredentialStore::create(const NewCredential& n) {
  CredentialRow row;
  int64_t now_us = clock_.now_us();
  std::string now = sql_time(now_us);
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    int64_t api_key_id = n.type == "api" ? insert_api_key(c, n, now) : 0;
    Stmt ps(c.prepareStatement(
        "INSERT INTO credentials (tenant_id, name, type, key_hash, key_sealed, hold, api_key_id, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)"));
    ps->setString(1, n.tenant_id);
    ps->setString(2, n.name);
    ps->setString(3, n.type);
    ps->setString(4, n.key_hash);
    ps->setString(5, n.key_sealed);
    api_key_id != 0 ? ps->setInt64(6, api_key_id) : ps->setNull(6, 0);
    ps->setString(7, now);
    ps->setString(8, now);
    ps->executeUpdate();
    return select_one(c, n.tenant_id, last_insert_id(c), false, &row, nullptr);
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<CredentialRow> CredentialStore::get(const std::string& tenant_id, int64_t id) {
  CredentialRow row;
  Status st = db_.run(
      [&](sql::Connection& c) { return select_one(c, tenant_id, id, false, &row, nullptr); });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<CredentialRow> CredentialStore::update(const std::string& tenant_id, int64_t id,
                                              const std::optional<std::string>& name,
                                              const std::optional<bool>& hold) {
  CredentialRow row;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    int64_t api_key_id = 0;
    Status found = select_one(c, tenant_id, id, true, &row, &api_key_id);
    if (!found) {
      return found;
    }
    int64_t now = clock_.now_us();
    Stmt ps(
        c.prepareStatement("UPDATE credentials SET name = ?, hold = ?, updated_at = ? WHERE "
                           "tenant_id = ? AND id = ?"));
    ps->setString(1, name.value_or(row.name));
    ps->setInt(2, hold.value_or(row.hold) ? 1 : 0);
    ps->setString(3, sql_time(now));
    ps->setString(4, tenant_id);
    ps->setInt64(5, id);
    ps->executeUpdate();
    if (hold && *hold != row.hold) {
      set_key_revoked(c, api_key_id, *hold ? std::optional<int64_t>(now) : std::nullopt);
    }
    return select_one(c, tenant_id, id, false, &row, nullptr);
  });
  if (!st) {
    return st.error();
  }
  return row;
}

Result<std::vector<CredentialRow>> CredentialStore::list(const std::string& tenant_id,
                                                         const std::optional<std::string>& type,
                                                         int page, int per_page, int64_t* total) {
  std::vector<CredentialRow> out;
  const std::string where = " WHERE tenant_id = ? AND (? IS NULL OR type = ?)";
  auto bind = [&](sql::PreparedStatement& ps) {
    ps.setString(1, tenant_id);
    bind_opt(ps, 2, type);
    bind_opt(ps, 3, type);
  };
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt count(c.prepareStatement("SELECT COUNT(*) FROM credentials" + where));
    bind(*count);
    Rows crs(count->executeQuery());
    *total = crs->next() ? crs->getInt64(1) : 0;
    Stmt ps(c.prepareStatement(std::string("SELECT ") + kColumns + " FROM credentials" + where +
                               " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"));
    bind(*ps);
    ps->setInt(4, per_page);
    ps->setInt64(5, static_cast<int64_t>(page - 1) * per_page);
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

Status CredentialStore::remove(const std::string& tenant_id, int64_t id) {
  return db_.run_tx([&](sql::Connection& c) -> Status {
    CredentialRow row;
    int64_t api_key_id = 0;
    Status found = select_one(c, tenant_id, id, true, &row, &api_key_id);
    if (!found) {
      return found;
    }
    // The Bearer key stays as a revoked row, so using it answers 401 expired_api_key.
    set_key_revoked(c, api_key_id, clock_.now_us());
    Stmt ps(c.prepareStatement("DELETE FROM credentials WHERE tenant_id = ? AND id = ?"));
    ps->setString(1, tenant_id);
    ps->setInt64(2, id);
    ps->executeUpdate();
    return {};
  });
}

}  // namespace ark::admind::store
