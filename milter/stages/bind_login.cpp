#include "milter/stages/bind_login.h"

#include <strings.h>

#include <charconv>

#include "core/domain/ids.h"

namespace ark::milter {

using policy::Code;

std::string bare_address(std::string_view arg) {
  if (arg.size() >= 2 && arg.front() == '<' && arg.back() == '>') {
    arg = arg.substr(1, arg.size() - 2);
  }
  return std::string(arg);
}

Decision BindLogin::run(MessageState& state, const MailInfo& mail) const {
  Decision d = Decision::proceed();
  if (!mail.auth_login.empty()) {
    d = bind_login(state, mail.auth_login);
  } else if (!settings_.relay_daemon_name.empty() &&
             mail.daemon_name == settings_.relay_daemon_name) {
    d = bind_relay(state);
  } else {
    return d;  // not SMTP-submitted: the binding header decides at end of headers
  }
  if (d.is_final()) {
    return d;
  }
  state.bound = true;
  state.binding = {domain::new_message_id(), state.send.tenant_id, clock_.now_s()};
  return check_sender(state, mail);
}

Decision BindLogin::bind_login(MessageState& state, const std::string& login) const {
  size_t slash = login.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == login.size()) {
    return from_policy(policy::decide(Code::CredentialUnknown));
  }
  std::string tenant = login.substr(0, slash);
  auto facts = store_.find_login(tenant, login.substr(slash + 1));
  if (!facts) {
    return store_failure(facts.error(), settings_.on_internal_error, "mail");
  }
  policy::Decision cred =
      policy::check_credential(*facts ? std::optional((*facts)->credential) : std::nullopt);
  if (cred.rejected()) {
    return from_policy(cred);
  }
  Decision t = from_policy(policy::check_tenant((*facts)->tenant_status));
  if (t.is_final()) {
    return t;
  }
  state.send.source = SendSource::Login;
  state.send.tenant_id = tenant;
  state.send.credential = (*facts)->credential;
  if (cred.held()) {
    state.send.message_hold = cred;
  }
  return Decision::proceed();
}

Decision BindLogin::bind_relay(MessageState& state) const {
  auto status = store_.tenant_status(settings_.relay_tenant);
  if (!status) {
    return store_failure(status.error(), settings_.on_internal_error, "mail");
  }
  Decision t = from_policy(policy::check_tenant(*status));
  if (t.is_final()) {
    return t;
  }
  state.send.source = SendSource::Relay;
  state.send.tenant_id = settings_.relay_tenant;
  return Decision::proceed();
}

Decision BindLogin::check_sender(MessageState& state, const MailInfo& mail) const {
  const policy::SendRules& rules = settings_.policy.rules;
  state.send.sender = mail.sender;
  state.send.sandbox = policy::is_sandbox_sender(mail.sender, rules.sandbox);
  policy::DomainFacts facts;
  std::string domain = policy::domain_of(mail.sender);
  if (!domain.empty() && !state.send.sandbox) {
    auto found = store_.domain(state.send.tenant_id, domain);
    if (!found) {
      return store_failure(found.error(), settings_.on_internal_error, "mail");
    }
    facts = *found;
  }
  Decision d = from_policy(policy::check_sender(mail.sender, facts, rules.sandbox));
  if (d.is_final()) {
    return d;
  }
  for (const std::string& arg : mail.esmtp_args) {
    if (strncasecmp(arg.c_str(), "SIZE=", 5) == 0) {
      int64_t size = 0;
      std::from_chars(arg.data() + 5, arg.data() + arg.size(), size);
      return from_policy(policy::check_size(size, rules));
    }
  }
  return Decision::proceed();
}

}  // namespace ark::milter
