// Hands API-built messages to the local Postfix over SMTP (design.md §6 step 1).
//
// The MIME text is composed with Poco's MailMessage (quoted-printable bodies,
// RFC 2047 subjects, multipart/alternative when both html and text are given), with the
// internal X-Ark-Binding header that ark-milter verifies and strips.
//
// Errors: Transient when Postfix is unreachable or answers 4xx (the caller answers 503
// and discards the rows); Permanent for a 5xx.
// Thread-safety: one SMTP connection per call; safe to call from many threads.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"

namespace ark::admind::submit {

struct SubmitSettings {
  std::string host = "127.0.0.1";
  int port = 25;
  int timeout_s = 30;
  std::string helo = "localhost";
};

struct OutgoingMessage {
  std::string envelope_from;
  std::vector<std::string> rcpts;
  std::string from_header;
  std::vector<std::string> to_header;
  std::string subject;
  std::string text;  // either or both of text and html
  std::string html;
  std::string message_id;  // "<...>"
  std::string binding;     // X-Ark-Binding value
  int64_t date_s = 0;
};

// The full RFC 5322 text (CRLF line ends), as it will be submitted.
std::string compose(const OutgoingMessage& m);

class Submitter {
 public:
  explicit Submitter(SubmitSettings s) : s_(std::move(s)) {}
  // Returns Postfix's final reply text (e.g. "250 2.0.0 Ok: queued as ...").
  base::Result<std::string> submit(const OutgoingMessage& m) const;
  // Submits an already composed message (compose()'s output) unchanged.
  base::Result<std::string> submit_text(const std::string& envelope_from,
                                        const std::vector<std::string>& rcpts,
                                        const std::string& text) const;

 private:
  SubmitSettings s_;
};

}  // namespace ark::admind::submit
