#include "milter/stages/signing_keys.h"

#include <algorithm>

namespace ark::milter {

std::vector<std::string> domain_and_parents(const std::string& domain) {
  std::vector<std::string> out;
  std::string_view rest = domain;
  // Stop at two labels: a bare TLD is never a sending domain.
  while (rest.find('.') != std::string_view::npos) {
    out.emplace_back(rest);
    rest.remove_prefix(rest.find('.') + 1);
  }
  return out;
}

base::Result<std::shared_ptr<const DomainSigner>> SigningKeys::find(
    const std::string& tenant_id, const std::string& from_domain) const {
  CacheKey key{tenant_id, from_domain};
  int64_t now = clock_.now_us();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires_us > now) {
      return it->second.signer;
    }
  }
  auto loaded = load(tenant_id, from_domain);
  if (!loaded) {
    return loaded.error();
  }
  remember(key, *loaded, now);
  return *loaded;
}

base::Result<std::shared_ptr<const DomainSigner>> SigningKeys::load(
    const std::string& tenant_id, const std::string& from_domain) const {
  auto rows = store_.verified_domains(tenant_id, domain_and_parents(from_domain));
  if (!rows) {
    return rows.error();
  }
  if (rows->empty()) {
    return std::shared_ptr<const DomainSigner>();
  }
  const DomainKeyRow& row = *std::max_element(
      rows->begin(), rows->end(),
      [](const DomainKeyRow& a, const DomainKeyRow& b) { return a.name.size() < b.name.size(); });
  auto signer = std::make_shared<DomainSigner>();
  signer->domain = row.name;
  signer->rsa_selector = row.rsa_selector;
  auto rsa = unseal_key(row.rsa_sealed, seal_context_rsa(row.uuid));
  if (!rsa) {
    return base::Error::permanent("DKIM key of " + row.name + ": " + rsa.error().message);
  }
  signer->rsa = *rsa;
  if (!row.ed25519_selector.empty() && !row.ed25519_sealed.empty()) {
    auto ed = unseal_key(row.ed25519_sealed, seal_context_ed25519(row.uuid));
    if (!ed) {
      return base::Error::permanent("Ed25519 DKIM key of " + row.name + ": " + ed.error().message);
    }
    signer->ed25519_selector = row.ed25519_selector;
    signer->ed25519 = *ed;
  }
  return std::shared_ptr<const DomainSigner>(std::move(signer));
}

base::Result<std::shared_ptr<const dkim::SigningKey>> SigningKeys::unseal_key(
    const std::string& sealed, const std::string& context) const {
  auto pem = seal::unseal(seal_key_, sealed, context);
  if (!pem) {
    return pem.error();
  }
  auto key = dkim::SigningKey::from_pem(*pem);
  if (!key) {
    return key.error();
  }
  return std::make_shared<const dkim::SigningKey>(std::move(*key));
}

void SigningKeys::remember(const CacheKey& key, std::shared_ptr<const DomainSigner> signer,
                           int64_t now_us) const {
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxEntries && cache_.find(key) == cache_.end()) {
    std::erase_if(cache_, [now_us](const auto& kv) { return kv.second.expires_us <= now_us; });
    if (cache_.size() >= kMaxEntries) {
      cache_.clear();
    }
  }
  cache_[key] = Entry{now_us + ttl_us_, std::move(signer)};
}

}  // namespace ark::milter
