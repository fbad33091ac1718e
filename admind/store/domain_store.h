// Sending domains (table `domains`, api.md §4.7) with their DKIM key (sealed private key,
// public TXT value) and the last DNS check's per-record status.
//
// Every method takes the tenant and filters on it. Errors: NotFound (no such domain for the
// tenant), Conflict (the tenant already has a domain with that name), Transient/Internal.
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct DomainRow {
  int64_t id = 0;
  std::string uuid;
  std::string tenant_id;
  std::string tenant_name;
  std::string name;
  std::string zone;
  std::string dkim_selector;
  std::string dkim_public_txt;
  std::optional<std::string> spf_status;  // OK | Missing | Invalid; null = never checked
  std::optional<std::string> dkim_status;
  std::optional<std::string> return_path_status;
  std::optional<int64_t> checked_us;
  std::optional<int64_t> verified_us;
  int64_t created_us = 0;
};

struct NewDomain {
  std::string tenant_id;
  std::string uuid;
  std::string name;
  std::string zone;
  std::string dkim_selector;
  std::string dkim_private_sealed;
  std::string dkim_public_txt;
};

// The outcome of one DNS check. A status left nullopt (its lookup failed) keeps the stored
// one; `conclusive` is false when any lookup failed, and then verified_at is left alone.
struct DomainCheckUpdate {
  std::optional<std::string> spf_status;
  std::optional<std::string> dkim_status;
  std::optional<std::string> return_path_status;
  bool verified = false;
  bool conclusive = false;
};

class DomainStore {
 public:
  DomainStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  base::Result<DomainRow> create(const NewDomain& d);
  base::Result<DomainRow> get(const std::string& tenant_id, int64_t id);
  // Oldest first (creation order), not paginated (api.md §4.7 #26).
  base::Result<std::vector<DomainRow>> list(const std::string& tenant_id);
  // Stores a check: statuses, dns_checked_at, and verified_at (set on the first success,
  // kept while verified, cleared by a conclusive failure). Errors: NotFound, Conflict when
  // another tenant has this name verified (nothing is stored then).
  base::Result<DomainRow> save_check(const std::string& tenant_id, int64_t id,
                                     const DomainCheckUpdate& check);
  // Removes the domain and (by cascade) its track domains.
  base::Status remove(const std::string& tenant_id, int64_t id);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
