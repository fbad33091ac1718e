#include "policy/engine/rules.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

namespace ark::policy {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Applies the domain ownership rule; `foreign`/`unverified` name the decision codes.
Decision ownership(std::string_view address, const DomainFacts& domain, Code foreign,
                   Code unverified) {
  std::string d = domain_of(address);
  if (!domain.owned) {
    return decide(foreign, d);
  }
  if (!domain.verified) {
    return decide(unverified, d);
  }
  return allow();
}

}  // namespace

TenantStatus parse_tenant_status(std::string_view text) {
  if (text == "active") {
    return TenantStatus::Active;
  }
  if (text == "archived") {
    return TenantStatus::Archived;
  }
  return TenantStatus::Suspended;
}

Decision check_tenant(TenantStatus status) {
  switch (status) {
    case TenantStatus::Active:
      return allow();
    case TenantStatus::Suspended:
      return decide(Code::TenantInactive, "suspended");
    case TenantStatus::Archived:
      return decide(Code::TenantInactive, "archived");
  }
  return decide(Code::TenantInactive);
}

Decision check_credential(const std::optional<CredentialFacts>& credential) {
  if (!credential) {
    return decide(Code::CredentialUnknown);
  }
  if (credential->hold) {
    return decide(Code::CredentialHeld, "credential " + std::to_string(credential->id));
  }
  return allow();
}

std::string domain_of(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 >= address.size()) {
    return "";
  }
  std::string d(address.substr(at + 1));
  std::transform(d.begin(), d.end(), d.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return d;
}

bool is_sandbox_sender(std::string_view address, const SandboxRules& rules) {
  return !rules.sender.empty() && iequals(address, rules.sender);
}

Decision check_sender(std::string_view address, const DomainFacts& domain,
                      const SandboxRules& rules) {
  if (domain_of(address).empty()) {
    return decide(Code::SenderMissing);
  }
  if (is_sandbox_sender(address, rules)) {
    return allow();
  }
  return ownership(address, domain, Code::SenderDomainForeign, Code::SenderDomainUnverified);
}

Decision check_from_header(std::string_view address, const DomainFacts& domain,
                           const SandboxRules& rules) {
  if (is_sandbox_sender(address, rules)) {
    return allow();
  }
  return ownership(address, domain, Code::FromNotAligned, Code::FromNotAligned);
}

Decision check_sandbox_recipient(std::string_view rcpt, const SandboxRules& rules) {
  std::string domain = domain_of(rcpt);
  for (const std::string& allowed : rules.recipients) {
    bool whole_domain = !allowed.empty() && allowed.front() == '@';
    if (whole_domain ? iequals(allowed.substr(1), domain) : iequals(allowed, rcpt)) {
      return allow();
    }
  }
  return decide(Code::SandboxRecipient, std::string(rcpt));
}

Decision check_sandbox_allowance(int64_t used, int64_t count, const SandboxRules& rules) {
  if (used + count > rules.daily_limit) {
    return decide(Code::SandboxDailyLimit, std::to_string(rules.daily_limit) + " per day");
  }
  return allow();
}

Decision check_recipient(std::string_view rcpt, bool suppressed, std::string_view reason) {
  if (!suppressed) {
    return allow();
  }
  std::string detail = "Recipient " + std::string(rcpt) + " is on the suppression list";
  if (!reason.empty()) {
    detail += " (reason: " + std::string(reason) + ")";
  }
  return decide(Code::RecipientSuppressed, std::move(detail));
}

Decision check_size(int64_t size_bytes, const SendRules& rules) {
  if (rules.max_message_size > 0 && size_bytes > rules.max_message_size) {
    return decide(Code::MessageTooLarge, std::to_string(size_bytes) + " > " +
                                             std::to_string(rules.max_message_size) + " bytes");
  }
  return allow();
}

}  // namespace ark::policy
