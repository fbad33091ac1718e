#include "milter/stages/admit_message.h"

#include <strings.h>

#include "core/base/log.h"
#include "core/mail/binding.h"
#include "milter/stages/check_content.h"
#include "milter/stages/record_queue_id.h"

namespace ark::milter {
namespace {

std::vector<LimitEvent> approaching_events(const std::vector<policy::Window>& windows,
                                           int64_t count) {
  std::vector<LimitEvent> out;
  for (const policy::Window& w : windows) {
    if (policy::crosses_approaching(w, count)) {
      policy::Window after = w;
      after.used += count;
      out.push_back({"SendLimitApproaching", after});
    }
  }
  return out;
}

std::vector<LimitEvent> exceeded_events(const std::vector<policy::Window>& windows,
                                        const policy::LimitCheck& check) {
  std::vector<LimitEvent> out;
  for (const policy::Window& w : windows) {
    if (check.exceeded && w.period == *check.exceeded) {
      out.push_back({"SendLimitExceeded", w});
    }
  }
  return out;
}

// Deletes every occurrence of `name`, from the highest index down (see record_queue_id.h).
void delete_all(std::vector<HeaderEdit>& out, std::string_view name, size_t count) {
  for (size_t i = count; i > 0; --i) {
    out.push_back({HeaderEdit::Kind::Delete, std::string(name), static_cast<int>(i), {}});
  }
}

}  // namespace

AdmitPlan AdmitMessage::plan(const std::vector<policy::Window>& windows,
                             const std::optional<policy::Window>& sandbox, int64_t pending,
                             int64_t held, const std::optional<policy::Decision>& message_hold,
                             const std::optional<policy::Decision>& first_held,
                             const policy::SandboxRules& rules) {
  AdmitPlan p;
  if (sandbox) {
    policy::Decision d = policy::check_sandbox_allowance(sandbox->used, pending + held, rules);
    if (d.rejected()) {
      p.reject = true;
      p.decision = std::move(d);
      return p;
    }
  }
  if (message_hold || (pending == 0 && held > 0)) {
    p.held = true;
    p.decision = message_hold
                     ? *message_hold
                     : first_held.value_or(policy::decide(policy::Code::RecipientSuppressed));
    if (p.decision.code == policy::Code::SendLimitExceeded) {
      p.events = exceeded_events(windows, policy::check_limits(windows, held));
    }
    return p;
  }
  policy::LimitCheck check = policy::check_limits(windows, pending);
  if (!check.fits) {
    p.held = true;
    p.decision = policy::limit_decision(check, windows);
    p.events = exceeded_events(windows, check);
    return p;
  }
  p.decision = policy::allow();
  p.counted = pending;
  p.events = approaching_events(windows, pending);
  return p;
}

AdmitRequest AdmitMessage::request(const MessageState& state, std::string_view queue_id) const {
  const SendState& s = state.send;
  AdmitRequest r;
  r.api = s.source == SendSource::Api;
  r.message_id = state.binding.message_id;
  r.tenant_id = state.binding.tenant_id;
  r.node = settings_.node;
  r.queue_id = std::string(queue_id);
  r.size_bytes = s.header_bytes + s.body_bytes;
  r.now_us = clock_.now_us();
  r.default_limits = settings_.policy.default_limits;
  r.sandbox = s.sandbox;
  r.sandbox_limit = settings_.policy.rules.sandbox.daily_limit;
  if (!r.api) {
    r.envelope_from = s.sender;
    r.from_header = s.from_values.empty() ? std::string() : s.from_values.front();
    r.subject = s.subject;
    r.message_id_hdr = s.message_id_hdr;
    r.tag = s.tag;
    r.metadata_json = s.metadata_json;
    for (const RcptState& rc : s.rcpts) {
      bool held = rc.decision.held();
      r.emails.push_back({rc.email_id, rc.address, held ? "held" : "pending",
                          held ? std::string(rc.decision.reason()) : std::string(),
                          held ? rc.decision.detail : std::string()});
    }
  }
  return r;
}

EomResult AdmitMessage::run(MessageState& state, std::string_view queue_id) const {
  const SendState& s = state.send;
  if (queue_id.empty()) {
    base::log_error("internal_error", {{"stage", "admit"}, {"what", "no queue id macro {i}"}});
    return {Decision::internal_error(settings_.on_internal_error), {}};
  }
  Decision size =
      from_policy(policy::check_size(s.header_bytes + s.body_bytes, settings_.policy.rules));
  if (size.is_final()) {
    return {size, {}};
  }
  std::optional<policy::Decision> first_held;
  for (const RcptState& rc : s.rcpts) {
    if (rc.decision.held() && !first_held) {
      first_held = rc.decision;
    }
  }
  const policy::SandboxRules& rules = settings_.policy.rules.sandbox;
  auto decide = [&](const std::vector<policy::Window>& w, const std::optional<policy::Window>& sb,
                    int64_t pending, int64_t held) {
    return plan(w, sb, pending, held, s.message_hold, first_held, rules);
  };
  auto admitted = store_.admit(request(state, queue_id), decide);
  if (!admitted) {
    return {store_failure(admitted.error(), settings_.on_internal_error, "admit"), {}};
  }
  if (admitted->unknown_binding) {
    return {Decision::reject("unknown or already used binding", "unknown_binding"), {}};
  }
  const AdmitPlan& p = admitted->plan;
  if (p.reject) {
    return {from_policy(p.decision), {}};
  }
  std::string reason = p.held ? "held:" + std::string(p.decision.reason()) : "recorded";
  return {Decision::accept(std::move(reason)), edits(state, p)};
}

std::vector<HeaderEdit> AdmitMessage::edits(const MessageState& state, const AdmitPlan& plan) {
  std::vector<HeaderEdit> out;
  const SendState& s = state.send;
  if (s.source == SendSource::Api) {
    delete_all(out, mail::kBindingHeader, state.binding_values.size());
  } else {
    delete_all(out, kTagHeader, s.tag_values.size());
    delete_all(out, kMetadataHeader, s.metadata_values.size());
  }
  out.push_back({HeaderEdit::Kind::Add, std::string(kStampHeader), 0, state.binding.message_id});
  if (plan.held) {
    // Postfix logs this text with the hold ("milter-hold: END-OF-MESSAGE from ...: <text>");
    // the log follower uses it as the held attempt's details.
    const policy::Decision& d = plan.decision;
    out.push_back({HeaderEdit::Kind::Quarantine, {}, 0, d.detail.empty() ? d.smtp.text : d.detail});
  }
  return out;
}

}  // namespace ark::milter
