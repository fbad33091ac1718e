// The send rules as pure functions over value types (design.md §2): what may a tenant send,
// from which sender, to whom, how big. The milter calls them at the cheapest SMTP stage
// (MAIL: tenant, credential, sender; RCPT: recipient; end of message: From alignment, size)
// and admind's send endpoints call the same functions before submitting, so both paths
// decide alike. Lookups (is this domain verified? is this address suppressed?) are done by
// the caller's store and passed in as facts; nothing here does I/O.
//
// Sandbox (behaviour.md §1.5): mail from the configured sandbox sender needs no verified
// domain, may only go to the configured organisation addresses (exact addresses, or
// "@domain" for a whole domain), and counts against a per-tenant daily allowance.
//
// Thread-safety: pure functions; SendRules is an immutable value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/engine/decision.h"

namespace ark::policy {

enum class TenantStatus { Active, Suspended, Archived };

// "active" | "suspended" | "archived"; anything else is treated as Suspended (fail closed).
TenantStatus parse_tenant_status(std::string_view text);

struct CredentialFacts {
  int64_t id = 0;
  std::string tenant_id;
  bool hold = false;
};

// What the store knows about one domain for one tenant.
struct DomainFacts {
  bool owned = false;     // the tenant has added this domain
  bool verified = false;  // ... and it is verified
};

struct SandboxRules {
  std::string sender = "sandbox@arkhq.io";  // compared case-insensitively
  std::vector<std::string> recipients;      // "a@b.example" or "@b.example"
  int64_t daily_limit = 10;
};

struct SendRules {
  int64_t max_message_size = 14 * 1024 * 1024;  // bytes; 0 = no limit of our own
  SandboxRules sandbox;
};

Decision check_tenant(TenantStatus status);
// nullopt: the login names no smtp credential (deleted or renamed since AUTH).
Decision check_credential(const std::optional<CredentialFacts>& credential);

// The domain part of an address, lower-cased; "" when there is none.
std::string domain_of(std::string_view address);
bool is_sandbox_sender(std::string_view address, const SandboxRules& rules);

// The envelope sender (or the API's `from` address). Sandbox senders pass here; their
// recipients are checked by check_sandbox_recipient.
Decision check_sender(std::string_view address, const DomainFacts& domain,
                      const SandboxRules& rules);
// The From: header's address at end of headers: the same ownership rule, reported as
// FromNotAligned.
Decision check_from_header(std::string_view address, const DomainFacts& domain,
                           const SandboxRules& rules);
Decision check_sandbox_recipient(std::string_view rcpt, const SandboxRules& rules);
// used: sandbox mail already sent today by the tenant; count: recipients of this message.
Decision check_sandbox_allowance(int64_t used, int64_t count, const SandboxRules& rules);

// reason: the suppression's reason, for the held details.
Decision check_recipient(std::string_view rcpt, bool suppressed, std::string_view reason = {});
Decision check_size(int64_t size_bytes, const SendRules& rules);

}  // namespace ark::policy
