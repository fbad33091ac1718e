// AdmitMessage: the end-of-message stage of the send policy. It runs after DKIM signing
// (MessageFilter) and replaces RecordQueueId when the send policy is on.
//   1. Size: headers + body within limits.max_message_size (message_too_large).
//   2. One admission transaction (SendStore::admit): the send windows are locked and the
//      pure plan() decides: sandbox allowance (sandbox_daily_limit rejects); a message whose
//      recipients are all held already (suppressed, held credential) is held and counts
//      nothing; otherwise its deliverable emails must fit every limited window, else the
//      message is held (send_limit_exceeded). Counting only accepted, deliverable mail:
//      held and rejected mail counts nothing. SendLimitApproaching is recorded when a
//      message moves a window past 90 %, SendLimitExceeded when one does not fit.
//      SMTP-submitted mail gets its messages row (source smtp) and an emails row per
//      recipient in the same transaction; API mail gets its queue id (the binding's
//      replay guard) and, when held, its pending emails become held.
//   3. Edits: held mail is put in Postfix's hold queue (HeaderEdit::Quarantine: kept, not
//      lost; released by POST /emails/{id}/retry via release_held); X-Ark-Tag and
//      X-Ark-Metadata (SMTP) or X-Ark-Binding (API) are removed, X-Ark-Id is added.
// Outcomes: Accept (reason "recorded" or "held:<token>"); Reject 550 5.7.1 "unknown or
// already used binding" (API replay); the engine's reject; 451 4.3.0 when the database is
// unavailable (nothing was written); on_internal_error for other failures.
//
// Ownership: borrows the store and the clock. Thread-safety: immutable; run() may be called
// from many threads at once.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/base/clock.h"
#include "milter/decision.h"
#include "milter/message_state.h"
#include "milter/stages/send_policy.h"
#include "milter/store/send_store.h"

namespace ark::milter {

class AdmitMessage {
 public:
  AdmitMessage(SendStore& store, const SendPolicySettings& settings, const base::Clock& clock)
      : store_(store), settings_(settings), clock_(clock) {}

  // Precondition: state.bound (SMTP-submitted, or API with a verified binding).
  EomResult run(MessageState& state, std::string_view queue_id) const;

  // The admission decision over locked windows (exposed for tests). message_hold: a hold
  // that applies to the whole message (held credential).
  static AdmitPlan plan(const std::vector<policy::Window>& windows,
                        const std::optional<policy::Window>& sandbox, int64_t pending, int64_t held,
                        const std::optional<policy::Decision>& message_hold,
                        const std::optional<policy::Decision>& first_held,
                        const policy::SandboxRules& rules);

 private:
  AdmitRequest request(const MessageState& state, std::string_view queue_id) const;
  static std::vector<HeaderEdit> edits(const MessageState& state, const AdmitPlan& plan);

  SendStore& store_;
  const SendPolicySettings& settings_;
  const base::Clock& clock_;
};

}  // namespace ark::milter
