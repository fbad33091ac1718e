// SmtpBatch: hands composed messages to the local Postfix over one SMTP session (RFC 5321),
// pipelining MAIL and the RCPTs of each message when the server offers PIPELINING
// (RFC 2920), then DATA once every recipient was accepted. Used by every API send; a batch
// of 100 emails costs one connection, not 100.
//
// Per message: accepted (250 after the data, with Postfix's queue id), or refused with
// the first failing reply (a 4xx or a lost connection is transient; 5xx permanent). A
// message some of whose recipients are refused is not sent at all (RSET): the caller split
// its recipients so that this cannot happen short of a race, and half a message is worse
// than a retry. When the server ends the session (421, or a closed connection, e.g. after
// smtpd_hard_error_limit refusals) the batch reconnects and goes on with the next message;
// the message that met the closed connection is tried once more on the new one if it had
// not reached the data stage (a retry can then never queue it twice).
//
// Thread-safety: submit() opens its own connection; any number may run at once.
#pragma once

#include <string>
#include <vector>

#include "admind/submit/submitter.h"

namespace ark::admind::send {

struct Envelope {
  std::string from;
  std::vector<std::string> rcpts;
  std::string text;  // the whole message, CRLF line ends, not dot-stuffed
};

struct SubmitOutcome {
  bool accepted = false;
  bool transient = false;    // refused for now (4xx, connection trouble)
  int code = 0;              // the deciding reply code (0: no reply)
  std::string reply;         // its text, for logs
  std::string queue_id;      // from "250 2.0.0 Ok: queued as X"
  bool before_data = false;  // refused before the text was sent: a retry cannot duplicate it
};

class SmtpBatch {
 public:
  explicit SmtpBatch(submit::SubmitSettings s) : s_(std::move(s)) {}

  std::vector<SubmitOutcome> submit(const std::vector<Envelope>& messages) const;

 private:
  submit::SubmitSettings s_;
};

// Dot-stuffing and the terminating ".": the DATA payload for a message text.
std::string data_payload(const std::string& text);

}  // namespace ark::admind::send
