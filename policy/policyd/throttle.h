// Throttle: failed SMTP logins counted per client address (Postfix's rip=), so one client
// cannot guess keys at the rate Postfix can relay AUTH commands. A client with
// max_failures failures within `window` is refused without any lookup until the window of
// its first counted failure has passed. Keys carry ~190 random bits, so this is about load
// and log noise more than about guessing; it also keeps a broken client from hammering the
// database.
//
// Memory is bounded: at most max_clients addresses are tracked; past that, expired entries
// are dropped first and, if that is not enough, everything is forgotten (logged): failing
// open on memory is better than refusing every client.
//
// Ownership: borrows the clock. Thread-safety: all methods lock an internal mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/base/clock.h"

namespace ark::policyd {

struct ThrottleSettings {
  int max_failures = 10;  // 0 disables the throttle
  int64_t window_ms = 600000;
  size_t max_clients = 100000;
};

class Throttle {
 public:
  Throttle(ThrottleSettings settings, const base::Clock& clock)
      : settings_(settings), clock_(clock) {}

  bool blocked(const std::string& client);
  void record_failure(const std::string& client);
  size_t tracked_for_test();

 private:
  struct Entry {
    int failures = 0;
    int64_t first_us = 0;
  };
  bool expired(const Entry& e, int64_t now_us) const;
  void make_room(int64_t now_us);

  ThrottleSettings settings_;
  const base::Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> clients_;  // guarded by mu_
};

}  // namespace ark::policyd
