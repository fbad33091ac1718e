// What the issue-3 "platform" handlers use next to Services: the request log, usage
// counters, email read models, the rate limiter, the Postfix queue view and the
// retention settings. Built by ApiPlatform (api_platform.h).
//
// Ownership: borrowed references; ApiPlatform owns them and outlives the server.
// Thread-safety: every member is safe to share between request threads.
#pragma once

#include <string>

#include "admind/api/queue_state.h"
#include "admind/api/services.h"
#include "admind/http/rate_limiter.h"
#include "admind/store/email_read_store.h"
#include "admind/store/request_log_store.h"
#include "admind/store/usage_store.h"
#include "core/seal/seal.h"

namespace ark::admind::api {

struct PlatformSettings {
  int64_t api_log_retention_us = 30LL * 86400 * 1000000;
  int64_t raw_message_retention_us = 7LL * 86400 * 1000000;
  std::string external_id_key = "externalId";  // tenant metadata key behind external_id
  RetrySchedule schedule;                      // Postfix's, for retryState.maxAttempts
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
};

void add_log_routes(http::Router& router, PlatformServices& p);
void add_usage_routes(http::Router& router, PlatformServices& p);
void add_limits_routes(http::Router& router, PlatformServices& p);
void add_email_read_routes(http::Router& router, PlatformServices& p);

}  // namespace ark::admind::api
