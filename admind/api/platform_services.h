// What the issue-3 "platform" handlers use next to Services: the request log, usage
// counters, email read models, the rate limiter, the Postfix queue view and the
// retention settings. Built by ApiPlatform (api_platform.h).
//
// Ownership: borrowed references; ApiPlatform owns them and outlives the server.
// Thread-safety: every member is safe to share between request threads.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "admind/api/queue_state.h"
#include "admind/api/services.h"
#include "admind/http/rate_limiter.h"
#include "admind/store/email_read_store.h"
#include "admind/store/request_log_store.h"
#include "admind/store/usage_store.h"
#include "core/seal/seal.h"

namespace ark::admind::api {

// A tenant's hourly send-limit window now (issue 4's limits), for GET /limits.
struct SendWindow {
  int64_t limit = 0;  // 0 = unlimited
  int64_t used = 0;
  int64_t reset_s = 0;  // unix seconds of the next window (top of the hour)
};
// nullopt: the limit service cannot tell now (sendLimit is then null, api.md §6 row 14).
using SendWindowSource = std::function<std::optional<SendWindow>(const std::string& tenant_id)>;

struct PlatformSettings {
  int64_t api_log_retention_us = 30LL * 86400 * 1000000;
  int64_t raw_message_retention_us = 7LL * 86400 * 1000000;
  std::string external_id_key = "externalId";  // tenant metadata key behind external_id
  RetrySchedule schedule;                      // Postfix's, for retryState.maxAttempts
  std::string default_tenant;                  // api.default_tenant: an org key's account
};

struct PlatformServices {
  const base::Clock& clock;
  store::TenantStore& tenants;
  store::RequestLogStore& request_logs;
  store::UsageStore& usage;
  store::EmailStore& emails;
  store::EmailReadStore& email_reads;
  http::RateLimiter& rate_limiter;
  const QueueInspector& queue;
  const seal::SealKey* seal_key;  // null: log bodies are stored unsealed
  PlatformSettings settings;
  SendWindowSource send_window;  // empty until the composition root installs one
};

void add_log_routes(http::Router& router, PlatformServices& p);
void add_usage_routes(http::Router& router, PlatformServices& p);
void add_limits_routes(http::Router& router, PlatformServices& p);
void add_email_read_routes(http::Router& router, PlatformServices& p);

}  // namespace ark::admind::api
