// RecordQueueId: the end-of-message stage that records the Postfix queue id against the
// bound message row, then strips the binding header and stamps X-Ark-Id.
//
// Order matters: the row is written first, so a message is never stamped and passed on
// without its queue id recorded (admind joins Postfix log lines to messages by it).
// Outcomes:
//   row updated               -> Accept, edits: delete every X-Ark-Binding, add X-Ark-Id
//   0 rows (unknown/replayed) -> Reject 550 5.7.1 "unknown or already used binding"
//   Transient store error     -> Tempfail 451 4.3.0 "temporary storage failure, ..."
//   other store error, no {i} -> the configured internal-error action
// Binding headers are deleted from the highest index down: each delete then addresses a
// header whose index cannot have been shifted by an earlier delete, whichever way the MTA
// counts deleted headers.
//
// Ownership: borrows the store, which must outlive it.
// Thread-safety: immutable after construction; run() may run on many threads at once
// (the store must be thread-safe, see message_store.h).
#pragma once

#include <string>
#include <string_view>

#include "milter/decision.h"
#include "milter/message_state.h"
#include "milter/store/message_store.h"

namespace ark::milter {

inline constexpr std::string_view kStampHeader = "X-Ark-Id";

class RecordQueueId {
 public:
  RecordQueueId(MessageStore& store, std::string node, Verdict on_internal_error)
      : store_(store), node_(std::move(node)), on_internal_error_(on_internal_error) {}

  // Precondition: state.bound (BindTenant passed at end of headers).
  EomResult run(const MessageState& state, std::string_view queue_id) const;

 private:
  static std::vector<HeaderEdit> edits_for(const MessageState& state);

  MessageStore& store_;
  std::string node_;
  Verdict on_internal_error_;
};

}  // namespace ark::milter
