// CheckContent: the header stages of the send policy for SMTP-submitted mail.
//   collect (each header): From, Subject, Message-ID, X-Ark-Tag, X-Ark-Metadata and the
//     header size are kept in SendState.
//   run (end of headers):
//     - X-Ark-Tag sets the email's tag, X-Ark-Metadata (a JSON object) its metadata, with
//       the API's rules (policy/engine/metadata.h); a header given twice or breaking the
//       rules rejects the message (bad_tag, bad_metadata). Both headers are removed before
//       delivery (admit_message.h) — behaviour.md Appendix C.7.
//     - From alignment: the single From header's address must be of a verified domain of
//       the tenant (or the sandbox sender): from_not_aligned otherwise, also for a missing,
//       repeated or unparsable From.
// API mail is not checked here: admind built its From and tag/metadata itself.
//
// Ownership: borrows the store. Thread-safety: immutable; may run on many threads at once.
#pragma once

#include <string>
#include <string_view>

#include "milter/decision.h"
#include "milter/message_state.h"
#include "milter/stages/send_policy.h"
#include "milter/store/send_store.h"

namespace ark::milter {

inline constexpr std::string_view kTagHeader = "X-Ark-Tag";
inline constexpr std::string_view kMetadataHeader = "X-Ark-Metadata";

class CheckContent {
 public:
  CheckContent(SendStore& store, const SendPolicySettings& settings)
      : store_(store), settings_(settings) {}

  static void collect(SendState& send, std::string_view name, std::string_view value);
  Decision run(MessageState& state) const;

 private:
  Decision check_from(SendState& send) const;

  SendStore& store_;
  const SendPolicySettings& settings_;
};

// One line: folding (CR/LF) removed, outer blanks trimmed.
std::string unfold_header(std::string_view value);

}  // namespace ark::milter
