#include "milter/stages/check_recipient.h"

#include "core/domain/ids.h"
#include "milter/stages/bind_login.h"

namespace ark::milter {

policy::Decision CheckRecipient::classify(MessageState& state, const std::string& rcpt,
                                          Decision* final) const {
  SendState& s = state.send;
  if (s.message_hold) {
    return *s.message_hold;
  }
  auto reason = store_.suppression(s.tenant_id, rcpt);
  if (!reason) {
    *final = store_failure(reason.error(), settings_.on_internal_error, "rcpt");
    return policy::allow();
  }
  policy::Decision d = policy::check_recipient(rcpt, reason->has_value(), reason->value_or(""));
  if (d.held()) {
    return d;
  }
  // An unlimited tenant needs no count here (the end of message still counts its mail).
  auto limits = store_.limits(s.tenant_id, settings_.policy.default_limits);
  if (!limits) {
    *final = store_failure(limits.error(), settings_.on_internal_error, "rcpt");
    return policy::allow();
  }
  if (limits->hourly == 0 && limits->daily == 0 && limits->monthly == 0) {
    return d;
  }
  auto windows = store_.usage(s.tenant_id, clock_.now_s(), settings_.policy.default_limits);
  if (!windows) {
    *final = store_failure(windows.error(), settings_.on_internal_error, "rcpt");
    return policy::allow();
  }
  int64_t deliverable = 0;
  for (const RcptState& r : s.rcpts) {
    deliverable += r.decision.allowed() ? 1 : 0;
  }
  return policy::limit_decision(policy::check_limits(*windows, deliverable + 1), *windows);
}

Decision CheckRecipient::run(MessageState& state, std::string_view rcpt_arg) const {
  SendState& s = state.send;
  if (!s.smtp_submitted()) {
    return Decision::proceed();
  }
  std::string rcpt = bare_address(rcpt_arg);
  if (s.sandbox) {
    Decision d = from_policy(policy::check_sandbox_recipient(rcpt, settings_.policy.rules.sandbox));
    if (d.is_final()) {
      return d;
    }
  }
  Decision final = Decision::proceed();
  policy::Decision d = classify(state, rcpt, &final);
  if (final.is_final()) {
    return final;
  }
  bool held = d.held();
  if (s.held_class && *s.held_class != held) {
    return {Verdict::Tempfail, "452", "4.5.3", "Deliver this recipient in a separate transaction",
            "split_transaction"};
  }
  s.held_class = held;
  s.rcpts.push_back({rcpt, domain::new_email_id(), std::move(d)});
  return Decision::proceed();
}

}  // namespace ark::milter
