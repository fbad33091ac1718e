// LogReader: reads a growing log file line by line, across rotations, from a position that
// the caller stores (the follower keeps it in MySQL with the records it derived).
//
// Positions. A position is (file id, byte offset of the next unread line). The file id is
// "<dev>:<inode>:<h>", h being a 64-bit FNV-1a hash (16 hex digits) of the file's first
// line: the inode tells files apart while they exist, the hash survives a rename, a copy
// and compression, and changes when a file is truncated and rewritten (copytruncate) or an
// inode is reused. A file gets its id once its first line is complete.
//
// Lines. Only complete lines ('\n'-terminated) are returned; a partial last line waits for
// its end. The one exception is a file that can no longer grow (rotated away): its
// unterminated tail is returned as a last line before moving on.
//
// Rotation. Detected when the configured path names another inode:
//   rename + new file  the old file stays open and is read to its end; then the reader
//                      moves on to the next file (below). Postfix's `postfix logrotate`
//                      and logrotate(8) without copytruncate do this.
//   copytruncate       the open file shrinks below the offset or its first line changes:
//                      it restarts at offset 0 under the new id (lines written between the
//                      copy and the truncation are lost: inherent to copytruncate).
// After a restart, a position whose file is no longer at the path is looked up among the
// rotated files (settings.rotated_glob; default "<path>.*" and "<path>-*", which covers
// logrotate's ".1", dateext "-20260101", `postfix logrotate`'s ".20260101-120000", and any
// ".gz" of those, read through zlib) by the hash of its first line, and read to its end.
// The next file is the rotated file with the oldest modification time after the finished
// one, else the live file: a follower that was down across several rotations reads them
// all, in order.
//
// Ownership: owns its file descriptors. Thread-safety: none; one reader per follower.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace ark::admind::logs {

struct LogPosition {
  std::string file_id;
  int64_t offset = 0;

  bool operator==(const LogPosition&) const = default;
};

struct LogLine {
  std::string text;  // without the '\n'
  int64_t offset = 0;
};

struct LogBatch {
  std::string file_id;  // the file the lines come from
  std::vector<LogLine> lines;
  LogPosition end;        // the position after this batch: store it with what it produced
  bool switched = false;  // end is in another file than the lines (a rotation was passed)
};

struct LogReaderSettings {
  std::string path;
  std::string rotated_glob;  // "" -> "<path>.*" and "<path>-*"
  size_t read_chunk = 256 * 1024;
  size_t max_line = 16 * 1024 * 1024;  // a longer line is cut and returned in pieces
};

class LogSource;

class LogReader {
 public:
  explicit LogReader(LogReaderSettings s);
  ~LogReader();

  // Positions the reader at `from` (nullopt: no stored position; start at the beginning or,
  // with start_at_end, after the last complete line of the live file). Returns the position
  // taken, which differs from `from` when its file is gone (then: the live file's start).
  // Errors: none in practice (missing files are waited for); Internal on I/O failure.
  base::Result<LogPosition> open(const std::optional<LogPosition>& from, bool start_at_end);

  // Up to max_lines lines from the current position. An empty batch with switched=false
  // means nothing new. The batch is not consumed until commit().
  base::Result<LogBatch> read(size_t max_lines);
  // The caller stored batch.end: continue after it.
  void commit(const LogBatch& batch);
  // The caller could not store the last batch: read it again next time.
  void rewind();

  // The position after the last commit().
  const LogPosition& committed() const { return committed_; }
  // Counters for logs and tests.
  int rotations_seen() const { return rotations_; }

 private:
  base::Result<LogBatch> switch_to_next(LogBatch batch);
  std::unique_ptr<LogSource> next_after(const LogSource& finished);
  std::unique_ptr<LogSource> find_rotated(const std::string& hash);
  std::vector<std::string> rotated_candidates() const;
  base::Result<LogBatch> read_lines(size_t max_lines);
  bool live_rotated(std::unique_ptr<LogSource>* fresh);

  LogReaderSettings s_;
  std::unique_ptr<LogSource> cur_;
  int64_t offset_ = 0;  // next unread byte of cur_
  LogPosition committed_;
  bool opened_ = false;
  int rotations_ = 0;
};

// FNV-1a 64 of text as 16 lower-case hex digits (exposed for tests).
std::string fnv1a_hex(std::string_view text);

}  // namespace ark::admind::logs
