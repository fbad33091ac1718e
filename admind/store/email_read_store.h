// Read models of emails for GET /emails, GET /emails/{id}/deliveries, the expand items of
// GET /emails/{id}, and the manual retry request (POST /emails/{id}/retry), over the
// `emails`, `messages`, `delivery_attempts` and `email_retries` tables.
//
// Every read takes the caller's tenant restriction (empty = organisation-level key).
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct EmailListFilter {
  std::optional<std::string> status;
  std::optional<std::string> to;    // exact recipient (case-insensitive)
  std::optional<std::string> from;  // sender address (envelope)
  std::optional<std::string> tag;
  std::optional<int64_t> after_us;   // created strictly after
  std::optional<int64_t> before_us;  // created strictly before
  std::string restrict_tenant;       // empty: every tenant
};

struct EmailSummaryRow {
  std::string id;
  std::string from_header;
  std::string rcpt;
  std::string subject;
  std::string status;
  std::optional<std::string> tag;
  int64_t created_us = 0;
};

// What the deliveries endpoint needs besides the attempts.
struct EmailQueueRow {
  std::string id;
  std::string tenant_id;
  std::string status;
  std::optional<std::string> queue_id;
  bool raw_retained = false;
  bool in_hold_queue = false;  // messages.held_at: Postfix's hold queue keeps the message
  int deferrals = 0;           // softfail attempts recorded for this email
  bool manual = false;         // a manual retry was requested after the last attempt
};

class EmailReadStore {
 public:
  explicit EmailReadStore(storage::DbPool& db) : db_(db) {}

  // Newest first.
  base::Result<std::vector<EmailSummaryRow>> list(const EmailListFilter& f, int page, int per_page,
                                                  int64_t* total);
  // NotFound when absent or not visible.
  base::Result<EmailQueueRow> queue_row(const std::string& email_id,
                                        const std::string& restrict_tenant);
  // Records a manual retry request (the re-delivery worker of issue 6 acts on it).
  base::Status request_retry(const std::string& email_id, const std::string& tenant_id,
                             int64_t key_id, int64_t now_us);
  // Clears raw messages of submissions created before cutoff; returns how many.
  base::Result<int64_t> clear_raw_before(int64_t cutoff_us, int limit);

 private:
  storage::DbPool& db_;
};

}  // namespace ark::admind::store
