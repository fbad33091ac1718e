// The email status machine of behaviour.md §1 as a pure function: given an email's current
// status and what just happened to it, what to record. The log follower and the bounce
// intake execute the result (email_writer.h); nothing else changes an email's delivery
// status.
//
//   trigger (source)                  from                      to        event suppression Sent
//   (delivery line)              pending/softfail/held     sent      MessageSent             remove
//   Deferred (delivery line)          pending/softfail/held     softfail  MessageDelayed          -
//   Bounced (delivery line, 5xx)      pending/softfail/held     hardfail  MessageDeliveryFailed add
//   "hard fail" ExpiredRecipient (status=expired) pending/softfail/held     hardfail
//   MessageDeliveryFailed   add "too many soft fails" QueueExpired (qmgr: returned)
//   pending/softfail          hardfail  MessageDeliveryFailed   add "too many soft fails"
//   ForceExpired (postsuper -e)       pending/softfail/held     hardfail  MessageDeliveryFailed   -
//   OperatorDeleted (postsuper -d)    pending/softfail/held     hardfail  MessageDeliveryFailed   -
//   Held (cleanup/milter/postsuper)   pending/softfail          held      MessageHeld             -
//   Released (postsuper -H)           held                      pending   -                       -
//   Ndr (bounce received)             sent                      bounced   MessageBounced add "hard
//   fail" if permanent
// sent, hardfail and bounced are final for a queue entry: later lines about the same queue
// entry do not move them (a manual retry re-queues the email as pending first). Every
// trigger but Released records a delivery attempt.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ark::admind::delivery {

enum class Trigger {
  Sent,
  Deferred,
  Bounced,
  ExpiredRecipient,
  QueueExpired,
  ForceExpired,
  OperatorDeleted,
  Held,
  Released,
  Ndr,
};

enum class SuppressionChange { None, Add, Remove };

struct Transition {
  std::string to_status;
  const char* event = nullptr;  // nullptr: no event
  bool record_attempt = true;
  SuppressionChange suppression = SuppressionChange::None;
  const char* reason = nullptr;  // with Add
};

// nullopt: the trigger does not apply to an email in `from` (nothing is recorded).
// ndr_permanent: the NDR's status is 5.x.x and suppress_on_ndr is on.
std::optional<Transition> transition(std::string_view from, Trigger t, bool ndr_permanent = false);

inline constexpr const char* kReasonHardFail = "hard fail";
inline constexpr const char* kReasonSoftFails = "too many soft fails";

}  // namespace ark::admind::delivery
