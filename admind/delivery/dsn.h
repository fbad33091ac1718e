// Reading a non-delivery report (NDR) that came back to a return path: RFC 3464 delivery
// status notifications (multipart/report; report-type=delivery-status) and, as a fallback,
// the free-text bounces some servers still send.
//
//   multipart/report
//     text/plain                    human-readable explanation (ignored)
//     message/delivery-status       per-message fields, blank line, per-recipient fields:
//                                   Final-Recipient, Original-Recipient, Action, Status,
//                                   Remote-MTA, Diagnostic-Code (RFC 3464 §2.2, §2.3)
//     message/rfc822 | text/rfc822-headers   the returned message or its header
// Postfix's own reports also carry X-Postfix-Queue-ID among the per-message fields.
// Free-text fallback: the first RFC 3463 status code ("5.1.1") in the text, with the line
// around it as the diagnostic; action "failed" for a 5.x.x code, "delayed" for 4.x.x.
//
// MIME parsing is Poco::Net::MailMessage's (transfer encodings decoded); the field syntax
// is parsed here. Contract: never throws; any input gives a report (possibly empty).
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ark::admind::delivery {

struct DsnRecipient {
  std::string final_recipient;     // the address, without its "rfc822;" type
  std::string original_recipient;  // "" when absent
  std::string action;              // lower case: failed, delayed, delivered, relayed, expanded
  std::string status;              // "5.1.1"
  std::string remote_mta;          // "mx.example.com" (type stripped)
  std::string diagnostic;          // "550 5.1.1 No such user" (type "smtp;" stripped)
};

struct NdrReport {
  bool is_dsn = false;  // an RFC 3464 delivery-status part was found
  // Of the report itself:
  std::string message_id;  // Message-ID header, as written (brackets included)
  std::string from;
  std::string to;
  std::string subject;
  // Per-message fields:
  std::string reporting_mta;
  std::string postfix_queue_id;  // X-Postfix-Queue-ID
  // Of the returned message:
  std::string original_message_id;
  std::vector<DsnRecipient> recipients;
};

NdrReport parse_ndr(std::string_view raw);

// The per-recipient and per-message field groups of a message/delivery-status body
// (exposed for tests): groups[0] holds the per-message fields.
std::vector<std::vector<std::pair<std::string, std::string>>> parse_status_groups(
    std::string_view body);

}  // namespace ark::admind::delivery
