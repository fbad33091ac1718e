// SigningKeys: finds and caches the DKIM keys ark-milter signs with, per (tenant, From
// domain). A lookup asks the store for the tenant's verified domains among the From
// domain and its parents (a.b.example.com, b.example.com, example.com) and takes the
// longest match: signing a subdomain's mail with d=<parent> is still aligned under DMARC
// relaxed alignment (RFC 7489 §3.1.1). The sealed private keys are unsealed (core/seal,
// contexts from signing_key_store.h) and parsed once, then shared as
// shared_ptr<const SigningKey> by every connection.
//
// Cache: answers (also "no verified domain") live for `ttl`; after that the next message
// asks the store again, so a newly verified domain, a rotated key or a removed domain takes
// effect within one TTL. Errors are not cached. The cache holds at most kMaxEntries
// answers; when full, expired ones are dropped, then everything.
//
// Errors of find(): Transient when the store is unavailable; Permanent when a stored key
// does not unseal or parse (wrong seal key, damaged row) — an operator problem.
// Ownership: borrows the store and the clock (they outlive it); owns the seal key copy.
// Thread-safety: find() may run on many threads; the cache is guarded by a mutex, and the
// store is called outside it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/seal/seal.h"
#include "milter/dkim/signing_key.h"
#include "milter/store/signing_key_store.h"

namespace ark::milter {

struct DomainSigner {
  std::string domain;  // d=
  std::string rsa_selector;
  std::shared_ptr<const dkim::SigningKey> rsa;
  std::string ed25519_selector;
  std::shared_ptr<const dkim::SigningKey> ed25519;  // null: no Ed25519 signature
};

// "a.b.example.com" -> {"a.b.example.com", "b.example.com", "example.com"}.
std::vector<std::string> domain_and_parents(const std::string& domain);

class SigningKeys {
 public:
  static constexpr size_t kMaxEntries = 10000;

  SigningKeys(SigningKeyStore& store, seal::SealKey seal_key, const base::Clock& clock,
              int64_t ttl_ms)
      : store_(store), seal_key_(std::move(seal_key)), clock_(clock), ttl_us_(ttl_ms * 1000) {}

  // nullptr (not an error) when the tenant has no verified domain for from_domain.
  base::Result<std::shared_ptr<const DomainSigner>> find(const std::string& tenant_id,
                                                         const std::string& from_domain) const;

 private:
  struct Entry {
    int64_t expires_us = 0;
    std::shared_ptr<const DomainSigner> signer;
  };
  using CacheKey = std::pair<std::string, std::string>;

  base::Result<std::shared_ptr<const DomainSigner>> load(const std::string& tenant_id,
                                                         const std::string& from_domain) const;
  base::Result<std::shared_ptr<const dkim::SigningKey>> unseal_key(
      const std::string& sealed, const std::string& context) const;
  void remember(const CacheKey& key, std::shared_ptr<const DomainSigner> signer,
                int64_t now_us) const;

  SigningKeyStore& store_;
  seal::SealKey seal_key_;
  const base::Clock& clock_;
  int64_t ttl_us_;
  mutable std::mutex mu_;
  mutable std::map<CacheKey, Entry> cache_;  // guarded by mu_
};

}  // namespace ark::milter
