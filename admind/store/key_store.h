// API keys (table `api_keys`): creation for arkctl, lookup by hash for authentication.
// The key itself is returned once at creation and never stored; only SHA-256(key) is.
//
// note_used keeps lastUsedAt of the tenant credential behind a key (type api) current, at
// most one write per key per kUsedEvery, so authentication stays a read.
//
// Thread-safety: safe to share (the throttle map is behind a mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

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

  // Records that the key authenticated a request: credentials.last_used_at of the api
  // credential it belongs to (organisation keys have none). Failures are logged, never
  // returned: a request is not refused for this.
  void note_used(int64_t key_id);

  static std::string hash_key(const std::string& key);
  static constexpr int64_t kUsedEvery = 60'000'000;  // µs between writes per key

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
  std::mutex used_mu_;
  std::unordered_map<int64_t, int64_t> used_at_;  // key id -> last write (µs)
};

}  // namespace ark::admind::store
