// Applies one Postfix log line to the emails it is about, through the status machine
// (admind/delivery/transitions.h) and the transaction's EmailRecorder (email_writer.h):
//   delivery line (sent/deferred/bounced/expired) -> the recipient's email, one attempt
//   qmgr "status=expired, returned to sender"     -> every still-queued email of the entry
//   qmgr "status=force-expired" (postsuper -e)    -> same, without suppression
//   postsuper "removed" (postsuper -d)            -> every unfinished email of the entry
//   cleanup/milter hold, postsuper -h             -> held (MessageHeld)
//   postsuper "released from hold"                -> back to pending; messages.held_at cleared
//   smtp TLS line                                 -> remembered for sentWithSsl
// Anything else changes nothing.
//
// Ownership: borrows the TLS tracker. Thread-safety: none; the follower's thread only.
#pragma once

#include <cstdint>
#include <string>

#include "admind/delivery/email_writer.h"
#include "admind/logs/log_reader.h"
#include "admind/logs/postfix_log.h"
#include "admind/logs/tls_tracker.h"

namespace ark::admind::logs {

struct PollStats;

class RecordApplier {
 public:
  RecordApplier(std::string node, TlsTracker& tls) : node_(std::move(node)), tls_(tls) {}

  // Applies the line at (file_id, line.offset). now_us: for stamps without a year.
  void apply(delivery::EmailRecorder& w, const LogLine& line, const std::string& file_id,
             int64_t now_us, PollStats* stats);

  // "log:<node>:<file id>:<offset>:<email id>": the events.source_key of a log line.
  std::string source_key(const std::string& file_id, int64_t offset,
                         const std::string& email_id) const;

 private:
  void on_delivery(delivery::EmailRecorder& w, const LogRecord& rec, const Delivery& d,
                   const LogLine& line, const std::string& file_id, int64_t now_us,
                   PollStats* stats);
  // Expiry, operator deletion, hold and release: every email of the queue entry.
  void on_queue_event(delivery::EmailRecorder& w, const LogRecord& rec, delivery::Trigger t,
                      const std::string& details, const LogLine& line, const std::string& file_id,
                      int64_t now_us, PollStats* stats);

  std::string node_;
  TlsTracker& tls_;
};

// The `details` of the non-delivery attempts (exposed for tests).
std::string hold_details(const Hold& h);

}  // namespace ark::admind::logs
