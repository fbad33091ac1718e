// Submitted messages and their per-recipient emails (tables `messages`, `emails`,
// `delivery_attempts`). An API send writes one message row and one email row per
// recipient, all `pending`, in one transaction, before the message goes to Postfix.
//
// Every read takes the caller's tenant restriction (empty = organisation-level key), so a
// tenant-scoped key can never read another tenant's email.
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct NewMessage {
  std::string id;
  std::string tenant_id;
  std::string envelope_from;
  std::string from_header;
  std::string subject;
  std::string message_id_hdr;
  std::vector<std::string> rcpts;
  std::string raw_message;  // the composed MIME text without the binding header; may be ""
};

struct EmailView {
  std::string id;
  std::string message_id;
  std::string tenant_id;
  std::string rcpt;
  std::string status;
  std::string from_header;
  std::string subject;
  std::string message_id_hdr;
  std::optional<std::string> tag;
  int64_t created_us = 0;
};

struct AttemptView {
  int64_t id = 0;
  std::string status;
  std::optional<int> code;
  std::optional<std::string> output;
  std::optional<std::string> details;
  std::optional<std::string> smtp_enhanced_code;
  std::optional<std::string> remote_host;
  bool sent_with_ssl = false;
  std::optional<std::string> classification;
  std::optional<int> classification_code;
  int64_t attempted_us = 0;
};

class EmailStore {
 public:
  EmailStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  // Writes the message and one pending email per recipient; returns the email ids in
  // recipient order.
  base::Result<std::vector<std::string>> create_pending(const NewMessage& m);
  // Removes a message that never reached Postfix (submission failed).
  base::Status discard(const std::string& message_id);
  // restrict_tenant empty: any tenant (organisation key).
  base::Result<EmailView> get(const std::string& email_id, const std::string& restrict_tenant);
  base::Result<std::vector<AttemptView>> attempts(const std::string& email_id);
  // The stored MIME text of the email's message; nullopt once retention.raw_messages
  // removed it. NotFound when the email is absent or not visible.
  base::Result<std::optional<std::string>> raw_message(const std::string& email_id,
                                                       const std::string& restrict_tenant);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
