// MySqlSendStore: SendStore over core/storage's DbPool, prepared statements only (tables of
// sql/001, 002, 004 and 005). The admission transaction is described in send_store.h;
// a deadlock or lock-wait timeout there (Transient) is retried up to kAdmitAttempts times
// before it is reported, since the transaction rolled back completely.
//
// Ownership: borrows the pool. Thread-safety: safe to call from many threads (DbPool is).
#pragma once

#include "core/storage/db.h"
#include "milter/store/send_store.h"

namespace ark::milter {

class MySqlSendStore final : public SendStore {
 public:
  static constexpr int kAdmitAttempts = 3;

  explicit MySqlSendStore(storage::DbPool& pool) : pool_(pool) {}

  base::Result<std::optional<LoginFacts>> find_login(const std::string& tenant_id,
                                                     const std::string& name) override;
  base::Result<policy::TenantStatus> tenant_status(const std::string& tenant_id) override;
  base::Result<policy::DomainFacts> domain(const std::string& tenant_id,
                                           const std::string& domain) override;
  base::Result<std::optional<std::string>> suppression(const std::string& tenant_id,
                                                       const std::string& address) override;
  base::Result<policy::Limits> limits(const std::string& tenant_id,
                                      const policy::Limits& defaults) override;
  base::Result<std::vector<policy::Window>> usage(const std::string& tenant_id, int64_t now_s,
                                                  const policy::Limits& defaults) override;
  base::Result<Admission> admit(const AdmitRequest& request, const AdmitDecider& decide) override;

 private:
  base::Result<Admission> admit_once(const AdmitRequest& request, const AdmitDecider& decide);

  storage::DbPool& pool_;
};

}  // namespace ark::milter
