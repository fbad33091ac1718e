// The API request log writer (api.md §3.15, behaviour.md §12): the dispatcher's
// RequestRecorder. Every request is turned into a row (bodies redacted, truncated and,
// with a seal key, sealed) on the request thread, queued, and written in batches by one
// background thread, so logging never adds a database round trip to a response.
//
// Delivery: best effort within the process. Rows queued when admind stops are written by
// stop(); a full queue (the database is down for long) drops new rows and logs how many.
// A failed batch is retried a few times before it is dropped.
//
// Ownership: borrows the store and the seal key (may be null: bodies stored unsealed).
// Thread-safety: record() may be called from any thread; start()/stop() from one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "admind/http/server.h"
#include "admind/store/request_log_store.h"
#include "core/seal/seal.h"

namespace ark::admind::reqlog {

struct RecorderSettings {
  size_t queue_capacity = 20000;
  size_t batch_rows = 200;
  int flush_ms = 50;
};

// The row for one exchange (pure apart from sealing's random nonce).
store::RequestLogRow build_log_row(const http::Exchange& ex, const seal::SealKey* key);
// The context string a log body is sealed under (binds it to its row).
std::string body_seal_context(const std::string& request_id, bool response);

class RequestLogWriter {
 public:
  RequestLogWriter(store::RequestLogStore& store, const seal::SealKey* key, RecorderSettings s);
  ~RequestLogWriter();
  RequestLogWriter(const RequestLogWriter&) = delete;
  RequestLogWriter& operator=(const RequestLogWriter&) = delete;

  void start();
  void stop();  // writes what is queued, then joins
  void record(const http::Exchange& ex);

 private:
  void run();
  void write(std::vector<store::RequestLogRow>&& batch);

  store::RequestLogStore& store_;
  const seal::SealKey* key_;
  RecorderSettings s_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<store::RequestLogRow> queue_;
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ark::admind::reqlog
