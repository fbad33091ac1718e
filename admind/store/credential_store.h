// Tenant credentials (table `credentials`, api.md §4.6). The secret key is stored as its
// SHA-256 (for lookups by policyd and the API authenticator) and sealed (for reveal=true);
// sealing is the caller's job, this store only keeps the sealed text.
//
// An `api` credential is also a tenant-scoped Bearer key: create() writes its hash into
// `api_keys` with the tenant, and hold/delete keep that row in step (revoked_at set while
// held or once deleted), all in the same transaction as the credential row.
//
// Every method takes the tenant and filters on it. Errors: NotFound (no such credential for
// this tenant), Conflict (name already used by the tenant), Transient/Internal (database).
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct CredentialRow {
  int64_t id = 0;
  std::string tenant_id;
  std::string name;
  std::string type;  // smtp | api
  bool hold = false;
  std::string key_sealed;
  std::string key_hash;
  std::optional<int64_t> last_used_us;
  int64_t created_us = 0;
  int64_t updated_us = 0;
};

struct NewCredential {
  std::string tenant_id;
  std::string name;
  std::string type;
  std::string key_hash;
  std::string key_sealed;
  std::string key_prefix;  // first characters of the key, for api_keys.prefix
};

class CredentialStore {
 public:
  CredentialStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  base::Result<CredentialRow> create(const NewCredential& c);
  base::Result<CredentialRow> get(const std::string& tenant_id, int64_t id);
  base::Result<CredentialRow> update(const std::string& tenant_id, int64_t id,
                                     const std::optional<std::string>& name,
                                     const std::optional<bool>& hold);
  // type: optional filter. Newest first.
  base::Result<std::vector<CredentialRow>> list(const std::string& tenant_id,
                                                const std::optional<std::string>& type, int page,
                                                int per_page, int64_t* total);
  base::Status remove(const std::string& tenant_id, int64_t id);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
