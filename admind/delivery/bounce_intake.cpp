// NDR -> bounced; see bounce_intake.h.
#include "admind/delivery/bounce_intake.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <memory>
#include <optional>

#include "admind/delivery/dsn.h"
#include "admind/delivery/email_writer.h"
#include "admind/delivery/transitions.h"
#include "admind/logs/postfix_reply.h"
#include "core/base/log.h"
#include "core/base/metrics.h"
#include "core/crypto/crypto.h"
#include "core/domain/ids.h"
#include "core/mail/return_path.h"

namespace ark::admind::delivery {
namespace {

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

enum class Verdict { Recorded, Ignored, Retry };

struct Target {
  EmailRow email;
  DsnRecipient dsn;
};

bool is_failure(const DsnRecipient& r) {
  return r.action == "failed" || (r.action.empty() && r.status.rfind("5.", 0) == 0);
}

std::optional<std::string> message_queue_id(sql::Connection& c, const std::string& message_id) {
  Stmt ps(c.prepareStatement("SELECT queue_id FROM messages WHERE id = ?"));
  ps->setString(1, message_id);
  Rows rs(ps->executeQuery());
  if (!rs->next() || rs->isNull("queue_id")) {
    return std::nullopt;
  }
  return std::string(rs->getString("queue_id"));
}

// The emails the report is about, each with its DSN recipient record.
std::vector<Target> targets(EmailRecorder& w, const mail::ReturnPath& rp, const NdrReport& report) {
  std::vector<Target> out;
  std::vector<DsnRecipient> failed;
  for (const auto& r : report.recipients) {
    if (is_failure(r)) {
      failed.push_back(r);
    }
  }
  if (failed.empty()) {
    return out;
  }
  if (rp.rcpt) {
    for (auto& e : w.by_message(rp.message_id, &*rp.rcpt)) {
      out.push_back({std::move(e), failed.front()});
    }
    return out;
  }
  for (const auto& r : failed) {
    for (const std::string* addr : {&r.original_recipient, &r.final_recipient}) {
      if (addr->empty()) {
        continue;
      }
      auto found = w.by_message(rp.message_id, addr);
      if (!found.empty()) {
        out.push_back({std::move(found.front()), r});
        break;
      }
    }
  }
  if (out.empty()) {
    auto all = w.by_message(rp.message_id, nullptr);
    if (all.size() == 1) {
      out.push_back({std::move(all.front()), failed.front()});
    }
  }
  return out;
}

struct StoredBounce {
  int64_t id = 0;
  std::string token;
};

// Inserts the report for the email; nullopt when it was recorded before.
std::optional<StoredBounce> store_bounce(sql::Connection& c, const Target& t,
                                         const NdrReport& report, const std::string& ndr_key,
                                         std::string_view rcpt, int64_t now_us) {
  StoredBounce b{0, domain::new_email_id()};
  Stmt ps(c.prepareStatement(
      "INSERT IGNORE INTO bounces (token, tenant_id, email_id, ndr_key, message_id_hdr, "
      "from_header, rcpt, subject, dsn_action, dsn_status, remote_mta, diagnostic, "
      "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ps->setString(1, b.token);
  ps->setString(2, t.email.tenant_id);
  ps->setString(3, t.email.id);
  ps->setString(4, ndr_key);
  report.message_id.empty() ? ps->setNull(5, 0)
                            : ps->setString(5, clean_text(report.message_id, 998));
  ps->setString(6, clean_text(report.from, 1000));
  ps->setString(7, clean_text(rcpt, 320));
  ps->setString(8, clean_text(report.subject, 1000));
  ps->setString(9, clean_text(t.dsn.action, 32));
  ps->setString(10, clean_text(t.dsn.status, 16));
  ps->setString(11, clean_text(t.dsn.remote_mta, 255));
  ps->setString(12, clean_text(t.dsn.diagnostic, 60000));
  ps->setString(13, base::format_sql_datetime(now_us));
  if (ps->executeUpdate() == 0) {
    return std::nullopt;
  }
  Stmt id(c.prepareStatement("SELECT LAST_INSERT_ID()"));
  Rows rs(id->executeQuery());
  b.id = rs->next() ? rs->getInt64(1) : 0;
  return b;
}

AttemptRow bounce_attempt(const Target& t, const std::string& node, const std::string& ndr_key,
                          int64_t now_us) {
  logs::SmtpReply reply = logs::parse_reply_text(t.dsn.diagnostic);
  AttemptRow a;
  a.status = "bounced";
  a.code = reply.code;
  a.output = t.dsn.diagnostic;
  a.enhanced = !t.dsn.status.empty() ? t.dsn.status : reply.enhanced;
  if (!t.dsn.remote_mta.empty()) {
    a.remote_host = t.dsn.remote_mta;
  }
  a.classification =
      classify({Outcome::Bounced, a.enhanced, reply.code, t.dsn.diagnostic, !a.remote_host});
  std::string code = a.code ? std::to_string(*a.code) + " " : "";
  std::string where = a.remote_host ? " at " + *a.remote_host : "";
  a.details = code +
              classification_words(a.classification ? a.classification->name : "unclassified") +
              ": Delivery to " + t.email.rcpt + " failed" + where +
              " (reported later by a non-delivery report)";
  a.node = node;
  a.log_file_id = "ndr:" + ndr_key.substr(0, 40);
  a.log_offset = 0;
  a.attempted_us = now_us;
  return a;
}

}  // namespace

bool BounceIntake::accepts(std::string_view rcpt) const {
  return mail::parse_return_path(rcpt, s_.secret).has_value();
}

IntakeReply BounceIntake::ingest(std::string_view rcpt, std::string_view raw) {
  auto rp = mail::parse_return_path(rcpt, s_.secret);
  if (!rp) {
    return {550, "5.1.1 not a return path of this server"};
  }
  NdrReport report = parse_ndr(raw);
  std::string ndr_key =
      crypto::sha256_hex(report.message_id.empty() ? raw : std::string_view(report.message_id));
  int64_t now = clock_.now_us();
  Verdict verdict = Verdict::Ignored;
  int recorded = 0;
  base::Status st = db_.run_tx([&](sql::Connection& c) -> base::Status {
    verdict = Verdict::Ignored;
    recorded = 0;
    auto qid = message_queue_id(c, rp->message_id);
    if (qid && !report.postfix_queue_id.empty() && report.postfix_queue_id == *qid) {
      return {};  // our own Postfix's report: the log is the source of truth
    }
    EmailWriter w(c, now);
    for (auto& t : targets(w, *rp, report)) {
      if (t.email.status == "pending" || t.email.status == "softfail") {
        verdict = Verdict::Retry;
        continue;
      }
      bool permanent = s_.suppress_on_ndr && t.dsn.status.rfind("5.", 0) == 0;
      auto tr = transition(t.email.status, Trigger::Ndr, permanent);
      if (!tr) {
        continue;
      }
      auto stored = store_bounce(c, t, report, ndr_key, rcpt, now);
      if (!stored) {
        continue;
      }
      MessageFacts bounce{stored->id,        stored->token, "incoming",     report.message_id,
                          std::string(rcpt), report.from,   report.subject, now,
                          std::nullopt,      std::nullopt};
      std::string payload = bounced_event_payload(t.email.message, bounce);
      AttemptRow a = bounce_attempt(t, s_.node, ndr_key, now);
      if (w.apply(t.email, *tr, a, "ndr:" + std::to_string(stored->id), payload)) {
        ++recorded;
      }
    }
    if (recorded > 0 && verdict != Verdict::Retry) {
      verdict = Verdict::Recorded;
    }
    return {};
  });
  if (!st) {
    base::log_warn("bounce_intake_failed", {{"rcpt", rcpt}, {"reason", st.error().message}});
    return {451, "4.3.0 temporary failure, try again later"};
  }
  base::log_info("bounce_received", {{"message", rp->message_id},
                                     {"dsn", report.is_dsn ? "yes" : "no"},
                                     {"recorded", recorded},
                                     {"retry", verdict == Verdict::Retry ? "yes" : "no"}});
  base::Metrics::global().add("ark_bounce_reports_total",
                              {{"result", verdict == Verdict::Retry ? "retry"
                                          : recorded > 0            ? "recorded"
                                                                    : "ignored"}});
  if (verdict == Verdict::Retry) {
    return {451, "4.3.0 delivery status not known yet, try again later"};
  }
  return {250, recorded > 0 ? "2.0.0 bounce recorded" : "2.0.0 nothing to record"};
}

}  // namespace ark::admind::delivery
