// SendService: admind's send path (design.md §6 step 1) for POST /emails, /emails/batch and
// /emails/raw. For each message:
//   1. the tenant (behaviour.md Appendix C.15): a tenant-scoped key's own (a different
//      tenantId is 403); an organisation key's tenantId; else the tenant whose verified
//      domain the `from` address uses; else api.default_tenant; else 422 domain_not_verified;
//   2. the policy engine, the same rules ark-milter applies: tenant active, sender domain
//      verified (or the sandbox sender, then sandbox recipients and the daily allowance),
//      the From header of a raw message, size; a refusal is the engine's API error;
//   3. recipients the tenant suppresses are kept, not sent: they go in a submission of their
//      own, which ark-milter puts in Postfix's hold queue (their emails become `held`);
//   4. one messages row per submission (the stored MIME without the binding, tag, metadata)
//      and one pending email per recipient, then every submission of the call goes to
//      Postfix over ONE SMTP session (SmtpBatch); ark-milter counts the send limit
//      atomically and holds what does not fit;
//   5. a submission Postfix refused is removed again; a refusal by the milter is mapped back
//      to the engine's API error (decision_for_reply), a 4xx or no answer to 503.
// The answer names the first `to` recipient's email and every recipient accepted.
//
// Ownership: borrows the store, the SMTP client and the clock. Thread-safety: safe to call
// from many request threads (it keeps no state).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "admind/http/api_error.h"
#include "admind/http/request.h"
#include "admind/send/send_input.h"
#include "admind/send/send_store.h"
#include "admind/send/smtp_batch.h"
#include "core/base/clock.h"
#include "policy/engine/policy_config.h"

namespace ark::admind::send {

struct SendSettings {
  std::string binding_secret;
  std::string message_id_domain;
  std::string default_tenant;
  policy::SendPolicy policy;
  // Host of the VERP envelope sender (core/mail/return_path.h) the mail is submitted with,
  // so its non-delivery reports come back to the bounce intake; empty: the `from` address.
  std::string return_path_host;
};

struct Accepted {
  std::string id;               // email id of the first `to` recipient
  std::vector<std::string> to;  // every accepted recipient, in envelope order
  std::string message_id_hdr;
  std::string tenant_id;
  bool sandbox = false;
};

using SendResult = std::variant<Accepted, http::ApiError>;

class SendService {
 public:
  SendService(SendStore& store, const SmtpBatch& smtp, const base::Clock& clock,
              SendSettings settings)
      : store_(store), smtp_(smtp), clock_(clock), settings_(std::move(settings)) {}

  SendResult send(const SendSpec& spec, const http::Principal& who);
  // Every spec in one SMTP session; results in the same order.
  std::vector<SendResult> send_many(const std::vector<const SendSpec*>& specs,
                                    const http::Principal& who);
  // The tenant's hourly window now, for the X-SendLimit-* headers; nullopt on store trouble.
  std::optional<policy::Window> hourly(const std::string& tenant_id);

 private:
  struct Part {
    NewSubmission record;
    Envelope envelope;
    std::vector<std::string> email_ids;
  };
  struct Plan {
    std::string tenant_id;
    bool sandbox = false;
    std::string message_id_hdr;
    std::string first_to;
    std::vector<Part> parts;
  };

  std::variant<Plan, http::ApiError> prepare(const SendSpec& spec, const http::Principal& who);
  std::variant<std::string, http::ApiError> resolve_tenant(const SendSpec& spec,
                                                           const http::Principal& who);
  std::optional<http::ApiError> check(const SendSpec& spec, const std::string& tenant,
                                      bool* sandbox);
  std::optional<http::ApiError> check_domains(const SendSpec& spec, const std::string& tenant);
  std::optional<http::ApiError> check_sandbox(const SendSpec& spec, const std::string& tenant);
  Part make_part(const SendSpec& spec, const Plan& plan, std::vector<NewRecipient> rcpts);
  SendResult settle(Plan& plan, const std::vector<SubmitOutcome>& outcomes, size_t first);

  SendStore& store_;
  const SmtpBatch& smtp_;
  const base::Clock& clock_;
  SendSettings settings_;
};

// An engine decision as the API error it maps to (its table row's status and code).
http::ApiError api_error_of(const policy::Decision& d);

}  // namespace ark::admind::send
