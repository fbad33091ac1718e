// Asynchronous bounces: a non-delivery report arriving at a return path (return_path.h)
// turns a `sent` email into `bounced` and records MessageBounced (behaviour.md §1.2, §2.1,
// Appendix C.3), with the report stored in `bounces` as the event's `bounce` message.
//
// Per report and return path (one LMTP recipient), the answer is:
//   250  recorded, or nothing to record: the report is not a failure (delayed, delivered),
//        the email is not `sent` (hardfail/held/bounced: Postfix's own report of a failure
//        the log already gave us), the report is Postfix's own (X-Postfix-Queue-ID equals
//        the message's queue id), the message is gone, or the report was recorded before
//   451  the email is still `pending`/`softfail`: the follower has not read the delivery
//        yet; Postfix retries the report later. Also when the database is unavailable.
//   550  the address is not a valid return path (bad tag or format)
// Which emails: the XVERP recipient when the return path carries one; else each failed
// recipient of the report (Original-Recipient, then Final-Recipient) among the message's
// emails; a report naming none of them applies to a message's only email.
// A permanent (5.x.x) report suppresses the address with reason `hard fail` when
// suppress_on_ndr is on (Appendix C.3).
//
// Ownership: borrows the pool and clock. Thread-safety: safe to call from several LMTP
// sessions at once (each call is its own transaction; emails are locked FOR UPDATE).
#pragma once

#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "core/storage/db.h"

namespace ark::admind::delivery {

struct BounceSettings {
  std::string secret;  // the HMAC secret of return paths (binding.secret_file)
  std::string node;    // recorded with the report's attempt
  bool suppress_on_ndr = true;
};

struct IntakeReply {
  int code = 250;
  std::string text;  // "2.0.0 ..." (enhanced code first)
};

class BounceIntake {
 public:
  BounceIntake(BounceSettings s, storage::DbPool& db, const base::Clock& clock)
      : s_(std::move(s)), db_(db), clock_(clock) {}

  // RCPT stage: whether rcpt is one of our return paths.
  bool accepts(std::string_view rcpt) const;
  // After DATA: applies the report to the email(s) behind rcpt.
  IntakeReply ingest(std::string_view rcpt, std::string_view raw_message);

 private:
  BounceSettings s_;
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::delivery
