// The `logs` role: follows this node's Postfix log and turns it into delivery attempts,
// email statuses, suppressions and outbox events (design.md §2, §6 step 4; the status
// machine is admind/delivery/transitions.h).
//
// Exactly once: the checkpoint (file id + offset of the next unread line, log_reader.h) is
// written in the same transaction as everything derived from the lines before it, and
// attempts carry the (node, file id, offset) of their line under a unique key, events a
// unique source key. A crash before the commit re-reads the same lines; after it, nothing
// is read twice. Rotation, copytruncate, partial last lines and restarts are LogReader's.
// Clock jumps: nothing waits on the wall clock (polls wait on a steady clock); ordering is
// by log position, never by time stamps; a stamp's year is the one nearest to now.
//
// Several nodes: each node runs one follower over its own log; checkpoints are per node
// and a log line only ever matches messages queued on the same node (messages.node).
//
// A line that the database refuses for a reason other than a transient one (a bug or data
// it cannot store) is retried alone, then skipped with an error log line, so one bad line
// never stops delivery tracking.
//
// Ownership: borrows the pool and clock. Thread-safety: start() runs one background
// thread; poll_once() is for tests and must not run concurrently with it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "admind/logs/log_reader.h"
#include "admind/logs/tls_tracker.h"
#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/config/config.h"
#include "core/storage/db.h"

namespace ark::admind::logs {

struct FollowerSettings {
  std::string path;
  std::string rotated_glob;  // "" -> "<path>.*" and "<path>-*"
  std::string node;
  int poll_ms = 200;
  int batch_lines = 500;
  bool start_at_end = true;
};

FollowerSettings follower_settings(const config::Config& cfg);

struct PollStats {
  int lines = 0;          // lines consumed
  int applied = 0;        // delivery attempts written
  int events = 0;         // outbox events written
  int unmatched = 0;      // delivery lines for mail we do not know (not API/SMTP-bound)
  int skipped = 0;        // lines that change nothing (not a delivery, hold, expiry, ...)
  int rejected = 0;       // lines the database refused for good (logged, then passed)
  bool switched = false;  // the batch moved to another log file
};

class Follower {
 public:
  Follower(FollowerSettings s, storage::DbPool& db, const base::Clock& clock);
  ~Follower();
  void start();
  void stop();
  // Reads and applies what is available now (at most batch_lines lines).
  base::Result<PollStats> poll_once();

 private:
  base::Status open_reader();
  base::Status apply_batch(const LogBatch& b, PollStats* stats);
  void run();

  FollowerSettings s_;
  storage::DbPool& db_;
  const base::Clock& clock_;
  LogReader reader_;
  TlsTracker tls_;
  bool opened_ = false;
  int single_line_mode_ = 0;  // lines left to apply one per transaction after a failure
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace ark::admind::logs
