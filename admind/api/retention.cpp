#include "admind/api/retention.h"

#include <functional>

#include "core/base/log.h"

namespace ark::admind::api {
namespace {

constexpr int kChunk = 5000;
constexpr int kMaxChunks = 200;  // per run and kind; the next run continues

int64_t drain(const char* what, const std::function<base::Result<int64_t>()>& chunk) {
  int64_t total = 0;
  for (int i = 0; i < kMaxChunks; ++i) {
    auto n = chunk();
    if (!n) {
      base::log_warn("retention_failed", {{"what", what}, {"reason", n.error().message}});
      break;
    }
    total += *n;
    if (*n < kChunk) {
      break;
    }
  }
  return total;
}

}  // namespace

RetentionJob::~RetentionJob() {
  stop();
}

RetentionStats RetentionJob::run_once() {
  int64_t now = clock_.now_us();
  RetentionStats st;
  st.api_logs = drain("api_logs", [&] { return logs_.purge_before(now - s_.api_logs_us, kChunk); });
  st.raw_messages = drain(
      "raw_messages", [&] { return emails_.clear_raw_before(now - s_.raw_messages_us, kChunk); });
  st.idempotency_keys = drain("idempotency_keys", [&] { return keys_.purge_expired(now, kChunk); });
  if (st.api_logs + st.raw_messages + st.idempotency_keys > 0) {
    base::log_info("retention_purged", {{"api_logs", st.api_logs},
                                        {"raw_messages", st.raw_messages},
                                        {"idempotency_keys", st.idempotency_keys}});
  }
  return st;
}

void RetentionJob::start() {
  loop_.start("retention", std::chrono::milliseconds(s_.interval_ms), [this] { run_once(); });
}

void RetentionJob::stop() {
  loop_.stop();
}

}  // namespace ark::admind::api
