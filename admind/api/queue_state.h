// retryState (api.md §3.10) from Postfix's real queue (behaviour.md Appendix C.5):
// soft-fail retries belong to Postfix, so an email's retry state is read from the queue
// file of its message: in `active` (or `incoming`) it is being processed now; in
// `deferred` the file's modification time is the next attempt (qmgr sets it so).
//
// Seam for the re-delivery work (issue 6): QueueInspector is the one place that looks at
// the queue. It is local to this node (the queue directory of the Postfix next to this
// admind); a fleet's api role would ask the node that queued the message (messages.node).
//
// Thread-safety: PostfixQueueDir only reads the file system; safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ark::admind::api {

// Postfix's schedule (main.cf minimal_backoff_time, maximal_backoff_time,
// maximal_queue_lifetime); `arkctl postfix-config` sets the values of Appendix C.5.
struct RetrySchedule {
  int64_t minimal_backoff_s = 300;
  int64_t maximal_backoff_s = 4 * 3600;
  int64_t queue_lifetime_s = 2 * 86400;
};

// Delivery attempts Postfix makes before it returns a message: qmgr waits the message's
// age clamped to [minimal, maximal] backoff between attempts, until the lifetime ends.
// The C.5 defaults give 18, Ark's documented maximum.
int max_attempts(const RetrySchedule& s);

enum class QueueLocation { Incoming, Active, Deferred, Hold };

struct QueueEntry {
  QueueLocation where = QueueLocation::Deferred;
  int64_t mtime_us = 0;
};

class QueueInspector {
 public:
  virtual ~QueueInspector() = default;
  // nullopt: the queue id is not in this node's queue (delivered, returned or unknown).
  virtual std::optional<QueueEntry> find(const std::string& queue_id) const = 0;
};

// Reads `queue_directory`/{incoming,active,deferred,hold}, hashed or not. An empty or
// unreadable directory finds nothing.
class PostfixQueueDir final : public QueueInspector {
 public:
  explicit PostfixQueueDir(std::string queue_directory) : dir_(std::move(queue_directory)) {}
  std::optional<QueueEntry> find(const std::string& queue_id) const override;

 private:
  std::string dir_;
};

struct RetryState {
  int attempt = 0;  // deferrals seen in the log so far (0 = the first attempt is pending)
  int max_attempts = 0;
  bool processing = false;
  bool manual = false;
  std::optional<int64_t> next_retry_us;
};

// nullopt unless the email is still queued (`pending` or `softfail`).
std::optional<RetryState> retry_state(const std::string& email_status, int deferrals, bool manual,
                                      const std::optional<QueueEntry>& entry,
                                      const RetrySchedule& schedule, int64_t now_us);

}  // namespace ark::admind::api
