// The retention job (behaviour.md Appendix C.11): on a timer, admind deletes API request
// logs older than retention.api_logs, clears stored raw messages older than
// retention.raw_messages (after which an email can no longer be retried manually), and
// deletes expired Idempotency-Key records. Work is done in bounded chunks so a large
// backlog never holds long locks.
//
// Every admind with the api role runs it; the deletes are idempotent, so several
// instances only repeat each other's work.
// Ownership: borrows the stores and clock. Thread-safety: start() runs one thread;
// run_once() may be called from tests while the thread is not running.
#pragma once

#include <cstdint>

#include "admind/store/email_read_store.h"
#include "admind/store/idempotency_store.h"
#include "admind/store/request_log_store.h"
#include "core/base/clock.h"
#include "core/base/periodic.h"

namespace ark::admind::api {

struct RetentionSettings {
  int64_t api_logs_us = 30LL * 86400 * 1000000;
  int64_t raw_messages_us = 7LL * 86400 * 1000000;
  int64_t interval_ms = 3600 * 1000;
};

struct RetentionStats {
  int64_t api_logs = 0;
  int64_t raw_messages = 0;
  int64_t idempotency_keys = 0;
};

class RetentionJob {
 public:
  RetentionJob(store::RequestLogStore& logs, store::EmailReadStore& emails,
               store::IdempotencyStore& keys, const base::Clock& clock, RetentionSettings s)
      : logs_(logs), emails_(emails), keys_(keys), clock_(clock), s_(s) {}
  ~RetentionJob();
  void start();
  void stop();
  RetentionStats run_once();

 private:
  store::RequestLogStore& logs_;
  store::EmailReadStore& emails_;
  store::IdempotencyStore& keys_;
  const base::Clock& clock_;
  RetentionSettings s_;
  base::Periodic loop_;
};

}  // namespace ark::admind::api
