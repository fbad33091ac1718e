// CheckRecipient: the RCPT TO stage of the send policy, for SMTP-submitted mail (API mail
// was checked by admind's send path, which wrote its emails' statuses itself).
//   - sandbox mail: the recipient must be one of the organisation's addresses
//     (sandbox_recipient, rejected for this recipient only);
//   - a suppressed recipient is accepted and held (recipient_suppressed);
//   - when the tenant's send windows (read, not locked) cannot take one more email, the
//     recipient is accepted and held (send_limit_exceeded); end of message decides for good
//     with the locked counters.
// One transaction, one class: Postfix holds whole messages, so a transaction carries only
// held or only deliverable recipients. A recipient of the other class than the first
// accepted one gets 452 4.5.3 "Deliver this recipient in a separate transaction": RFC 5321
// §4.5.3.1.10 has clients send it again in a new transaction, where it is first.
// Every accepted recipient gets its email id here.
//
// Ownership: borrows the store and the clock. Thread-safety: immutable; run() may be called
// from many threads at once.
#pragma once

#include <string_view>

#include "core/base/clock.h"
#include "milter/decision.h"
#include "milter/message_state.h"
#include "milter/stages/send_policy.h"
#include "milter/store/send_store.h"

namespace ark::milter {

class CheckRecipient {
 public:
  CheckRecipient(SendStore& store, const SendPolicySettings& settings, const base::Clock& clock)
      : store_(store), settings_(settings), clock_(clock) {}

  Decision run(MessageState& state, std::string_view rcpt) const;

 private:
  // The recipient's own decision (Allow or a hold), or a final milter Decision in *final.
  policy::Decision classify(MessageState& state, const std::string& rcpt, Decision* final) const;

  SendStore& store_;
  const SendPolicySettings& settings_;
  const base::Clock& clock_;
};

}  // namespace ark::milter
