// The status machine of behaviour.md §1 (admind/delivery/transitions.h), row by row.
#include "admind/delivery/transitions.h"

#include <gtest/gtest.h>

namespace ark::admind::delivery {
namespace {

struct Row {
  const char* name;
  const char* from;
  Trigger trigger;
  bool ndr_permanent;
  const char* to;     // nullptr: not applicable
  const char* event;  // nullptr: none
  SuppressionChange suppression;
  const char* reason;
  bool attempt;
};

using SC = SuppressionChange;

const Row kRows[] = {
    {"pending_sent", "pending", Trigger::Sent, false, "sent", "MessageSent", SC::Remove, nullptr,
     true},
    {"softfail_sent", "softfail", Trigger::Sent, false, "sent", "MessageSent", SC::Remove, nullptr,
     true},
    {"held_released_then_sent", "held", Trigger::Sent, false, "sent", "MessageSent", SC::Remove,
     nullptr, true},
    {"pending_deferred", "pending", Trigger::Deferred, false, "softfail", "MessageDelayed",
     SC::None, nullptr, true},
    {"softfail_deferred_again", "softfail", Trigger::Deferred, false, "softfail", "MessageDelayed",
     SC::None, nullptr, true},
    {"pending_bounced", "pending", Trigger::Bounced, false, "hardfail", "MessageDeliveryFailed",
     SC::Add, "hard fail", true},
    {"softfail_bounced", "softfail", Trigger::Bounced, false, "hardfail", "MessageDeliveryFailed",
     SC::Add, "hard fail", true},
    {"softfail_expired_recipient", "softfail", Trigger::ExpiredRecipient, false, "hardfail",
     "MessageDeliveryFailed", SC::Add, "too many soft fails", true},
    {"softfail_queue_expired", "softfail", Trigger::QueueExpired, false, "hardfail",
     "MessageDeliveryFailed", SC::Add, "too many soft fails", true},
    {"sent_queue_expired_untouched", "sent", Trigger::QueueExpired, false, nullptr, nullptr,
     SC::None, nullptr, false},
    {"held_queue_expired_untouched", "held", Trigger::QueueExpired, false, nullptr, nullptr,
     SC::None, nullptr, false},
    {"softfail_force_expired", "softfail", Trigger::ForceExpired, false, "hardfail",
     "MessageDeliveryFailed", SC::None, nullptr, true},
    {"held_operator_deleted", "held", Trigger::OperatorDeleted, false, "hardfail",
     "MessageDeliveryFailed", SC::None, nullptr, true},
    {"hardfail_operator_deleted_untouched", "hardfail", Trigger::OperatorDeleted, false, nullptr,
     nullptr, SC::None, nullptr, false},
    {"pending_held", "pending", Trigger::Held, false, "held", "MessageHeld", SC::None, nullptr,
     true},
    {"sent_held_untouched", "sent", Trigger::Held, false, nullptr, nullptr, SC::None, nullptr,
     false},
    {"held_released", "held", Trigger::Released, false, "pending", nullptr, SC::None, nullptr,
     false},
    {"pending_released_untouched", "pending", Trigger::Released, false, nullptr, nullptr, SC::None,
     nullptr, false},
    {"sent_ndr_permanent", "sent", Trigger::Ndr, true, "bounced", "MessageBounced", SC::Add,
     "hard fail", true},
    {"sent_ndr_transient", "sent", Trigger::Ndr, false, "bounced", "MessageBounced", SC::None,
     nullptr, true},
    {"hardfail_ndr_untouched", "hardfail", Trigger::Ndr, true, nullptr, nullptr, SC::None, nullptr,
     false},
    {"pending_ndr_untouched", "pending", Trigger::Ndr, true, nullptr, nullptr, SC::None, nullptr,
     false},
    {"final_sent_stays", "sent", Trigger::Deferred, false, nullptr, nullptr, SC::None, nullptr,
     false},
    {"final_hardfail_stays", "hardfail", Trigger::Sent, false, nullptr, nullptr, SC::None, nullptr,
     false},
    {"final_bounced_stays", "bounced", Trigger::Bounced, false, nullptr, nullptr, SC::None, nullptr,
     false},
};

class TransitionTest : public ::testing::TestWithParam<Row> {};

TEST_P(TransitionTest, Row) {
  const Row& r = GetParam();
  auto t = transition(r.from, r.trigger, r.ndr_permanent);
  if (r.to == nullptr) {
    EXPECT_FALSE(t.has_value());
    return;
  }
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->to_status, r.to);
  EXPECT_STREQ(t->event, r.event);
  EXPECT_EQ(t->suppression, r.suppression);
  EXPECT_STREQ(t->reason, r.reason);
  EXPECT_EQ(t->record_attempt, r.attempt);
}

INSTANTIATE_TEST_SUITE_P(Table, TransitionTest, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<Row>& i) { return i.param.name; });

}  // namespace
}  // namespace ark::admind::delivery
