// Periodic: runs a function on its own thread every `every`, first at start(), until stop().
// The function's exceptions are caught and logged (as `<name>_exception`), so one bad pass
// never ends the loop; stop() wakes the wait at once and joins.
//
// Ownership: owns its thread. Thread-safety: start/stop from one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "core/base/log.h"

namespace ark::base {

class Periodic {
 public:
  Periodic() = default;
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;
  ~Periodic() { stop(); }

  void start(std::string name, std::chrono::milliseconds every, std::function<void()> fn) {
    name_ = std::move(name);
    every_ = every;
    fn_ = std::move(fn);
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
  }

  bool running() const { return thread_.joinable(); }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void loop() {
    for (;;) {
      try {
        fn_();
      } catch (const std::exception& e) {
        log_error(name_ + "_exception", {{"what", e.what()}});
      } catch (...) {
        log_error(name_ + "_exception", {{"what", "unknown exception"}});
      }
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, every_, [this] { return stopping_; })) {
        return;
      }
    }
  }

  std::string name_;
  std::chrono::milliseconds every_{1000};
  std::function<void()> fn_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace ark::base
