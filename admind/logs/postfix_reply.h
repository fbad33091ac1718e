// Reading the reply text of a Postfix delivery line: the SMTP code, the enhanced status code
// (RFC 3463), and which remote host said it.
//
// The text is what Postfix put in parentheses after status=... (Delivery::reply):
//   "250 2.0.0 Ok: queued as 4Xy"                                           local reply
//   "host mx.example[192.0.2.1] said: 550 5.1.1 No such user (in reply to RCPT TO command)"
//   "host mx.example[192.0.2.1] refused to talk to me: 554 5.7.1 go away"
//   "connect to mx.example[192.0.2.1]:25: Connection refused"                no code
//   "lost connection with mx.example[192.0.2.1] while receiving the initial server greeting"
//   "conversation with mx.example[192.0.2.1] timed out while sending end of data -- ..."
//   "delivery temporarily suspended: connect to ...: Connection refused"    qmgr's wrapper
//   "5.7.1 rejected by rule"                                                 enhanced code only
// Multi-line server replies arrive joined ("550-5.1.1 first 550-5.1.1 second 550 5.1.1 last");
// the first code is taken. A code is three digits 2xx..5xx followed by space, '-' or the end;
// an enhanced code is class.subject.detail with class 2, 4 or 5 and 1-3 digit parts.
//
// Contract: pure and total like parse_postfix_line (postfix_log.h): any input, no throw.
// Ownership: the result owns its strings. Thread-safety: no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ark::admind::logs {

struct SmtpReply {
  std::optional<int> code;  // 550; nullopt when the text carries no SMTP reply
  std::string enhanced;     // "5.1.1"; "" when absent
  std::string remote_host;  // "mx.example" from "host mx.example[192.0.2.1] ..." / "connect to"
  std::string remote_addr;  // "192.0.2.1"
  std::string in_reply_to;  // "RCPT TO", "end of DATA", "MAIL FROM"; "" when absent
  std::string text;         // the reply after its codes, without "(in reply to ...)"
  std::string queued_as;    // "4Xy" from "... queued as 4Xy" (the next hop's queue id)
};

SmtpReply parse_reply_text(std::string_view reply);

}  // namespace ark::admind::logs
