// The database side of the status machine (transitions.h): finds the emails a log line or
// an NDR is about, and records a transition — the delivery attempt, the email's new status,
// the outbox event and the suppression change — inside the caller's transaction, so all of
// them commit together with whatever else the caller writes (the follower's checkpoint).
//
// Exactly once: an attempt is keyed by (node, log_file_id, log_offset, email_id), an
// event by its source_key; a transition whose attempt already exists records nothing.
// Emails are read FOR UPDATE, so the follower, the bounce intake and the re-delivery worker
// never both move the same email from the same status.
//
// Errors: Connector/C++ exceptions propagate to DbPool::run_tx, which rolls back and maps
// them (db.h). Ownership: borrows the connection for one transaction; prepared statements
// are made on first use and reused for the rest of it.
// Thread-safety: one writer per transaction and thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admind/delivery/payload.h"
#include "admind/delivery/transitions.h"

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace ark::admind::delivery {

struct EmailRow {
  std::string id;
  std::string tenant_id;
  std::string rcpt;
  std::string status;
  std::string message_row_id;
  std::string held_detail;  // why ark-milter held it (emails.held_detail), "" when not held
  bool suppressed = false;  // the tenant suppresses rcpt (read with the row)
  MessageFacts message;     // the webhook `message` object of this email
};

struct AttemptRow {
  std::string status;  // the status the attempt reached: sent|softfail|hardfail|held|bounced
  std::optional<int> code;
  std::string output;
  std::string details;
  std::string enhanced;                    // "" -> NULL
  std::optional<std::string> remote_host;  // nullopt -> NULL
  bool sent_with_ssl = false;
  std::optional<Classification> classification;
  std::string node;
  std::string log_file_id;
  int64_t log_offset = 0;
  int64_t attempted_us = 0;
  std::string queue_id;  // "" -> NULL
  double time_s = 0;     // for the event payload only
};

// What the log follower and the bounce intake need from the database (EmailWriter), as an
// interface so the line-to-transition logic can be tested against an in-memory fake.
class EmailRecorder {
 public:
  virtual ~EmailRecorder() = default;
  // The emails of the queue entry (node, queue_id); only the recipient's when rcpt is set.
  virtual std::vector<EmailRow> by_queue(const std::string& node, const std::string& queue_id,
                                         const std::string* rcpt) = 0;
  // The emails of a messages row; only the recipient's when rcpt is set.
  virtual std::vector<EmailRow> by_message(const std::string& message_row_id,
                                           const std::string* rcpt) = 0;
  // Records t for email e. The event payload is built from e and a (delivery events) or
  // given (bounced_payload, for MessageBounced). Returns false when the attempt was
  // recorded before (nothing written). source_key identifies the cause (migration 004).
  virtual bool apply(EmailRow& e, const Transition& t, const AttemptRow& a,
                     const std::string& source_key,
                     const std::optional<std::string>& bounced_payload = std::nullopt) = 0;
  // The newest soft-fail attempt of the email (what a queue expiry reports as its reason).
  virtual std::optional<AttemptRow> last_softfail(const std::string& email_id) = 0;
  // The queue entry left Postfix's hold queue: clears messages.held_at (set by ark-milter).
  virtual void message_released(const std::string& node, const std::string& queue_id) = 0;
};

class EmailWriter final : public EmailRecorder {
 public:
  EmailWriter(sql::Connection& c, int64_t now_us);
  ~EmailWriter() override;
  EmailWriter(const EmailWriter&) = delete;
  EmailWriter& operator=(const EmailWriter&) = delete;

  std::vector<EmailRow> by_queue(const std::string& node, const std::string& queue_id,
                                 const std::string* rcpt) override;
  std::vector<EmailRow> by_message(const std::string& message_row_id,
                                   const std::string* rcpt) override;
  bool apply(EmailRow& e, const Transition& t, const AttemptRow& a, const std::string& source_key,
             const std::optional<std::string>& bounced_payload = std::nullopt) override;
  std::optional<AttemptRow> last_softfail(const std::string& email_id) override;
  void message_released(const std::string& node, const std::string& queue_id) override;

  // Counters for logs and tests.
  int attempts_written() const { return attempts_; }
  int events_written() const { return events_; }

 private:
  sql::PreparedStatement& stmt(const char* key, const char* text);
  std::vector<EmailRow> read_rows(sql::PreparedStatement& ps);
  bool insert_attempt(const EmailRow& e, const AttemptRow& a);
  void set_status(const std::string& email_id, const std::string& status, int64_t at_us);
  void add_event(const EmailRow& e, const char* type, const std::string& source_key,
                 const std::string& payload, int64_t occurred_us);
  void change_suppression(const EmailRow& e, const Transition& t, int64_t at_us);

  sql::Connection& c_;
  int64_t now_us_;
  std::map<std::string, std::unique_ptr<sql::PreparedStatement>> stmts_;
  int attempts_ = 0;
  int events_ = 0;
};

// The event payload of a delivery transition (MessageSent/Delayed/DeliveryFailed/Held).
std::string delivery_payload_for(const EmailRow& e, const Transition& t, const AttemptRow& a);

// A fresh random (version 4) UUID in its 36-character text form.
std::string new_uuid();

// text as valid UTF-8 of at most max_bytes: invalid bytes become '?', and a cut never
// splits a character. Log lines carry whatever remote servers said; MariaDB (strict mode)
// refuses invalid UTF-8, and one such line must never stop the follower.
std::string clean_text(std::string_view text, size_t max_bytes);

}  // namespace ark::admind::delivery
