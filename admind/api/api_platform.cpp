#include "admind/api/api_platform.h"

namespace ark::admind::api {
namespace {

int64_t ms_to_us(int64_t ms) {
  return ms * 1000;
}
int64_t ms_to_s(int64_t ms) {
  return ms / 1000;
}

RetentionSettings retention_settings(const config::Config& cfg) {
  RetentionSettings r;
  r.api_logs_us = ms_to_us(cfg.get_duration_ms("retention.api_logs"));
  r.raw_messages_us = ms_to_us(cfg.get_duration_ms("retention.raw_messages"));
  r.interval_ms = cfg.get_duration_ms("retention.purge_interval");
  return r;
}

PlatformSettings platform_settings(const config::Config& cfg) {
  PlatformSettings p;
  p.api_log_retention_us = ms_to_us(cfg.get_duration_ms("retention.api_logs"));
  p.raw_message_retention_us = ms_to_us(cfg.get_duration_ms("retention.raw_messages"));
  p.external_id_key = cfg.get_string("usage.external_id_key");
  p.default_tenant = cfg.get_string("api.default_tenant");
  p.schedule.minimal_backoff_s = ms_to_s(cfg.get_duration_ms("postfix.minimal_backoff_time"));
  p.schedule.maximal_backoff_s = ms_to_s(cfg.get_duration_ms("postfix.maximal_backoff_time"));
  p.schedule.queue_lifetime_s = ms_to_s(cfg.get_duration_ms("postfix.maximal_queue_lifetime"));
  return p;
}

}  // namespace

ApiPlatform::ApiPlatform(const config::Config& cfg, storage::DbPool& db, const base::Clock& clock,
                         Services& services, const seal::SealKey* seal_key)
    : request_logs_(db),
      usage_(db),
      email_reads_(db),
      idempotency_keys_(db),
      limiter_(static_cast<int>(cfg.get_int("api.rate_limit")), clock),
      queue_(cfg.get_string("postfix.queue_directory")),
      idempotency_(idempotency_keys_, clock, IdempotencySettings{}),
      writer_(request_logs_, seal_key, reqlog::RecorderSettings{}),
      retention_(request_logs_, email_reads_, idempotency_keys_, clock, retention_settings(cfg)),
      services_{clock,        services.tenants, request_logs_, usage_,   services.emails,
                email_reads_, limiter_,         queue_,        seal_key, platform_settings(cfg)},
      clock_(clock) {}

ApiPlatform::~ApiPlatform() {
  stop();
}

void ApiPlatform::add_routes(http::Router& router) {
  add_email_read_routes(router, services_);
  add_log_routes(router, services_);
  add_usage_routes(router, services_);
  add_limits_routes(router, services_);
}

http::DispatchHooks ApiPlatform::hooks() {
  http::DispatchHooks h;
  h.rate_limit = [this](const std::string& caller) { return limiter_.hit(caller); };
  h.around_handler = [this](http::Request& req, const http::Handler& handler) {
    return idempotency_.run(req, handler);
  };
  h.recorder = [this](const http::Exchange& ex) {
    if (ex.request.path.rfind("/v1/", 0) == 0 || ex.request.path == "/v1") {
      writer_.record(ex);
    }
  };
  h.clock = &clock_;
  return h;
}

void ApiPlatform::start() {
  writer_.start();
  retention_.start();
}

void ApiPlatform::stop() {
  retention_.stop();
  writer_.stop();
}

}  // namespace ark::admind::api
