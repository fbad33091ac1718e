// The policy engine's decisions: what the send rules say about a tenant, a sender, a
// recipient or a message, and how each front end must answer it (design.md §2).
//
// A Decision carries its three faces at once, from one table (decision.cpp, kept equal to
// docs/policy-decisions.md by a unit test):
//   - the SMTP reply ark-milter or Postfix gives (code, enhanced code, fixed text);
//   - the REST API error admind answers with (HTTP status, error code), if it is an error;
//   - the email status the message gets ("pending", "held"; "" when no email is created).
// Texts are fixed strings, never built from client input, so nothing a client sends can
// reach an SMTP reply (style.md §4). Per-case facts (which domain, which limit) go in
// `detail`, for logs and held-email details only.
//
// Action: Allow (go on), Hold (accept the mail, keep it and mark it held: behaviour.md §1.2
// and Appendix C.6), Reject (refuse it now; nothing is recorded).
//
// Thread-safety: value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ark::policy {

enum class Code {
  Allow,
  TenantInactive,          // tenant suspended or archived (C.10)
  CredentialHeld,          // SMTP credential on hold (behaviour.md §13)
  CredentialUnknown,       // the SASL login names no usable credential any more
  SenderMissing,           // null or unparsable envelope sender
  SenderDomainForeign,     // sender domain is not a domain of this tenant
  SenderDomainUnverified,  // the tenant's domain, not verified yet
  FromNotAligned,          // From: header domain is not a verified domain of the tenant
  SandboxRecipient,        // sandbox sender, recipient not allowed (behaviour.md §1.5)
  SandboxDailyLimit,       // sandbox sender, daily sandbox allowance used up
  RecipientSuppressed,     // recipient on the tenant's suppression list (held)
  SendLimitExceeded,       // hourly/daily/monthly send limit reached (held)
  MessageTooLarge,         // over the configured message size
  BadTag,                  // X-Ark-Tag / tag breaks the tag rules
  BadMetadata,             // X-Ark-Metadata / metadata breaks the metadata rules
};

enum class Action { Allow, Hold, Reject };

struct SmtpReply {
  int code = 250;
  std::string enhanced;  // "5.7.1"
  std::string text;
};

struct ApiAnswer {
  int status = 200;        // HTTP status when the decision is an API error, else 200
  std::string error_code;  // empty: not an error (the email is created, maybe held)
};

struct Decision {
  Code code = Code::Allow;
  Action action = Action::Allow;
  SmtpReply smtp;
  ApiAnswer api;
  std::string email_status;  // "pending" | "held" | "" (no email is created)
  std::string detail;        // case facts for logs and held details; never sent over SMTP

  bool allowed() const { return action == Action::Allow; }
  bool held() const { return action == Action::Hold; }
  bool rejected() const { return action == Action::Reject; }
  // The stable token for logs and held reasons ("recipient_suppressed", ...).
  std::string_view reason() const;
};

// Builds the decision for `code` from the table. `detail` is kept as is.
Decision decide(Code code, std::string detail = {});
inline Decision allow() {
  return decide(Code::Allow);
}

// The decision whose SMTP reply Postfix passed back to a submitting client (code and fixed
// text found in `reply`), e.g. admind mapping a milter refusal to the API error.
std::optional<Decision> decision_for_reply(int code, std::string_view reply);

// The table itself, one row per Code, for the documentation test and for tooling.
struct DecisionRow {
  Code code;
  std::string_view token;
  Action action;
  int smtp_code;
  std::string_view smtp_enhanced;
  std::string_view smtp_text;
  int http_status;
  std::string_view api_error;  // "" when no API error
  std::string_view email_status;
};
const std::vector<DecisionRow>& decision_table();

std::string_view to_string(Action action);

}  // namespace ark::policy
