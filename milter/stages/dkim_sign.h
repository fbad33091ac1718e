// DkimSign: the end-of-message stage that DKIM-signs the final message (RFC 6376,
// relaxed/relaxed, rsa-sha256, plus ed25519-sha256 per RFC 8463 when the domain has a
// published Ed25519 key and dkim.ed25519 is on). Signing is done by milter/dkim/.
//
// Stage order at end of message (MessageFilter): [rewrite slot: link rewriting, a later
// issue] -> sign -> record. Signing runs over the FINAL body: the body hash streamed from
// the body callback (MessageState::dkim) when nothing replaced the body, or the hash of
// `replaced_body` when a rewrite stage did. It runs before the queue id is recorded, so a
// signing failure that tempfails leaves the binding unused and the retry can succeed.
//
// Which key: the tenant the message is bound to (signing_tenant()), and the domain of the
// single From header. The tenant's verified domain equal to it, else its nearest verified
// parent (SigningKeys). Otherwise the message goes out unsigned with a logged reason:
//   no_tenant, no_from, several_from, from_unparsable, no_verified_domain, disabled.
// Errors (store unavailable, a key that does not unseal, OpenSSL failure) give
// dkim.on_error: "tempfail" (451 4.3.0, the default: better late than failing DMARC) or
// "unsigned" (log and deliver without a signature).
//
// Output: HeaderEdit::Insert of "DKIM-Signature" at index 0 (smfi_insheader), value folded
// with "\n" (Postfix writes the CRLFs; see milter/dkim/signer.h). One log line per message:
//   event=dkim qid=… tenant=… from_domain=… d=… s=… result=signed|unsigned|error reason=…
//
// Ownership: borrows the key finder and the clock (they outlive it). Thread-safety:
// immutable; run() may be called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "milter/decision.h"
#include "milter/message_state.h"
#include "milter/stages/signing_keys.h"

namespace ark::milter {

inline constexpr std::string_view kDkimHeader = "DKIM-Signature";

struct DkimSettings {
  bool enabled = true;
  bool ed25519 = true;                      // add the Ed25519 signature when a key is published
  bool tempfail_on_error = true;            // dkim.on_error: tempfail (true) / unsigned (false)
  std::vector<std::string> signed_headers;  // empty: dkim::default_signed_headers()
};

struct DkimOutcome {
  std::optional<Decision> failure;  // set: answer the message with this, add nothing
  std::vector<HeaderEdit> edits;    // the signatures to insert
};

// The tenant whose keys sign the message: the bound tenant of an API submission.
// (SMTP AUTH submissions set their tenant here too once the policy stage binds them.)
std::string signing_tenant(const MessageState& state);

class DkimSign {
 public:
  // keys may be null when signing is disabled.
  DkimSign(const SigningKeys* keys, DkimSettings settings, const base::Clock& clock)
      : keys_(keys), settings_(std::move(settings)), clock_(clock) {}

  // Whether headers and body must be collected for this stage at all.
  bool active() const { return keys_ != nullptr && settings_.enabled; }

  // Consumes state.dkim.body (the hasher is spent afterwards).
  DkimOutcome run(MessageState& state, const std::string* replaced_body = nullptr) const;

 private:
  DkimOutcome sign(MessageState& state, const DomainSigner& signer, const std::string& from,
                   const std::string* replaced_body) const;
  DkimOutcome error(const MessageState& state, const std::string& from_domain,
                    const std::string& what) const;

  const SigningKeys* keys_;
  DkimSettings settings_;
  const base::Clock& clock_;
};

// The domain of the message's single From header, lower case; or the reason why there is
// none (no_from, several_from, from_unparsable) in *reason. Exposed for tests.
std::optional<std::string> from_domain(const std::vector<dkim::Header>& headers,
                                       std::string* reason);

}  // namespace ark::milter
