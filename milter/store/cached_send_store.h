// CachedSendStore: a SendStore decorator that caches the MAIL-stage lookups (login,
// tenant status, sender domain) and the tenant's limits for a short TTL (style.md §7: hot lookups
// cached), so a busy tenant costs no database round trip per message for them. Suppressions, usage
// and admissions always go to the inner store: they must be current.
//
// A change (credential held, tenant suspended, domain verified) takes effect within the
// TTL. Errors are never cached. At most kMaxEntries entries per kind are kept; a full
// cache is cleared (cheap to refill).
//
// Ownership: borrows the inner store and the clock. Thread-safety: safe for many threads
// (one mutex around the maps; lookups of the inner store run outside it).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "core/base/clock.h"
#include "milter/store/send_store.h"

namespace ark::milter {

class CachedSendStore final : public SendStore {
 public:
  static constexpr size_t kMaxEntries = 10000;

  CachedSendStore(SendStore& inner, const base::Clock& clock, int64_t ttl_ms)
      : inner_(inner), clock_(clock), ttl_us_(ttl_ms * 1000) {}

  base::Result<std::optional<LoginFacts>> find_login(const std::string& tenant_id,
                                                     const std::string& name) override;
  base::Result<policy::TenantStatus> tenant_status(const std::string& tenant_id) override;
  base::Result<policy::DomainFacts> domain(const std::string& tenant_id,
                                           const std::string& domain) override;
  base::Result<std::optional<std::string>> suppression(const std::string& tenant_id,
                                                       const std::string& address) override {
    return inner_.suppression(tenant_id, address);
  }
  base::Result<policy::Limits> limits(const std::string& tenant_id,
                                      const policy::Limits& defaults) override;
  base::Result<std::vector<policy::Window>> usage(const std::string& tenant_id, int64_t now_s,
                                                  const policy::Limits& defaults) override {
    return inner_.usage(tenant_id, now_s, defaults);
  }
  base::Result<Admission> admit(const AdmitRequest& request, const AdmitDecider& decide) override {
    return inner_.admit(request, decide);
  }

 private:
  template <typename T>
  struct Entry {
    int64_t expires_us;
    T value;
  };
  template <typename T, typename Load>
  base::Result<T> cached(std::map<std::string, Entry<T>>& map, const std::string& key, Load&& load);

  SendStore& inner_;
  const base::Clock& clock_;
  int64_t ttl_us_;
  std::mutex mu_;
  std::map<std::string, Entry<std::optional<LoginFacts>>> logins_;  // guarded by mu_
  std::map<std::string, Entry<policy::TenantStatus>> tenants_;      // guarded by mu_
  std::map<std::string, Entry<policy::DomainFacts>> domains_;       // guarded by mu_
  std::map<std::string, Entry<policy::Limits>> limits_;             // guarded by mu_
};

}  // namespace ark::milter
