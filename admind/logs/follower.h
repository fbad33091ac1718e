// The `logs` role: follows this node's Postfix log and turns delivery lines into
// delivery attempts and email statuses (design.md §2, §6 step 4).
//
// Exactly once: the checkpoint (file identity dev:inode + byte offset of the next unread
// line) is written in the same transaction as the attempts derived from the lines before
// it, and attempts carry the (node, file, offset) of their line under a unique key. A
// crash between reading and committing therefore re-reads the same lines and writes
// nothing twice. Only complete lines (ending in '\n') are consumed.
// Rotation: a new inode restarts at offset 0 of the new file; a file shorter than the
// checkpoint (copytruncate) restarts at 0.
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

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/config/config.h"
#include "core/storage/db.h"

namespace ark::admind::logs {

struct FollowerSettings {
  std::string path;
  std::string node;
  int poll_ms = 200;
  int batch_lines = 500;
  bool start_at_end = true;
};

FollowerSettings follower_settings(const config::Config& cfg);

struct PollStats {
  int lines = 0;      // complete lines consumed
  int applied = 0;    // delivery attempts written
  int unmatched = 0;  // delivery lines for mail we do not know (not API/SMTP-bound)
  int skipped = 0;    // lines that are not delivery lines
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
  struct Checkpoint {
    std::string file_id;
    int64_t offset = 0;
  };
  base::Result<Checkpoint> load_checkpoint();
  void run();

  FollowerSettings s_;
  storage::DbPool& db_;
  const base::Clock& clock_;
  std::optional<Checkpoint> cp_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace ark::admind::logs
