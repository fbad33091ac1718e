// MessageFilter: the per-message pipeline, one method per SMTP stage the milter handles.
// It composes the stages (bind the tenant at end of headers; at end of message, in this
// order: [rewrite slot, later] -> DKIM sign over the final body -> record and stamp) and
// holds what every connection shares: settings, the store, the clock, the DKIM keys.
//
// With the send policy on (a SendStore given; issue 4) the stages are: MAIL bind_login
// (SMTP AUTH or relay mail: tenant, credential, sender), RCPT check_recipient
// (suppressions, limits, one class per transaction), end of headers check_content (SMTP
// mail: tag, metadata, From alignment) or the binding (API mail), end of message DKIM sign
// -> admit_message (size, atomic limit count, rows, hold queue) instead of record.
//
// It knows nothing about libmilter: the adapter in milter/smfi/ feeds it strings and
// applies the Decisions it returns, so unit tests drive it directly with a fake store and
// a fake clock.
//
// Ownership: borrows the store and the clock, which must outlive it. Connections hold it
// as shared_ptr<const MessageFilter> (the "config snapshot" layer of style.md §5).
// Thread-safety: immutable after construction; all methods are const and take the
// caller's MessageState, so any number of connections may use it at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <memory>
#include "core/base/clock.h"
#include "milter/decision.h"
#include "milter/message_state.h"

#include "milter/stages/admit_message.h"
#include "milter/stages/bind_login.h"
#include "milter/stages/bind_tenant.h"
#include "milter/stages/check_content.h"
#include "milter/stages/check_recipient.h"
#include "milter/stages/dkim_sign.h"
#include "milter/stages/record_queue_id.h"
#include "milter/stages/send_policy.h"
#include "milter/store/message_store.h"
#include "milter/store/send_store.h"

namespace ark::milter {

struct FilterSettings {
  std::string binding_secret;
  int64_t binding_max_age_s = 600;
  std::string node;
  Verdict on_internal_error = Verdict::Tempfail;
  // VERP return paths (core/mail/return_path.h): SMTP-submitted mail gets one as its
  // envelope sender, and unbound mail addressed only to this host (non-delivery reports
  // on their way to admind's bounce intake) is accepted without a binding. Empty: off.
  std::string return_path_host;
};

class MessageFilter {
 public:
  // keys: null disables DKIM signing (then headers and body are not collected).
  // send_store: null disables the send policy (then only API mail is accepted).
  MessageFilter(FilterSettings settings, MessageStore& store, const base::Clock& clock,
                const SigningKeys* keys = nullptr, DkimSettings dkim = {},
                SendStore* send_store = nullptr, SendPolicySettings send = {});
  ~MessageFilter();

  Verdict on_internal_error() const { return on_internal_error_; }
  const base::Clock& clock() const { return clock_; }

  bool wants_rcpt() const { return send_ != nullptr || !return_path_host_.empty(); }
  Decision on_mail(MessageState& state, const MailInfo& mail) const;
  Decision on_rcpt(MessageState& state, std::string_view rcpt) const;
  // Each header as Postfix sends it (name without the colon).
  void on_header(MessageState& state, std::string_view name, std::string_view value) const;
  // Each body chunk as Postfix sends it (only when wants_body()).
  void on_body(MessageState& state, std::string_view chunk) const;
  bool wants_body() const { return sign_.active() || send_ != nullptr; }
  Decision end_of_headers(MessageState& state) const;
  EomResult end_of_message(MessageState& state, std::string_view queue_id) const;

 private:
  bool is_report(const MessageState& state) const;
  void add_return_path(const MessageState& state, EomResult& result) const;

  Verdict on_internal_error_;
  const base::Clock& clock_;
  std::string return_path_host_;
  std::string return_path_secret_;
  BindTenant bind_;
  DkimSign sign_;
  RecordQueueId record_;
  struct SendStages;
  std::unique_ptr<const SendStages> send_;  // null: the send policy is off
};

}  // namespace ark::milter
