// The log follower's loop and transactions; see follower.h.
#include "admind/logs/follower.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>
#include <unistd.h>

#include <memory>

#include "admind/delivery/email_writer.h"
#include "admind/logs/record_applier.h"
#include "core/base/log.h"
#include "core/base/metrics.h"

namespace ark::admind::logs {

using base::Error;
using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

FollowerSettings follower_settings(const config::Config& cfg) {
  FollowerSettings s;
  s.path = cfg.get_string("logs.maillog_file");
  s.rotated_glob = cfg.get_string("logs.rotated_files");
  s.node = cfg.get_string("logs.node");
  if (s.node.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    s.node = host;
  }
  s.poll_ms = static_cast<int>(cfg.get_duration_ms("logs.poll_interval"));
  s.batch_lines = static_cast<int>(cfg.get_int("logs.batch_lines"));
  s.start_at_end = cfg.get_string("logs.start_at") == "end";
  return s;
}

Follower::Follower(FollowerSettings s, storage::DbPool& db, const base::Clock& clock)
    : s_(std::move(s)), db_(db), clock_(clock), reader_({s_.path, s_.rotated_glob}) {}

Follower::~Follower() {
  stop();
}

void Follower::start() {
  thread_ = std::thread([this] { run(); });
}

void Follower::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Follower::run() {
  base::log_info("log_follower_started", {{"file", s_.path}, {"node", s_.node}});
  bool failing = false;
  for (;;) {
    PollStats stats;
    try {
      auto r = poll_once();
      if (!r) {
        if (!failing) {
          base::log_warn("log_follower_error", {{"reason", r.error().message}});
        }
        failing = true;
      } else {
        if (failing) {
          base::log_info("log_follower_recovered");
        }
        failing = false;
        stats = *r;
        if (stats.lines > 0) {
          auto& m = base::Metrics::global();
          m.add("ark_log_lines_total", {}, static_cast<uint64_t>(stats.lines));
          m.add("ark_log_attempts_total", {}, static_cast<uint64_t>(stats.applied));
          m.add("ark_log_events_total", {}, static_cast<uint64_t>(stats.events));
          m.add("ark_log_unmatched_total", {}, static_cast<uint64_t>(stats.unmatched));
          m.add("ark_log_rejected_total", {}, static_cast<uint64_t>(stats.rejected));
          base::log_debug("log_follower_batch", {{"lines", stats.lines},
                                                 {"attempts", stats.applied},
                                                 {"events", stats.events},
                                                 {"unmatched", stats.unmatched},
                                                 {"rejected", stats.rejected}});
        }
      }
    } catch (const std::exception& e) {
      base::log_error("log_follower_exception", {{"what", e.what()}});
      opened_ = false;
      failing = true;
    }
    std::unique_lock lock(mu_);
    if (stopping_) {
      return;
    }
    // A full batch or a file switch means more may be waiting: go again at once.
    if (failing || (stats.lines < s_.batch_lines && !stats.switched)) {
      cv_.wait_for(lock, std::chrono::milliseconds(s_.poll_ms), [this] { return stopping_; });
    }
    if (stopping_) {
      return;
    }
  }
}

namespace {

void save_checkpoint(sql::Connection& c, const std::string& node, const LogPosition& p,
                     int64_t now_us) {
  Stmt ps(c.prepareStatement(
      "INSERT INTO log_checkpoints (node, file_id, file_offset, updated_at) VALUES (?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE file_id = VALUES(file_id), file_offset = VALUES(file_offset), "
      "updated_at = VALUES(updated_at)"));
  ps->setString(1, node);
  ps->setString(2, p.file_id);
  ps->setInt64(3, p.offset);
  ps->setString(4, base::format_sql_datetime(now_us));
  ps->executeUpdate();
}

}  // namespace

Status Follower::open_reader() {
  std::optional<LogPosition> stored;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("SELECT file_id, file_offset FROM log_checkpoints WHERE node = ?"));
    ps->setString(1, s_.node);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      stored = LogPosition{rs->getString("file_id"), rs->getInt64("file_offset")};
    }
    return {};
  });
  if (!st) {
    return st;
  }
  auto pos = reader_.open(stored, s_.start_at_end);
  if (!pos) {
    return pos.error();
  }
  if (!stored || !(*pos == *stored)) {
    st = db_.run([&](sql::Connection& c) -> Status {
      save_checkpoint(c, s_.node, *pos, clock_.now_us());
      return {};
    });
    if (!st) {
      return st;
    }
  }
  base::log_info("log_follower_position",
                 {{"node", s_.node}, {"file_id", pos->file_id}, {"offset", pos->offset}});
  tls_.clear();
  opened_ = true;
  return {};
}

Status Follower::apply_batch(const LogBatch& b, PollStats* stats) {
  RecordApplier applier(s_.node, tls_);
  return db_.run_tx([&](sql::Connection& c) -> Status {
    *stats = PollStats{};
    stats->switched = b.switched;
    delivery::EmailWriter w(c, clock_.now_us());
    int64_t now = clock_.now_us();
    for (const auto& line : b.lines) {
      ++stats->lines;
      applier.apply(w, line, b.file_id, now, stats);
    }
    save_checkpoint(c, s_.node, b.end, now);
    stats->applied = w.attempts_written();
    stats->events = w.events_written();
    return {};
  });
}

Result<PollStats> Follower::poll_once() {
  PollStats stats;
  if (!opened_) {
    Status st = open_reader();
    if (!st) {
      return st.error();
    }
  }
  size_t want = single_line_mode_ > 0 ? 1 : static_cast<size_t>(s_.batch_lines);
  auto batch = reader_.read(want);
  if (!batch) {
    opened_ = false;
    return batch.error();
  }
  if (batch->lines.empty() && !batch->switched) {
    return stats;
  }
  Status st = apply_batch(*batch, &stats);
  if (!st) {
    reader_.rewind();
    if (st.error().kind == base::ErrorKind::Transient) {
      return st.error();
    }
    if (batch->lines.size() > 1 || single_line_mode_ == 0) {
      // Find the line the database refuses: apply this stretch one line at a time.
      single_line_mode_ = static_cast<int>(batch->lines.size());
      return st.error();
    }
    base::log_error("log_line_rejected", {{"node", s_.node},
                                          {"file_id", batch->file_id},
                                          {"offset", batch->lines.front().offset},
                                          {"reason", st.error().message}});
    LogBatch skip = *batch;
    skip.lines.clear();
    Status passed = apply_batch(skip, &stats);
    if (!passed) {
      reader_.rewind();
      return passed.error();
    }
    reader_.commit(skip);
    --single_line_mode_;
    stats.rejected = 1;
    stats.lines = 1;
    return stats;
  }
  reader_.commit(*batch);
  if (single_line_mode_ > 0) {
    --single_line_mode_;
  }
  return stats;
}

}  // namespace ark::admind::logs
