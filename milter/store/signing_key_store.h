// SigningKeyStore: where ark-milter finds the DKIM keys of a tenant's verified domains
// (tables of sql/002 and sql/006). A separate interface from MessageStore so the signing
// stage can be tested with a fake and the message path keeps its single store method.
//
// Only verified domains are returned (domains.verified_at set): a domain whose records do
// not pass is never signed for. The Ed25519 key is returned only once its own TXT record
// was seen in DNS (dkim_ed25519_verified_at), see sql/006_dkim.sql.
//
// Private keys stay sealed here (core/seal); the caller unseals them with the context
// given by seal_context_rsa()/seal_context_ed25519().
// Thread-safety: implementations are called from libmilter's worker threads at once.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"

namespace ark::milter {

struct DomainKeyRow {
  std::string name;  // the verified domain (d=)
  std::string uuid;  // domains.uuid, part of the seal context
  std::string rsa_selector;
  std::string rsa_sealed;
  std::string ed25519_selector;  // empty when the domain has no published Ed25519 key
  std::string ed25519_sealed;
};

inline std::string seal_context_rsa(const std::string& uuid) {
  return "dkim:" + uuid;
}
inline std::string seal_context_ed25519(const std::string& uuid) {
  return "dkim-ed25519:" + uuid;
}

class SigningKeyStore {
 public:
  virtual ~SigningKeyStore() = default;
  // The tenant's verified domains whose name is one of `names` (any order).
  // Errors: Transient when the database is unreachable or busy; others are internal.
  virtual base::Result<std::vector<DomainKeyRow>> verified_domains(
      const std::string& tenant_id, const std::vector<std::string>& names) = 0;
};

}  // namespace ark::milter
