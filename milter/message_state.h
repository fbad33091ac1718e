// Per-message state of one SMTP transaction, owned by the connection context.
//
// Lifetime (style.md §5): reset at MAIL FROM, at abort and after end of message, so
// nothing leaks from one transaction into the next on a reused connection.
//
// Thread-safety: used by one libmilter worker at a time (the connection's); not shared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/mail/binding.h"
#include "milter/dkim/signing_input.h"
#include "milter/send_state.h"

namespace ark::milter {

struct MessageState {
  int64_t started_us = 0;                   // clock time at MAIL FROM, for elapsed_ms
  std::vector<std::string> binding_values;  // every X-Ark-Binding value, in header order
  bool bound = false;                       // set when the binding verified at end of headers
  mail::Binding binding;                    // valid only when bound
  std::string queue_id;                     // Postfix {i}, once known (for the log line)
  bool logged = false;                      // the summary line was written
  int rcpts = 0;                            // RCPT commands seen (when wants_rcpt())
  int rcpts_to_return_path = 0;             // of them, addressed to the return-path host
  dkim::SigningInput dkim;                  // headers and body hash, when DKIM signs
  SendState send;                           // the send policy's state (send_state.h)

  void reset(int64_t now_us) { *this = MessageState{.started_us = now_us}; }
};

}  // namespace ark::milter
