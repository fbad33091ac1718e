#include "milter/message_filter.h"

#include <strings.h>

#include "core/mail/address.h"
#include "core/mail/return_path.h"
#include "milter/stages/bind_login.h"

namespace ark::milter {

// The send-policy stages and the settings they borrow (so this is never moved).
struct MessageFilter::SendStages {
  SendStages(SendStore& store, SendPolicySettings s, const base::Clock& clock)
      : settings(std::move(s)),
        bind(store, settings, clock),
        rcpt(store, settings, clock),
        content(store, settings),
        admit(store, settings, clock) {}

  SendPolicySettings settings;
  BindLogin bind;
  CheckRecipient rcpt;
  CheckContent content;
  AdmitMessage admit;
};

MessageFilter::MessageFilter(FilterSettings settings, MessageStore& store, const base::Clock& clock,
                             const SigningKeys* keys, DkimSettings dkim, SendStore* send_store,
                             SendPolicySettings send)
    : on_internal_error_(settings.on_internal_error),
      clock_(clock),
      return_path_host_(std::move(settings.return_path_host)),
      return_path_secret_(settings.binding_secret),
      bind_(std::move(settings.binding_secret), settings.binding_max_age_s, clock),
      sign_(keys, std::move(dkim), clock),
      record_(store, settings.node, settings.on_internal_error) {
  if (send_store != nullptr) {
    send.node = settings.node;
    send.on_internal_error = settings.on_internal_error;
    send_ = std::make_unique<const SendStages>(*send_store, std::move(send), clock);
  }
}

MessageFilter::~MessageFilter() = default;

Decision MessageFilter::on_mail(MessageState& state, const MailInfo& mail) const {
  state.send.sender = mail.sender;
  return send_ ? send_->bind.run(state, mail) : Decision::proceed();
}

Decision MessageFilter::on_rcpt(MessageState& state, std::string_view rcpt) const {
  ++state.rcpts;
  if (!return_path_host_.empty()) {
    std::string address = bare_address(rcpt);
    size_t at = address.rfind('@');
    if (at != std::string::npos && address.size() - at - 1 == return_path_host_.size() &&
        strcasecmp(address.c_str() + at + 1, return_path_host_.c_str()) == 0) {
      ++state.rcpts_to_return_path;
    }
  }
  return send_ ? send_->rcpt.run(state, rcpt) : Decision::proceed();
}

// A non-delivery report on its way to admind's bounce intake: nobody logged in, no binding,
// and every recipient is on the return-path host (the intake checks each address's tag).
bool MessageFilter::is_report(const MessageState& state) const {
  return !return_path_host_.empty() && !state.send.smtp_submitted() &&
         state.binding_values.empty() && state.rcpts > 0 &&
         state.rcpts_to_return_path == state.rcpts;
}

// SMTP-submitted mail leaves with a VERP return path, as API mail does (admind sets it), so
// its reports come back to the bounce intake rather than to the tenant's address. The
// null sender (a tenant relaying a report of its own) stays null.
void MessageFilter::add_return_path(const MessageState& state, EomResult& result) const {
  if (return_path_host_.empty() || !state.send.smtp_submitted() || state.send.sender.empty()) {
    return;
  }
  Verdict v = result.decision.verdict;
  if (v != Verdict::Continue && v != Verdict::Accept) {
    return;
  }
  result.edits.push_back(
      {HeaderEdit::Kind::ChangeFrom,
       {},
       0,
       mail::make_return_path(state.binding.message_id, return_path_host_, return_path_secret_)});
}

void MessageFilter::on_header(MessageState& state, std::string_view name,
                              std::string_view value) const {
  if (BindTenant::is_binding_header(name)) {
    state.binding_values.emplace_back(value);
  }
  if (sign_.active()) {
    state.dkim.headers.push_back({std::string(name), std::string(value)});
  }
  if (send_) {
    CheckContent::collect(state.send, name, value);
  }
}

void MessageFilter::on_body(MessageState& state, std::string_view chunk) const {
  if (sign_.active()) {
    state.dkim.body.update(chunk);
    state.dkim.body_bytes += chunk.size();
  }
  state.send.body_bytes += static_cast<int64_t>(chunk.size());
}

Decision MessageFilter::end_of_headers(MessageState& state) const {
  if (is_report(state)) {
    return Decision::accept("return_path_report");  // relayed to admind's bounce intake
  }
  if (send_ && state.send.smtp_submitted()) {
    if (!state.binding_values.empty()) {
      return Decision::reject("invalid binding", "binding_on_smtp");  // only admind adds it
    }
    return send_->content.run(state);
  }
  Decision d = bind_.check(state);
  if (send_ && !d.is_final()) {
    state.send.source = SendSource::Api;
    state.send.tenant_id = state.binding.tenant_id;
    // admind sends API mail with a VERP envelope sender: the From header names the sender.
    std::string from = state.send.sender;
    if (state.send.from_values.size() == 1) {
      if (auto mb = mail::parse_mailbox(state.send.from_values[0])) {
        from = mb->address;
      }
    }
    state.send.sandbox = policy::is_sandbox_sender(from, send_->settings.policy.rules.sandbox);
  }
  return d;
}

EomResult MessageFilter::end_of_message(MessageState& state, std::string_view queue_id) const {
  if (!state.bound) {
    return record_.run(state, queue_id);  // answers the impossible state itself
  }
  // Rewrite slot: a link-rewriting stage goes here and hands its new body to sign_.run.
  // Signing comes before recording so that a signing tempfail leaves the binding unused.
  DkimOutcome signed_ = sign_.run(state);
  if (signed_.failure) {
    return {*signed_.failure, {}};
  }
  EomResult result = send_ ? send_->admit.run(state, queue_id) : record_.run(state, queue_id);
  for (HeaderEdit& edit : signed_.edits) {
    result.edits.push_back(std::move(edit));
  }
  add_return_path(state, result);
  return result;
}

}  // namespace ark::milter
