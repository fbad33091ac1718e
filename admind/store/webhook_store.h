// Webhook endpoints: tenant webhooks (table `webhooks`, api.md §4.9; numeric id + uuid,
// `allEvents`) and platform webhooks (table `platform_webhooks`, §4.12; `pwh_` ids, events
// empty = all). One store for both because the shapes differ only in those fields.
//
// Scope::Tenant calls take the tenant and filter on it; Scope::Platform calls ignore it.
// Errors: NotFound (no such webhook in the scope), Transient/Internal (database).
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

enum class WebhookScope { Tenant, Platform };

struct WebhookRow {
  std::string id;         // tenant: the numeric id as text; platform: pwh_…
  std::string uuid;       // tenant only
  std::string tenant_id;  // tenant only
  std::string name;
  std::string url;
  std::vector<std::string> events;
  bool all_events = false;  // tenant only
  bool enabled = true;
  int64_t created_us = 0;
  int64_t updated_us = 0;
};

struct WebhookPatch {
  std::optional<std::string> name;
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> all_events;
  std::optional<bool> enabled;
};

class WebhookStore {
 public:
  WebhookStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  // Tenant: id and uuid are assigned here. Platform: row.id must be set (pwh_…).
  base::Result<WebhookRow> create(WebhookScope scope, WebhookRow row);
  base::Result<WebhookRow> get(WebhookScope scope, const std::string& tenant_id,
                               const std::string& id);
  base::Result<WebhookRow> update(WebhookScope scope, const std::string& tenant_id,
                                  const std::string& id, const WebhookPatch& patch);
  // Oldest first.
  base::Result<std::vector<WebhookRow>> list(WebhookScope scope, const std::string& tenant_id);
  // Removes the webhook and (by cascade) its delivery records.
  base::Status remove(WebhookScope scope, const std::string& tenant_id, const std::string& id);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
