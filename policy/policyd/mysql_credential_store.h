// MySqlCredentialStore: ark-policyd's CredentialStore over core/storage's DbPool, prepared
// statements only. One round trip per login: the credential by its key hash, joined with
// its tenant's status (tables credentials of sql/002 and tenants of sql/001).
//
// The pool connects lazily and drops broken connections, so a database that is down only
// turns logins into Unavailable (the session closes, Postfix answers 454) until it is back.
//
// Ownership: borrows the pool. Thread-safety: safe to call from many threads (DbPool is).
#pragma once

#include "core/storage/db.h"
#include "policy/policyd/authenticator.h"

namespace ark::policyd {

class MySqlCredentialStore final : public CredentialStore {
 public:
  explicit MySqlCredentialStore(storage::DbPool& pool) : pool_(pool) {}

  base::Result<std::optional<CredentialRecord>> find_by_key_hash(
      const std::string& sha256_hex) override;
  void touch(int64_t credential_id) override;

 private:
  storage::DbPool& pool_;
};

}  // namespace ark::policyd
