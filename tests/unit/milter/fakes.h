// Test doubles for the milter unit tests: a settable clock and a scriptable MessageStore.
//
// Thread-safety: single-threaded tests only.
#pragma once

#include <functional>
#include <stdexcept>
#include <vector>

#include "core/base/clock.h"
#include "milter/store/message_store.h"

namespace ark::milter::testing {

class FakeClock final : public base::Clock {
 public:
  explicit FakeClock(int64_t now_us) : now_us_(now_us) {}
  int64_t now_us() const override {
    if (fail_) {
      throw std::runtime_error("clock broke");
    }
    return now_us_;
  }
  void set_failing(bool fail) { fail_ = fail; }
  void set_s(int64_t s) { now_us_ = s * 1000000; }
  void advance_ms(int64_t ms) { now_us_ += ms * 1000; }

 private:
  int64_t now_us_;
  bool fail_ = false;
};

// Answers record_queue_id with whatever `answer` returns (default: row updated) and
// remembers every call.
class FakeMessageStore final : public MessageStore {
 public:
  std::function<base::Result<bool>(const QueueRecord&)> answer = [](const QueueRecord&) {
    return base::Result<bool>(true);
  };
  std::vector<QueueRecord> calls;

  base::Result<bool> record_queue_id(const QueueRecord& record) override {
    calls.push_back(record);
    return answer(record);
  }
};

}  // namespace ark::milter::testing
