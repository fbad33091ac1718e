#include "milter/store/cached_send_store.h"

namespace ark::milter {

template <typename T, typename Load>
base::Result<T> CachedSendStore::cached(std::map<std::string, Entry<T>>& map,
                                        const std::string& key, Load&& load) {
  int64_t now = clock_.now_us();
  {
    std::lock_guard lock(mu_);
    auto it = map.find(key);
    if (it != map.end() && it->second.expires_us > now) {
      return it->second.value;
    }
  }
  base::Result<T> fresh = load();
  if (fresh) {
    std::lock_guard lock(mu_);
    if (map.size() >= kMaxEntries) {
      map.clear();
    }
    map.insert_or_assign(key, Entry<T>{now + ttl_us_, *fresh});
  }
  return fresh;
}

base::Result<std::optional<LoginFacts>> CachedSendStore::find_login(const std::string& tenant_id,
                                                                    const std::string& name) {
  return cached(logins_, tenant_id + "/" + name,
                [&] { return inner_.find_login(tenant_id, name); });
}

base::Result<policy::TenantStatus> CachedSendStore::tenant_status(const std::string& tenant_id) {
  return cached(tenants_, tenant_id, [&] { return inner_.tenant_status(tenant_id); });
}

base::Result<policy::DomainFacts> CachedSendStore::domain(const std::string& tenant_id,
                                                          const std::string& domain) {
  return cached(domains_, tenant_id + "\n" + domain,
                [&] { return inner_.domain(tenant_id, domain); });
}

base::Result<policy::Limits> CachedSendStore::limits(const std::string& tenant_id,
                                                     const policy::Limits& defaults) {
  return cached(limits_, tenant_id, [&] { return inner_.limits(tenant_id, defaults); });
}

}  // namespace ark::milter
