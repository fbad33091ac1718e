// Per-tenant suppression list (table `suppressions`, api.md §4.8). The log follower writes
// the same table directly (hard fails, exhausted soft fails, removal on delivery).
// Addresses compare case-insensitively (the column's _ci collation).
//
// Every method takes the tenant and filters on it. Errors: NotFound (remove of an address
// that is not listed), Transient/Internal (database).
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct SuppressionRow {
  int64_t id = 0;
  std::string address;
  std::optional<std::string> reason;
  int64_t created_us = 0;
};

class SuppressionStore {
 public:
  SuppressionStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  // Adds the address, or returns the existing entry (its reason replaced when one is
  // given). *created tells which.
  base::Result<SuppressionRow> add(const std::string& tenant_id, const std::string& address,
                                   const std::optional<std::string>& reason, bool* created);
  // nullopt when the address is not suppressed.
  base::Result<std::optional<SuppressionRow>> find(const std::string& tenant_id,
                                                   const std::string& address);
  // Newest first.
  base::Result<std::vector<SuppressionRow>> list(const std::string& tenant_id, int page,
                                                 int per_page, int64_t* total);
  base::Status remove(const std::string& tenant_id, const std::string& address);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
