#include "admind/http/rate_limiter.h"

#include <algorithm>
#include <functional>

namespace ark::admind::http {

namespace {
constexpr uint64_t kSweepEvery = 4096;  // hits per shard between sweeps of idle callers

int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}
}  // namespace

RateLimiter::RateLimiter(int limit_per_s, const base::Clock& clock)
    : limit_(std::max(1, limit_per_s)), clock_(clock) {}

RateLimiter::Shard& RateLimiter::shard_for(const std::string& caller) {
  return shards_[std::hash<std::string>{}(caller) % kShards];
}

void RateLimiter::drop_expired(std::deque<int64_t>* hits, int64_t now_us) {
  while (!hits->empty() && hits->front() <= now_us - kWindowUs) {
    hits->pop_front();
  }
}

void RateLimiter::sweep(Shard* shard, int64_t now_us) {
  for (auto it = shard->windows.begin(); it != shard->windows.end();) {
    drop_expired(&it->second, now_us);
    it = it->second.empty() ? shard->windows.erase(it) : std::next(it);
  }
  shard->hits_since_sweep = 0;
}

RateState RateLimiter::state_of(const std::deque<int64_t>& hits, int64_t now_us) const {
  RateState st;
  st.limit = limit_;
  st.remaining = std::max(0, limit_ - static_cast<int>(hits.size()));
  // The window frees its oldest slot when that request is a full second old.
  int64_t frees_at_us = hits.empty() ? now_us : hits.front() + kWindowUs;
  st.reset_s = ceil_div(frees_at_us, 1000000);
  return st;
}

RateState RateLimiter::hit(const std::string& caller) {
  int64_t now = clock_.now_us();
  Shard& shard = shard_for(caller);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (++shard.hits_since_sweep >= kSweepEvery) {
    sweep(&shard, now);
  }
  std::deque<int64_t>& hits = shard.windows[caller];
  drop_expired(&hits, now);
  if (static_cast<int>(hits.size()) >= limit_) {
    RateState st = state_of(hits, now);
    st.limited = true;
    st.retry_after_s =
        static_cast<int>(std::max<int64_t>(1, ceil_div(hits.front() + kWindowUs - now, 1000000)));
    return st;
  }
  hits.push_back(now);
  return state_of(hits, now);
}

RateState RateLimiter::peek(const std::string& caller) {
  int64_t now = clock_.now_us();
  Shard& shard = shard_for(caller);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.windows.find(caller);
  if (it == shard.windows.end()) {
    return state_of({}, now);
  }
  drop_expired(&it->second, now);
  return state_of(it->second, now);
}

size_t RateLimiter::tracked_for_test() {
  size_t n = 0;
  int64_t now = clock_.now_us();
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    sweep(&shard, now);
    n += shard.windows.size();
  }
  return n;
}

}  // namespace ark::admind::http
