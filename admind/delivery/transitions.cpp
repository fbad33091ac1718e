// The status machine; see transitions.h for the table.
#include "admind/delivery/transitions.h"

namespace ark::admind::delivery {
namespace {

bool queued(std::string_view s) {
  return s == "pending" || s == "softfail";
}
bool queued_or_held(std::string_view s) {
  return queued(s) || s == "held";
}

}  // namespace

std::optional<Transition> transition(std::string_view from, Trigger t, bool ndr_permanent) {
  using SC = SuppressionChange;
  switch (t) {
    case Trigger::Sent:
      if (!queued_or_held(from)) {
        return std::nullopt;
      }
      return Transition{"sent", "MessageSent", true, SC::Remove, nullptr};
    case Trigger::Deferred:
      if (!queued_or_held(from)) {
        return std::nullopt;
      }
      return Transition{"softfail", "MessageDelayed", true, SC::None, nullptr};
    case Trigger::Bounced:
      if (!queued_or_held(from)) {
        return std::nullopt;
      }
      return Transition{"hardfail", "MessageDeliveryFailed", true, SC::Add, kReasonHardFail};
    case Trigger::ExpiredRecipient:
      if (!queued_or_held(from)) {
        return std::nullopt;
      }
      return Transition{"hardfail", "MessageDeliveryFailed", true, SC::Add, kReasonSoftFails};
    case Trigger::QueueExpired:
      if (!queued(from)) {
        return std::nullopt;
      }
      return Transition{"hardfail", "MessageDeliveryFailed", true, SC::Add, kReasonSoftFails};
    case Trigger::ForceExpired:
    case Trigger::OperatorDeleted:
      if (!queued_or_held(from)) {
        return std::nullopt;
      }
      return Transition{"hardfail", "MessageDeliveryFailed", true, SC::None, nullptr};
    case Trigger::Held:
      if (!queued(from)) {
        return std::nullopt;
      }
      return Transition{"held", "MessageHeld", true, SC::None, nullptr};
    case Trigger::Released:
      if (from != "held") {
        return std::nullopt;
      }
      return Transition{"pending", nullptr, false, SC::None, nullptr};
    case Trigger::Ndr:
      if (from != "sent") {
        return std::nullopt;
      }
      return Transition{"bounced", "MessageBounced", true, ndr_permanent ? SC::Add : SC::None,
                        ndr_permanent ? kReasonHardFail : nullptr};
  }
  return std::nullopt;
}

}  // namespace ark::admind::delivery
