// Tenants in MySQL (table `tenants`). Prepared statements only.
//
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct TenantRow {
  std::string id;
  std::string name;
  std::string metadata_json = "{}";
  std::string status = "active";
  int64_t created_us = 0;
  int64_t updated_us = 0;
};

struct TenantPatch {
  std::optional<std::string> name;
  std::optional<std::string> metadata_json;
  std::optional<std::string> status;
};

class TenantStore {
 public:
  TenantStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  base::Result<TenantRow> create(const std::string& name, const std::string& metadata_json);
  base::Result<TenantRow> get(const std::string& id);  // NotFound if absent
  base::Result<TenantRow> update(const std::string& id, const TenantPatch& patch);
  // only_id: restrict to one tenant (a tenant-scoped key lists only its own).
  base::Result<std::vector<TenantRow>> list(const std::optional<std::string>& status,
                                            const std::optional<std::string>& only_id,
                                            int page, int per_page, int64_t* total);
  base::Status remove(const std::string& id);  // NotFound if absent

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
