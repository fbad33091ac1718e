#include "policy/policyd/throttle.h"

#include "core/base/log.h"

namespace ark::policyd {

bool Throttle::expired(const Entry& e, int64_t now_us) const {
  return now_us - e.first_us >= settings_.window_ms * 1000;
}

bool Throttle::blocked(const std::string& client) {
  if (settings_.max_failures <= 0) {
    return false;
  }
  int64_t now = clock_.now_us();
  std::lock_guard lock(mu_);
  auto it = clients_.find(client);
  if (it == clients_.end()) {
    return false;
  }
  if (expired(it->second, now)) {
    clients_.erase(it);
    return false;
  }
  return it->second.failures >= settings_.max_failures;
}

void Throttle::record_failure(const std::string& client) {
  if (settings_.max_failures <= 0) {
    return;
  }
  int64_t now = clock_.now_us();
  std::lock_guard lock(mu_);
  auto it = clients_.find(client);
  if (it != clients_.end() && expired(it->second, now)) {
    clients_.erase(it);
    it = clients_.end();
  }
  if (it == clients_.end()) {
    if (clients_.size() >= settings_.max_clients) {
      make_room(now);
    }
    it = clients_.emplace(client, Entry{0, now}).first;
  }
  ++it->second.failures;
}

void Throttle::make_room(int64_t now_us) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    it = expired(it->second, now_us) ? clients_.erase(it) : std::next(it);
  }
  if (clients_.size() >= settings_.max_clients) {
    base::log_warn("throttle_reset", {{"tracked", clients_.size()},
                                      {"effect", "failure counts forgotten to bound memory"}});
    clients_.clear();
  }
}

size_t Throttle::tracked_for_test() {
  std::lock_guard lock(mu_);
  return clients_.size();
}

}  // namespace ark::policyd
