// SigningKeyStore over MySQL/MariaDB (prepared statements, the shared DbPool). One query
// per lookup; the signing stage caches its answers (milter/stages/signing_keys.h).
//
// Ownership: borrows the pool, which must outlive it. Thread-safety: as the pool.
#pragma once

#include "core/storage/db.h"
#include "milter/store/signing_key_store.h"

namespace ark::milter {

class MySqlSigningKeyStore final : public SigningKeyStore {
 public:
  explicit MySqlSigningKeyStore(storage::DbPool& pool) : pool_(pool) {}

  base::Result<std::vector<DomainKeyRow>> verified_domains(
      const std::string& tenant_id, const std::vector<std::string>& names) override;

 private:
  storage::DbPool& pool_;
};

}  // namespace ark::milter
