// API keys (table `api_keys`): creation for arkctl, lookup by hash for authentication.
// The key itself is returned once at creation and never stored; only SHA-256(key) is.
//
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct ApiKeyRow {
  int64_t id = 0;
  std::string tenant_id;  // empty: organisation-level
  bool revoked = false;
};

struct NewApiKey {
  int64_t id = 0;
  std::string key;  // the secret, shown once
};

class KeyStore {
 public:
  KeyStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  // tenant_id empty: organisation-level key. NotFound when the tenant does not exist.
  base::Result<NewApiKey> create(const std::string& name, const std::string& tenant_id);
  // NotFound when no key has this hash.
  base::Result<ApiKeyRow> find_by_key(const std::string& key);

  static std::string hash_key(const std::string& key);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
