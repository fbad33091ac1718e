#include "admind/events/signing_keys.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

namespace ark::events {

using base::Error;
using base::Result;
using base::Status;

namespace {

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

constexpr int kKeyBits = 2048;

std::string seal_context(const std::string& kid) {
  return "webhook-signing-key:" + kid;
}

std::string col(sql::ResultSet& rs, const char* name) {
  return rs.isNull(name) ? std::string() : std::string(rs.getString(name));
}

int64_t col_time(sql::ResultSet& rs, const char* name) {
  int64_t us = 0;
  if (!rs.isNull(name)) {
    base::parse_sql_datetime(std::string(rs.getString(name)), &us);
  }
  return us;
}

struct KeyRow {
  std::string kid;
  std::string state;
  std::string public_pem;
  std::string private_sealed;
};

}  // namespace

std::shared_ptr<const WebhookSigner> KeyRing::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return signer_;
}

void KeyRing::set(std::shared_ptr<const WebhookSigner> signer) {
  std::lock_guard<std::mutex> lock(mu_);
  signer_ = std::move(signer);
}

Result<WebhookSigner> SigningKeyStore::load() {
  std::vector<KeyRow> rows;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT kid, state, public_pem, private_sealed FROM webhook_signing_keys "
        "ORDER BY state = 'active' DESC, created_at DESC, id DESC"));
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      rows.push_back(
          {col(*rs, "kid"), col(*rs, "state"), col(*rs, "public_pem"), col(*rs, "private_sealed")});
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  if (rows.empty() || rows[0].state != "active") {
    return Error::not_found("no active webhook signing key");
  }
  auto pem = seal::unseal(seal_, rows[0].private_sealed, seal_context(rows[0].kid));
  if (!pem) {
    return Error::invalid("webhook signing key " + rows[0].kid + " does not unseal (is " +
                          "seal.key_file the key it was sealed with?): " + pem.error().message);
  }
  auto active = SigningKey::from_private_pem(*pem);
  if (!active) {
    return active.error();
  }
  std::vector<SigningKey> retired;
  for (size_t i = 1; i < rows.size(); ++i) {
    auto key = SigningKey::from_public_pem(rows[i].public_pem);
    if (!key) {
      return Error::invalid("retired webhook key " + rows[i].kid + ": " + key.error().message);
    }
    retired.push_back(std::move(*key));
  }
  return WebhookSigner::create(std::move(*active), std::move(retired));
}

Status SigningKeyStore::insert_active(const std::string& private_pem, bool retire_current) {
  auto key = SigningKey::from_private_pem(private_pem);
  if (!key) {
    return key.error();
  }
  std::string now = base::format_sql_datetime(clock_.now_us());
  std::string sealed = seal::seal(seal_, private_pem, seal_context(key->kid()));
  return db_.run_tx([&](sql::Connection& c) -> Status {
    if (retire_current) {
      Stmt retire(
          c.prepareStatement("UPDATE webhook_signing_keys SET state = 'retired', retired_at = ?, "
                             "private_sealed = NULL WHERE state = 'active'"));
      retire->setString(1, now);
      retire->executeUpdate();
    }
    Stmt ps(c.prepareStatement(
        "INSERT INTO webhook_signing_keys (kid, state, public_pem, private_sealed, created_at) "
        "VALUES (?, 'active', ?, ?, ?)"));
    ps->setString(1, key->kid());
    ps->setString(2, key->public_pem());
    ps->setString(3, sealed);
    ps->setString(4, now);
    ps->executeUpdate();
    return {};
  });
}

Result<WebhookSigner> SigningKeyStore::load_or_create() {
  auto loaded = load();
  if (loaded || loaded.error().kind != base::ErrorKind::NotFound) {
    return loaded;
  }
  auto pem = SigningKey::generate_private_pem(kKeyBits);
  if (!pem) {
    return pem.error();
  }
  Status st = insert_active(*pem, false);
  if (!st && st.error().kind != base::ErrorKind::Conflict) {
    return st.error();  // Conflict: another admind made the first key meanwhile
  }
  return load();
}

Result<std::string> SigningKeyStore::rotate() {
  auto pem = SigningKey::generate_private_pem(kKeyBits);
  if (!pem) {
    return pem.error();
  }
  auto key = SigningKey::from_private_pem(*pem);
  if (!key) {
    return key.error();
  }
  Status st = insert_active(*pem, true);
  if (!st) {
    return st.error();
  }
  return key->kid();
}

Status SigningKeyStore::drop(const std::string& kid) {
  return db_.run([&](sql::Connection& c) -> Status {
    Stmt find(c.prepareStatement("SELECT state FROM webhook_signing_keys WHERE kid = ?"));
    find->setString(1, kid);
    Rows rs(find->executeQuery());
    if (!rs->next()) {
      return Error::not_found("no webhook signing key " + kid);
    }
    if (col(*rs, "state") == "active") {
      return Error::conflict("key " + kid + " is the active key; rotate first");
    }
    Stmt ps(
        c.prepareStatement("DELETE FROM webhook_signing_keys WHERE kid = ? AND state = 'retired'"));
    ps->setString(1, kid);
    ps->executeUpdate();
    return {};
  });
}

Result<std::vector<SigningKeyInfo>> SigningKeyStore::list() {
  std::vector<SigningKeyInfo> out;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(
        c.prepareStatement("SELECT kid, state, created_at, retired_at FROM webhook_signing_keys "
                           "ORDER BY created_at DESC, id DESC"));
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      SigningKeyInfo k{col(*rs, "kid"), col(*rs, "state"), col_time(*rs, "created_at"), {}};
      if (!rs->isNull("retired_at")) {
        k.retired_us = col_time(*rs, "retired_at");
      }
      out.push_back(std::move(k));
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

}  // namespace ark::events
