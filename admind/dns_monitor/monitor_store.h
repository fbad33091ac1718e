// MonitorStore: the database side of the DNS re-check (dns_monitor.h) and of the DKIM key
// commands (dkim_admin.h): which domains are due, claiming one so that several admind
// instances never check it twice at once, the alert state with its DomainDNSError outbox
// row (one transaction), the Ed25519 key's published flag, and key rotation (sql/006).
//
// Per-record statuses and verified_at are written by DomainStore::save_check (3A's store),
// so the API's verify and the re-check share one rule for what "verified" means.
//
// Errors: Transient when the database is unavailable; NotFound for an unknown domain;
// Internal otherwise. Thread-safety: stateless apart from the borrowed pool; share freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::dns_monitor {

struct MonitoredDomain {
  int64_t id = 0;
  std::string uuid;
  std::string tenant_id;
  std::string name;
  std::string selector;
  std::string public_txt;
  bool verified = false;
  std::optional<std::string> alert_state;
  std::string ed25519_selector;  // empty: no Ed25519 key
  std::string ed25519_public_txt;
  bool ed25519_verified = false;
  std::string next_selector;  // empty: no rotation pending
  std::string next_public_txt;
};

// One DomainDNSError row for the outbox (table `events`, sql/004).
struct OutboxEvent {
  std::string uuid;
  std::string type;
  std::string source_key;  // unique: a cause records at most one event
  std::string payload;     // JSON text
  int64_t occurred_us = 0;
};

// Key material for a new selector, private key already sealed.
struct NewKey {
  std::string selector;
  std::string private_sealed;
  std::string public_txt;
};

class MonitorStore {
 public:
  MonitorStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  // Domains to re-check whose last check is older than checked_before_us (or never ran):
  // verified ones, those in an alert state, and those with a rotation or an unpublished
  // Ed25519 key pending. Oldest check first, at most `limit`.
  base::Result<std::vector<MonitoredDomain>> due(int64_t checked_before_us, int limit);
  base::Result<MonitoredDomain> by_uuid(const std::string& uuid);
  // Takes the domain for one check: true when its dns_checked_at was still older than
  // checked_before_us (and is now set to now), false when another instance took it.
  base::Result<bool> claim(int64_t id, int64_t checked_before_us);
  // Compare-and-set of the alert state (from `expected` to `next`); when `event` is given
  // it is written to the outbox in the same transaction. false: the state had changed
  // meanwhile (another instance recorded it), nothing written.
  base::Result<bool> change_alert(int64_t id, const std::optional<std::string>& expected,
                                  const std::optional<std::string>& next,
                                  const std::optional<OutboxEvent>& event,
                                  const std::string& tenant_id);
  base::Status set_ed25519_verified(int64_t id, bool verified);
  // Rotation: the next key becomes the current one when its selector is still `selector`.
  base::Result<bool> promote_next_key(int64_t id, const std::string& selector);
  // Stores keys made by dkim_admin.h. Errors: NotFound.
  base::Status set_next_key(int64_t id, const NewKey& key);
  base::Status set_ed25519_key(int64_t id, const NewKey& key);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::dns_monitor
