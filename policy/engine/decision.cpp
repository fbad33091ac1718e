#include "policy/engine/decision.h"

#include <cassert>

namespace ark::policy {
namespace {

// THE table. docs/policy-decisions.md shows the same rows; decision_doc_test compares them.
// Held mail is accepted (250) by Postfix; the milter keeps it (hold queue) and marks the
// email held. Texts are fixed: they reach SMTP clients verbatim.
const std::vector<DecisionRow> kTable = {
    {Code::Allow, "allow", Action::Allow, 250, "2.0.0", "Ok", 200, "", "pending"},
    {Code::TenantInactive, "tenant_inactive", Action::Reject, 550, "5.7.1",
     "Sending is disabled for this tenant", 403, "tenant_suspended", ""},
    {Code::CredentialHeld, "credential_held", Action::Hold, 250, "2.0.0",
     "Accepted and held: the credential is on hold", 200, "", "held"},
    {Code::CredentialUnknown, "credential_unknown", Action::Reject, 550, "5.7.1",
     "The SMTP credential is no longer valid", 401, "invalid_api_key", ""},
    {Code::SenderMissing, "sender_missing", Action::Reject, 553, "5.1.7",
     "A sender address is required", 400, "invalid_email_format", ""},
    {Code::SenderDomainForeign, "sender_domain_foreign", Action::Reject, 550, "5.7.1",
     "Sender domain is not a verified domain of this tenant", 422, "domain_not_verified", ""},
    {Code::SenderDomainUnverified, "sender_domain_unverified", Action::Reject, 550, "5.7.1",
     "Sender domain is not verified yet", 422, "domain_not_verified", ""},
    {Code::FromNotAligned, "from_not_aligned", Action::Reject, 550, "5.7.1",
     "From header domain is not a verified domain of this tenant", 422, "domain_not_verified", ""},
    {Code::SandboxRecipient, "sandbox_recipient", Action::Reject, 550, "5.7.1",
     "Sandbox mail may only go to the organisation's own addresses", 403, "sandbox_restricted", ""},
    {Code::SandboxDailyLimit, "sandbox_daily_limit", Action::Reject, 550, "5.7.1",
     "The daily sandbox allowance is used up", 403, "sandbox_restricted", ""},
    {Code::RecipientSuppressed, "recipient_suppressed", Action::Hold, 250, "2.0.0",
     "Accepted and held: the recipient is suppressed", 200, "", "held"},
    {Code::SendLimitExceeded, "send_limit_exceeded", Action::Hold, 250, "2.0.0",
     "Accepted and held: the send limit is reached", 200, "", "held"},
    {Code::MessageTooLarge, "message_too_large", Action::Reject, 552, "5.3.4",
     "Message size exceeds the limit", 413, "payload_too_large", ""},
    {Code::BadTag, "bad_tag", Action::Reject, 550, "5.6.0", "The tag breaks the tag rules", 400,
     "validation_error", ""},
    {Code::BadMetadata, "bad_metadata", Action::Reject, 550, "5.6.0",
     "The metadata breaks the metadata rules", 400, "validation_error", ""},
};

const DecisionRow& row_of(Code code) {
  for (const DecisionRow& row : kTable) {
    if (row.code == code) {
      return row;
    }
  }
  assert(false && "every Code has a row");
  return kTable.front();
}

}  // namespace

std::string_view Decision::reason() const {
  return row_of(code).token;
}

Decision decide(Code code, std::string detail) {
  const DecisionRow& row = row_of(code);
  Decision d;
  d.code = code;
  d.action = row.action;
  d.smtp = {row.smtp_code, std::string(row.smtp_enhanced), std::string(row.smtp_text)};
  d.api = {row.http_status, std::string(row.api_error)};
  d.email_status = std::string(row.email_status);
  d.detail = std::move(detail);
  return d;
}

const std::vector<DecisionRow>& decision_table() {
  return kTable;
}

std::optional<Decision> decision_for_reply(int code, std::string_view reply) {
  for (const DecisionRow& row : kTable) {
    if (row.smtp_code == code && row.action == Action::Reject &&
        reply.find(row.smtp_text) != std::string_view::npos) {
      return decide(row.code);
    }
  }
  return std::nullopt;
}

std::string_view to_string(Action action) {
  switch (action) {
    case Action::Allow:
      return "allow";
    case Action::Hold:
      return "hold";
    case Action::Reject:
      return "reject";
  }
  return "allow";
}

}  // namespace ark::policy
