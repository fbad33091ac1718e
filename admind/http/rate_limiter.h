// The API request rate limit (api.md §2.8, behaviour.md §6.1 and Appendix C.12): a sliding
// window of one second per caller ("key:<id>" for an authenticated key, "ip:<address>"
// for requests without a valid key), `limit` requests per window.
//
// The window is kept in memory per admind process: several admind instances behind a load
// balancer each allow `limit` per key, so a fleet's effective limit is limit x instances
// (documented in docs/decisions.md). A refused request is not counted, so a client that
// waits Retry-After seconds is served.
//
// Thread-safety: hit() and peek() may be called from any thread; the state is split into
// shards, each behind its own mutex.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "admind/http/request.h"
#include "core/base/clock.h"

namespace ark::admind::http {

class RateLimiter {
 public:
  // limit_per_s < 1 is treated as 1. The clock is borrowed and must outlive the limiter.
  RateLimiter(int limit_per_s, const base::Clock& clock);

  // Counts one request of `caller` unless the window is full; returns the window after it.
  RateState hit(const std::string& caller);
  // The window of `caller` now, without counting anything.
  RateState peek(const std::string& caller);
  int limit() const { return limit_; }
  // Callers with live windows (for tests of the memory sweep).
  size_t tracked_for_test();

 private:
  static constexpr int64_t kWindowUs = 1000000;
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::deque<int64_t>> windows;
    uint64_t hits_since_sweep = 0;
  };
  RateState state_of(const std::deque<int64_t>& hits, int64_t now_us) const;
  static void drop_expired(std::deque<int64_t>* hits, int64_t now_us);
  static void sweep(Shard* shard, int64_t now_us);
  Shard& shard_for(const std::string& caller);

  int limit_;
  const base::Clock& clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace ark::admind::http
