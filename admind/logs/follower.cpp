#include "admind/logs/follower.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <vector>

#include "admind/logs/delivery.h"
#include "core/base/log.h"

namespace ark::admind::logs {

using base::Error;
using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

FollowerSettings follower_settings(const config::Config& cfg) {
  FollowerSettings s;
  s.path = cfg.get_string("logs.maillog_file");
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
    : s_(std::move(s)), db_(db), clock_(clock) {}

Follower::~Follower() { stop(); }

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
        cp_.reset();  // reload the checkpoint once the database is back
      } else {
        if (failing) {
          base::log_info("log_follower_recovered");
        }
        failing = false;
        stats = *r;
      }
    } catch (const std::exception& e) {
      base::log_error("log_follower_exception", {{"what", e.what()}});
      cp_.reset();
      failing = true;
    }
    std::unique_lock lock(mu_);
    if (stopping_) {
      return;
    }
    // A full batch means more is waiting: go again at once.
    if (stats.lines < s_.batch_lines) {
      cv_.wait_for(lock, std::chrono::milliseconds(s_.poll_ms), [this] { return stopping_; });
    }
    if (stopping_) {
      return;
    }
  }
}

namespace {

std::string file_identity(const struct stat& st) {
  return std::to_string(static_cast<uint64_t>(st.st_dev)) + ":" +
         std::to_string(static_cast<uint64_t>(st.st_ino));
}

Status save_checkpoint(sql::Connection& c, const std::string& node, const std::string& file_id,
                       int64_t offset, int64_t now_us) {
  Stmt ps(c.prepareStatement(
      "INSERT INTO log_checkpoints (node, file_id, file_offset, updated_at) VALUES (?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE file_id = VALUES(file_id), file_offset = VALUES(file_offset), "
      "updated_at = VALUES(updated_at)"));
  ps->setString(1, node);
  ps->setString(2, file_id);
  ps->setInt64(3, offset);
  ps->setString(4, base::format_sql_datetime(now_us));
  ps->executeUpdate();
  return {};
}

// Applies one delivery line: finds the email by queue id and recipient, records the
// attempt (unique per log line) and moves the email's status.
Status apply_delivery(sql::Connection& c, const DeliveryLine& d, const std::string& node,
                      const std::string& file_id, int64_t offset, PollStats* stats) {
  Stmt find(c.prepareStatement(
      "SELECT e.id, e.tenant_id FROM emails e JOIN messages m ON m.id = e.message_id "
      "WHERE m.queue_id = ? AND m.node = ? AND e.rcpt = ?"));
  find->setString(1, d.queue_id);
  find->setString(2, node);
  find->setString(3, d.recipient);
  Rows rs(find->executeQuery());
  if (!rs->next()) {
    ++stats->unmatched;
    return {};
  }
  std::string email_id = rs->getString("id");
  std::string tenant_id = rs->getString("tenant_id");
  Stmt ins(c.prepareStatement(
      "INSERT IGNORE INTO delivery_attempts (email_id, tenant_id, status, code, output, details, "
      "smtp_enhanced_code, remote_host, sent_with_ssl, node, log_file_id, log_offset, "
      "attempted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)"));
  ins->setString(1, email_id);
  ins->setString(2, tenant_id);
  ins->setString(3, d.email_status);
  d.code ? ins->setInt(4, *d.code) : ins->setNull(4, 0);
  ins->setString(5, d.output);
  ins->setString(6, d.details);
  d.dsn.empty() ? ins->setNull(7, 0) : ins->setString(7, d.dsn);
  d.remote_host.empty() ? ins->setNull(8, 0) : ins->setString(8, d.remote_host);
  ins->setString(9, node);
  ins->setString(10, file_id);
  ins->setInt64(11, offset);
  ins->setString(12, base::format_sql_datetime(d.time_us));
  if (ins->executeUpdate() == 0) {
    return {};  // this line was applied before
  }
  Stmt upd(c.prepareStatement("UPDATE emails SET status = ?, updated_at = ? WHERE id = ?"));
  upd->setString(1, d.email_status);
  upd->setString(2, base::format_sql_datetime(d.time_us));
  upd->setString(3, email_id);
  upd->executeUpdate();
  ++stats->applied;
  return {};
}

}  // namespace

Result<Follower::Checkpoint> Follower::load_checkpoint() {
  Checkpoint cp;
  bool found = false;
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement(
        "SELECT file_id, file_offset FROM log_checkpoints WHERE node = ?"));
    ps->setString(1, s_.node);
    Rows rs(ps->executeQuery());
    if (rs->next()) {
      cp.file_id = rs->getString("file_id");
      cp.offset = rs->getInt64("file_offset");
      found = true;
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  if (found) {
    return cp;
  }
  // First run on this node: start at the beginning or the end of the current file, and
  // record that at once so later restarts resume from here.
  struct stat info {};
  if (::stat(s_.path.c_str(), &info) == 0) {
    cp.file_id = file_identity(info);
    cp.offset = s_.start_at_end ? static_cast<int64_t>(info.st_size) : 0;
  }
  st = db_.run([&](sql::Connection& c) {
    return save_checkpoint(c, s_.node, cp.file_id, cp.offset, clock_.now_us());
  });
  if (!st) {
    return st.error();
  }
  return cp;
}

Result<PollStats> Follower::poll_once() {
  PollStats stats;
  if (!cp_) {
    auto cp = load_checkpoint();
    if (!cp) {
      return cp.error();
    }
    cp_ = *cp;
  }
  struct stat info {};
  if (::stat(s_.path.c_str(), &info) != 0) {
    return stats;  // no log yet
  }
  Checkpoint next = *cp_;
  std::string id = file_identity(info);
  if (id != next.file_id || static_cast<int64_t>(info.st_size) < next.offset) {
    base::log_info("log_file_changed", {{"file", s_.path}, {"old", next.file_id}, {"new", id}});
    next.file_id = id;
    next.offset = 0;
  }
  std::ifstream in(s_.path, std::ios::binary);
  if (!in) {
    return Error::transient("cannot open " + s_.path);
  }
  in.seekg(next.offset);
  std::vector<std::pair<std::string, int64_t>> lines;  // line, its start offset
  std::string line;
  int64_t pos = next.offset;
  while (static_cast<int>(lines.size()) < s_.batch_lines && std::getline(in, line)) {
    if (in.eof()) {
      break;  // no '\n' yet: a partial line stays for the next poll
    }
    lines.emplace_back(line, pos);
    pos += static_cast<int64_t>(line.size()) + 1;
  }
  if (lines.empty() && next.file_id == cp_->file_id && next.offset == cp_->offset) {
    return stats;
  }
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    stats = PollStats{};
    for (const auto& [text, offset] : lines) {
      ++stats.lines;
      auto d = delivery_from_line(text, clock_.now_us());
      if (!d) {
        ++stats.skipped;
        continue;
      }
      Status a = apply_delivery(c, *d, s_.node, next.file_id, offset, &stats);
      if (!a) {
        return a;
      }
    }
    return save_checkpoint(c, s_.node, next.file_id, pos, clock_.now_us());
  });
  if (!st) {
    return st.error();
  }
  next.offset = pos;
  cp_ = next;
  return stats;
}

}  // namespace ark::admind::logs
