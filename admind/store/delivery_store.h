// Webhook delivery records: one row per attempt to POST an event to a tenant webhook
// (table `webhook_deliveries`, ids `whr_…`) or a platform webhook
// (`platform_webhook_deliveries`, ids `pwd_…`); api.md §3.13-3.14, behaviour.md §3.4.
//
// Life cycle: a row is written once, complete, after its attempt was made: by the events
// dispatcher (admind/events/dispatch_store.h) for each attempt of an event delivery, and by
// `test` and `replay` (admind/events/webhook_sender.h). This store only reads them.
//
// Tenant scope: every read filters on the tenant and the webhook. Errors: NotFound,
// Transient/Internal (database).
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "admind/store/webhook_store.h"
#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct DeliveryRow {
  std::string id;
  std::string webhook_id;
  std::string webhook_name;
  std::optional<std::string> tenant_id;  // null: platform test send
  std::string kind;                      // event | test | replay
  std::optional<std::string> replay_of;  // the delivery a replay repeats
  std::string event;
  std::string event_uuid;
  std::string url;
  int attempt = 1;
  std::optional<int64_t> status_code;
  bool success = false;
  bool will_retry = false;
  std::string request_headers_json = "{}";
  std::string payload_json = "{}";
  std::optional<std::string> response_body;
  std::optional<std::string> error;
  std::optional<int64_t> duration_ms;
  int64_t created_us = 0;
  std::optional<int64_t> attempted_us;  // null only in rows older than migration 007
  // The attempt's time for the API: when it was made (else when it was recorded).
  int64_t timestamp_us() const { return attempted_us.value_or(created_us); }
};

struct DeliveryFilter {
  std::optional<bool> success;
  std::optional<std::string> event;
  std::optional<int64_t> after_s;         // attempts strictly after this unix time
  std::optional<int64_t> before_s;        // strictly before
  std::optional<std::string> webhook_id;  // platform list filter (the tenant list is per webhook)
  std::optional<std::string> tenant_id;   // platform list filter
};

class DeliveryStore {
 public:
  DeliveryStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  // Tenant: restricted to tenant_id + webhook_id. Platform: webhook_id/tenant_id unused.
  base::Result<DeliveryRow> get(WebhookScope scope, const std::string& tenant_id,
                                const std::string& webhook_id, const std::string& id);
  // Newest first. Tenant: the deliveries of one webhook of the tenant.
  base::Result<std::vector<DeliveryRow>> list(WebhookScope scope, const std::string& tenant_id,
                                              const std::string& webhook_id,
                                              const DeliveryFilter& filter, int page, int per_page,
                                              int64_t* total);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
