// DKIM key changes an operator starts with arkctl (sql/006_dkim.sql explains the states):
//   start_rotation  a new RSA-2048 key under a new selector, stored as the domain's next
//                   key. Signing goes on with the current key until the DNS re-check finds
//                   the new selector's record, then switches (no gap, no unpublished key).
//   add_ed25519_key an Ed25519 key (RFC 8463) under its own selector; ark-milter adds the
//                   second signature once the re-check has seen its record.
// Both return the TXT record to publish. Private keys are sealed with the contexts
// ark-milter unseals with ("dkim:<uuid>", "dkim-ed25519:<uuid>").
//
// Errors: NotFound for an unknown domain uuid; Transient/Internal from the store or key
// generation. Thread-safety: stateless functions.
#pragma once

#include <string>

#include "admind/dns_monitor/monitor_store.h"
#include "core/base/result.h"
#include "core/dns/records.h"
#include "core/seal/seal.h"

namespace ark::admind::dns_monitor {

struct RecordToPublish {
  std::string selector;
  std::string name;   // FQDN: <selector>._domainkey.<domain>
  std::string value;  // TXT value, e.g. "k=rsa;t=s;p=…"
};

base::Result<RecordToPublish> start_rotation(MonitorStore& store, const seal::SealKey& key,
                                             const dns::RecordNaming& naming,
                                             const std::string& uuid);
base::Result<RecordToPublish> add_ed25519_key(MonitorStore& store, const seal::SealKey& key,
                                              const dns::RecordNaming& naming,
                                              const std::string& uuid);

}  // namespace ark::admind::dns_monitor
