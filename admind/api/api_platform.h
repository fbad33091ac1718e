// The API's cross-cutting machinery (issue 3), assembled in one place for admind's
// composition root: the per-key rate limit, Idempotency-Key, the request log writer and
// its retention job, plus the routes of the email read, logs, usage and limits endpoints.
//
// Config keys (admind_config.cpp): api.rate_limit, retention.api_logs,
// retention.raw_messages, retention.purge_interval, usage.external_id_key,
// postfix.queue_directory and Postfix's backoff schedule (postfix.*_backoff_time,
// postfix.maximal_queue_lifetime).
//
// Ownership: owns its stores, limiter, writer and job; borrows the pool, clock, Services
// and seal key, which must outlive it. Lifecycle: add_routes(), hooks(), start() before
// the server starts; stop() after the server stopped (flushes the request log).
#pragma once

#include <memory>

#include "admind/api/idempotency.h"
#include "admind/api/platform_services.h"
#include "admind/api/retention.h"
#include "admind/http/server.h"
#include "admind/reqlog/recorder.h"
#include "core/config/config.h"

namespace ark::admind::api {

class ApiPlatform {
 public:
  ApiPlatform(const config::Config& cfg, storage::DbPool& db, const base::Clock& clock,
              Services& services, const seal::SealKey* seal_key);
  ~ApiPlatform();

  void add_routes(http::Router& router);
  // GET /limits reports sendLimit from this source (the send path's hourly window).
  void set_send_window(SendWindowSource source) { services_.send_window = std::move(source); }
  http::DispatchHooks hooks();
  void start();
  void stop();

 private:
  store::RequestLogStore request_logs_;
  store::UsageStore usage_;
  store::EmailReadStore email_reads_;
  store::IdempotencyStore idempotency_keys_;
  http::RateLimiter limiter_;
  PostfixQueueDir queue_;
  Idempotency idempotency_;
  reqlog::RequestLogWriter writer_;
  RetentionJob retention_;
  PlatformServices services_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::api
