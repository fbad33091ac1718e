// Manual retries against Postfix; see redelivery.h.
#include "admind/delivery/redelivery.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <fcntl.h>
#include <mysql_connection.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>

#include "core/base/log.h"
#include "core/domain/ids.h"
#include "core/mail/binding.h"
#include "core/mail/return_path.h"

extern char** environ;

namespace ark::admind::delivery {

using base::Result;
using base::Status;
using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

struct RedeliveryWorker::Request {
  int64_t id = 0;
  std::string email_id;
  std::string status;
  std::string rcpt;
  std::string tenant_id;
  std::string message_row_id;
  std::string node;      // "" when never queued
  std::string queue_id;  // ""
  std::string envelope_from;
  bool has_raw = false;
  bool in_hold = false;  // the log showed this queue entry going on hold
};

int run_program(const std::vector<std::string>& argv, std::string* output) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    if (output != nullptr) {
      *output = "cannot run " + argv[0];
    }
    return -1;
  }
  char buf[1024];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) {
    if (output != nullptr && output->size() < 4096) {
      output->append(buf, static_cast<size_t>(n));
    }
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

RedeliveryWorker::RedeliveryWorker(RedeliverySettings s, storage::DbPool& db,
                                   const base::Clock& clock, SubmitFn submit, RunFn run)
    : s_(std::move(s)), db_(db), clock_(clock), submit_(std::move(submit)), run_(std::move(run)) {}

RedeliveryWorker::~RedeliveryWorker() {
  stop();
}

void RedeliveryWorker::start() {
  periodic_.start("redelivery", std::chrono::milliseconds(s_.poll_ms), [this] {
    auto r = run_once();
    if (!r) {
      base::log_warn("redelivery_error", {{"reason", r.error().message}});
    }
  });
}

void RedeliveryWorker::stop() {
  periodic_.stop();
}

Result<std::vector<RedeliveryWorker::Request>> RedeliveryWorker::claim(int limit) {
  std::vector<Request> out;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    out.clear();
    Stmt ps(c.prepareStatement(
        "SELECT r.id, r.email_id, e.status, e.rcpt, e.tenant_id, m.id AS mid, m.node, "
        "m.queue_id, m.envelope_from, (m.raw_message IS NOT NULL) AS has_raw, "
        "(m.held_at IS NOT NULL OR EXISTS (SELECT 1 FROM delivery_attempts a WHERE "
        " a.email_id = e.id AND a.status = 'held' AND a.queue_id = m.queue_id)) AS in_hold "
        "FROM email_retries r JOIN emails e ON e.id = r.email_id "
        "JOIN messages m ON m.id = e.message_id "
        "WHERE r.handled_at IS NULL AND (m.node = ? OR m.node IS NULL) "
        "ORDER BY r.id LIMIT ? FOR UPDATE SKIP LOCKED"));
    ps->setString(1, s_.node);
    ps->setInt(2, limit);
    Rows rs(ps->executeQuery());
    while (rs->next()) {
      Request r;
      r.id = rs->getInt64("id");
      r.email_id = rs->getString("email_id");
      r.status = rs->getString("status");
      r.rcpt = rs->getString("rcpt");
      r.tenant_id = rs->getString("tenant_id");
      r.message_row_id = rs->getString("mid");
      r.node = rs->isNull("node") ? "" : std::string(rs->getString("node"));
      r.queue_id = rs->isNull("queue_id") ? "" : std::string(rs->getString("queue_id"));
      r.envelope_from = rs->getString("envelope_from");
      r.has_raw = rs->getBoolean("has_raw");
      r.in_hold = rs->getBoolean("in_hold");
      out.push_back(std::move(r));
    }
    Stmt mark(c.prepareStatement(
        "UPDATE email_retries SET handled_at = ?, outcome = 'in progress' WHERE id = ?"));
    for (const auto& r : out) {
      mark->setString(1, base::format_sql_datetime(clock_.now_us()));
      mark->setInt64(2, r.id);
      mark->executeUpdate();
    }
    return {};
  });
  if (!st) {
    return st.error();
  }
  return out;
}

void RedeliveryWorker::finish(int64_t request_id, const std::string& outcome) {
  Status st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("UPDATE email_retries SET outcome = ? WHERE id = ?"));
    ps->setString(1, outcome.substr(0, 255));
    ps->setInt64(2, request_id);
    ps->executeUpdate();
    return {};
  });
  if (!st) {
    base::log_warn("redelivery_outcome_lost", {{"request", request_id}, {"outcome", outcome}});
  }
}

Result<RedeliveryStats> RedeliveryWorker::run_once() {
  RedeliveryStats stats;
  auto reqs = claim(20);
  if (!reqs) {
    return reqs.error();
  }
  for (const auto& r : *reqs) {
    handle(r, &stats);
    ++stats.handled;
  }
  return stats;
}

void RedeliveryWorker::handle(const Request& r, RedeliveryStats* stats) {
  bool here = !r.queue_id.empty() && r.node == s_.node;
  if (r.status == "softfail" && here) {
    postfix_action(r, s_.postqueue, "-i", "flushed", stats);
  } else if (r.status == "held" && here && r.in_hold) {
    postfix_action(r, s_.postsuper, "-H", "released", stats);
  } else if ((r.status == "hardfail" || r.status == "held" || r.status == "softfail") &&
             r.has_raw) {
    resubmit(r, stats);
  } else {
    std::string why =
        r.has_raw ? "not retryable in status " + r.status : "no stored message to re-send";
    finish(r.id, why);
    base::log_info("redelivery_skipped", {{"email", r.email_id}, {"reason", why}});
  }
}

void RedeliveryWorker::postfix_action(const Request& r, const std::string& tool, const char* flag,
                                      const char* done, RedeliveryStats* stats) {
  std::vector<std::string> argv{tool};
  if (!s_.postfix_config_dir.empty()) {
    argv.insert(argv.end(), {"-c", s_.postfix_config_dir});
  }
  argv.insert(argv.end(), {flag, r.queue_id});
  std::string output;
  int rc = run_(argv, &output);
  std::string outcome = rc == 0 ? done : std::string(done) + " failed: " + output;
  finish(r.id, outcome);
  base::log_info("redelivery",
                 {{"email", r.email_id}, {"queue_id", r.queue_id}, {"action", flag}, {"rc", rc}});
  if (rc == 0) {
    ++(std::string(done) == "flushed" ? stats->flushed : stats->released);
  }
}

void RedeliveryWorker::resubmit(const Request& r, RedeliveryStats* stats) {
  std::string new_id = domain::new_message_id();
  int64_t now = clock_.now_us();
  bool moved = false;
  Status st = db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt cur(c.prepareStatement("SELECT status, message_id FROM emails WHERE id = ? FOR UPDATE"));
    cur->setString(1, r.email_id);
    Rows rs(cur->executeQuery());
    moved = rs->next() && rs->getString("status") == r.status &&
            rs->getString("message_id") == r.message_row_id;
    if (!moved) {
      return {};
    }
    Stmt copy(c.prepareStatement(
        "INSERT INTO messages (id, tenant_id, source, envelope_from, from_header, subject, "
        "message_id_hdr, tag, metadata, size_bytes, created_at, raw_message) "
        "SELECT ?, tenant_id, source, envelope_from, from_header, subject, message_id_hdr, "
        "tag, metadata, size_bytes, created_at, raw_message FROM messages WHERE id = ?"));
    copy->setString(1, new_id);
    copy->setString(2, r.message_row_id);
    copy->executeUpdate();
    Stmt move(c.prepareStatement(
        "UPDATE emails SET message_id = ?, status = 'pending', updated_at = ? WHERE id = ?"));
    move->setString(1, new_id);
    move->setString(2, base::format_sql_datetime(now));
    move->setString(3, r.email_id);
    move->executeUpdate();
    return {};
  });
  if (!st || !moved) {
    finish(r.id, !st ? "failed: " + st.error().message : "already retried");
    return;
  }
  std::string raw;
  st = db_.run([&](sql::Connection& c) -> Status {
    Stmt ps(c.prepareStatement("SELECT raw_message FROM messages WHERE id = ?"));
    ps->setString(1, new_id);
    Rows rs(ps->executeQuery());
    if (rs->next() && !rs->isNull("raw_message")) {
      raw = rs->getString("raw_message");
    }
    return {};
  });
  std::string binding = mail::sign_binding({new_id, r.tenant_id, now / 1000000}, s_.binding_secret);
  std::string text = std::string(mail::kBindingHeader) + ": " + binding + "\r\n" + raw;
  std::string sender = s_.return_path_host.empty()
                           ? r.envelope_from
                           : mail::make_return_path(new_id, s_.return_path_host, s_.binding_secret);
  auto sent = st && !raw.empty() ? submit_(sender, {r.rcpt}, text)
                                 : Result<std::string>(base::Error::permanent("no raw message"));
  if (sent) {
    finish(r.id, "resubmitted: " + *sent);
    ++stats->resubmitted;
    base::log_info("redelivery",
                   {{"email", r.email_id}, {"message", new_id}, {"action", "resubmit"}});
    return;
  }
  // Undo: the email goes back to its original row and status.
  bool transient = sent.error().kind == base::ErrorKind::Transient;
  Status undo = db_.run_tx([&](sql::Connection& c) -> Status {
    Stmt back(c.prepareStatement(
        "UPDATE emails SET message_id = ?, status = ? WHERE id = ? AND message_id = ?"));
    back->setString(1, r.message_row_id);
    back->setString(2, r.status);
    back->setString(3, r.email_id);
    back->setString(4, new_id);
    back->executeUpdate();
    Stmt del(c.prepareStatement("DELETE FROM messages WHERE id = ? AND queue_id IS NULL"));
    del->setString(1, new_id);
    del->executeUpdate();
    Stmt req(
        c.prepareStatement("UPDATE email_retries SET handled_at = ?, outcome = ? WHERE id = ?"));
    transient ? req->setNull(1, 0) : req->setString(1, base::format_sql_datetime(now));
    req->setString(2, ("submit failed: " + sent.error().message).substr(0, 255));
    req->setInt64(3, r.id);
    req->executeUpdate();
    return {};
  });
  if (transient && undo) {
    ++stats->deferred;
  }
  base::log_warn("redelivery_submit_failed",
                 {{"email", r.email_id}, {"reason", sent.error().message}});
}

}  // namespace ark::admind::delivery
