// The API request log in MySQL (table `api_request_logs`, sql/003): batch inserts from the
// request log writer, reads for GET /logs and GET /logs/{requestId}, and the retention
// purge. Prepared statements only.
//
// Visibility: restrict_tenant empty = organisation key (every row); otherwise only rows
// recorded for that tenant's scoped keys. Rows older than `not_before_us` are treated as
// gone even before the purge removes them, so retention holds between purge runs.
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct RequestLogRow {
  std::string request_id;
  std::optional<std::string> tenant_id;
  std::optional<int64_t> key_id;
  std::optional<std::string> key_prefix;
  std::string method;
  std::string path;
  std::string endpoint;
  int status_code = 0;
  int duration_ms = 0;
  std::optional<std::string> ip_address;
  std::optional<std::string> user_agent;
  std::optional<std::string> idempotency_key;
  std::optional<std::string> query_json;  // JSON object of the query parameters
  std::optional<int> rate_limit;
  std::optional<int> rate_remaining;
  std::optional<int64_t> rate_reset;
  bool rate_limited = false;
  std::optional<std::string> email_id;
  std::optional<int> recipient_count;
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  std::optional<std::string> sdk_name;
  std::optional<std::string> sdk_version;
  bool body_sealed = false;
  std::optional<std::string> request_body;  // redacted, truncated, possibly sealed
  std::optional<int64_t> request_body_size;
  std::optional<std::string> response_body;
  std::optional<int64_t> response_body_size;
  int64_t received_us = 0;
};

struct RequestLogFilter {
  std::optional<bool> errors_only;  // true: status >= 400; false: status < 400
  std::optional<int> status_code;
  std::optional<std::string> endpoint;
  std::optional<int64_t> key_id;
  std::optional<std::string> request_id_part;  // substring match
  std::optional<int64_t> start_us;             // received_at >= start
  std::optional<int64_t> end_us;               // received_at < end
  std::string restrict_tenant;                 // empty: every row
  int64_t not_before_us = 0;                   // retention horizon
};

class RequestLogStore {
 public:
  explicit RequestLogStore(storage::DbPool& db) : db_(db) {}

  // One transaction for the whole batch; a row whose request id exists is skipped.
  base::Status insert_batch(const std::vector<RequestLogRow>& rows);
  // Bodies are left out (the list view never shows them).
  base::Result<std::vector<RequestLogRow>> list(const RequestLogFilter& f, int page, int per_page,
                                                int64_t* total);
  // NotFound when absent, outside the retention horizon or not visible to the caller.
  base::Result<RequestLogRow> get(const std::string& request_id, const std::string& restrict_tenant,
                                  int64_t not_before_us);
  // Deletes up to `limit` rows received before cutoff; returns how many went.
  base::Result<int64_t> purge_before(int64_t cutoff_us, int limit);

 private:
  storage::DbPool& db_;
};

}  // namespace ark::admind::store
