// BindLogin: the MAIL FROM stage of the send policy. It binds SMTP-submitted mail to its
// tenant and applies the cheapest checks before any data is sent (design.md §2):
//   - SMTP AUTH ({auth_authen} = policyd's "{tenantId}/{credential name}"): the smtp
//     credential must still exist (credential_unknown), its tenant be active
//     (tenant_inactive); a credential put on hold since AUTH holds the message
//     (credential_held: accepted, kept, marked held).
//   - the trusted relay listener ({daemon_name} = relay.daemon_name, no AUTH): mail is sent
//     as relay.tenant, which must be active.
//   - otherwise nothing is bound here (an API submission binds at end of headers).
// Then, for bound mail: the envelope sender's domain must be a verified domain of the
// tenant (or the sandbox sender), and a declared SIZE= must be within the limit.
// On success the message gets its ids here: state.bound/binding carry the tenant and a new
// message id, so later stages (DKIM among them) see SMTP mail like API mail.
//
// Ownership: borrows the store and the clock. Thread-safety: immutable; run() may be called
// from many threads at once (the store is thread-safe).
#pragma once

#include <string>
#include <vector>

#include "core/base/clock.h"
#include "milter/decision.h"
#include "milter/message_state.h"
#include "milter/stages/send_policy.h"
#include "milter/store/send_store.h"

namespace ark::milter {

// What Postfix tells us at MAIL FROM.
struct MailInfo {
  std::string sender;                   // without angle brackets; "" = null sender
  std::vector<std::string> esmtp_args;  // "SIZE=1234", "BODY=8BITMIME", ...
  std::string auth_login;               // {auth_authen}; "" when not authenticated
  std::string daemon_name;              // {daemon_name}
};

class BindLogin {
 public:
  BindLogin(SendStore& store, const SendPolicySettings& settings, const base::Clock& clock)
      : store_(store), settings_(settings), clock_(clock) {}

  Decision run(MessageState& state, const MailInfo& mail) const;

 private:
  Decision bind_login(MessageState& state, const std::string& login) const;
  Decision bind_relay(MessageState& state) const;
  Decision check_sender(MessageState& state, const MailInfo& mail) const;

  SendStore& store_;
  const SendPolicySettings& settings_;
  const base::Clock& clock_;
};

// Strips <> from a MAIL FROM argument.
std::string bare_address(std::string_view arg);

}  // namespace ark::milter
