// Usage counters from the real `emails` rows (api.md §3.8, behaviour.md §11): every
// outgoing email created in the period counts once in `sent`, and once more under its
// current status (delivered = sent, soft_failed = softfail, hard_failed = hardfail,
// bounced, held). Each email row is one recipient, so counting is per recipient, as the
// plans count. Prepared statements only.
//
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct EmailCounts {
  int64_t sent = 0;
  int64_t delivered = 0;
  int64_t soft_failed = 0;
  int64_t hard_failed = 0;
  int64_t bounced = 0;
  int64_t held = 0;
  void add(const std::string& status, int64_t n);  // by email status
};

struct TenantUsageRow {
  std::string tenant_id;
  std::string name;
  std::string metadata_json;
  std::string status;
  EmailCounts counts;
};

struct UsageQuery {
  int64_t start_us = 0;  // [start, end)
  int64_t end_us = 0;
  std::optional<std::string> tenant_status;
  std::optional<std::string> only_tenant;  // tenant-scoped key
  int64_t min_sent = 0;
  std::string sort = "-sent";  // one of the api.md §2.12 usage sorts (validated by caller)
};

struct TenantTotals {
  int64_t total = 0;
  int64_t active = 0;
  int64_t with_activity = 0;
};

// Emails per 15-minute slot (UTC) and status, for time series in any zone.
struct SlotCount {
  int64_t slot_start_us = 0;
  std::string status;
  int64_t count = 0;
};

class UsageStore {
 public:
  explicit UsageStore(storage::DbPool& db) : db_(db) {}

  static bool valid_sort(const std::string& sort);

  base::Result<EmailCounts> totals(int64_t start_us, int64_t end_us,
                                   const std::optional<std::string>& only_tenant);
  base::Result<TenantTotals> tenant_totals(int64_t start_us, int64_t end_us,
                                           const std::optional<std::string>& only_tenant);
  // per_page 0: every matching tenant (export).
  base::Result<std::vector<TenantUsageRow>> per_tenant(const UsageQuery& q, int page, int per_page,
                                                       int64_t* total);
  base::Result<std::vector<SlotCount>> slots(const std::string& tenant_id, int64_t start_us,
                                             int64_t end_us);

 private:
  storage::DbPool& db_;
};

}  // namespace ark::admind::store
