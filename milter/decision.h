// Decisions: what a milter stage (or a whole callback) answers, independent of libmilter.
//
// A Decision is a verdict plus, for Reject and Tempfail, the SMTP reply Postfix should send
// (reply code, enhanced status code, text). The libmilter adapter (milter/smfi/) turns it
// into smfi_setreply + an sfsistat in one place; nothing else maps verdicts (style.md §4).
// Reply texts are fixed strings chosen here, never copied from the message, so nothing a
// client sends can reach the SMTP reply or break its syntax.
//
// HeaderEdit lists the header changes to apply at end of message, in order. Header
// indices are per header name (case-insensitive) and 1-based, as smfi_chgheader wants.
// Insert puts a header at a position among all headers (0 = on top), as smfi_insheader
// does; DKIM-Signature goes there. Quarantine is not a header change but the same kind of
// end-of-message action: it puts the message into Postfix's hold queue (smfi_quarantine,
// `value` is the reason Postfix logs); the send policy uses it for held mail.
// ChangeFrom replaces the envelope sender (smfi_chgfrom): the VERP return path that
// SMTP-submitted mail leaves with.
//
// Thread-safety: value types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ark::milter {

enum class Verdict { Continue, Accept, Reject, Tempfail };

const char* to_string(Verdict v);
// Parses the milter.on_internal_error values "tempfail", "accept", "reject".
bool parse_fail_action(std::string_view text, Verdict* out);

struct Decision {
  Verdict verdict = Verdict::Continue;
  std::string reply_code;     // "550"; empty for Continue/Accept
  std::string extended_code;  // "5.7.1"
  std::string text;           // human-readable reply text
  std::string reason;         // short stable token for the log line ("missing_binding", ...)

  static Decision proceed() { return {}; }
  static Decision accept(std::string reason) {
    return {Verdict::Accept, {}, {}, {}, std::move(reason)};
  }
  static Decision reject(std::string text, std::string reason) {
    return {Verdict::Reject, "550", "5.7.1", std::move(text), std::move(reason)};
  }
  static Decision tempfail(std::string text, std::string reason) {
    return {Verdict::Tempfail, "451", "4.3.0", std::move(text), std::move(reason)};
  }
  // The configured answer to an internal error (milter.on_internal_error).
  static Decision internal_error(Verdict action);

  bool is_final() const { return verdict != Verdict::Continue; }
};

struct HeaderEdit {
  enum class Kind { Delete, Add, Insert, Quarantine, ChangeFrom };
  Kind kind = Kind::Add;
  std::string name;
  int index = 0;      // Delete: which occurrence of `name`, 1-based; Insert: position
  std::string value;  // Add, Insert: the header value; Quarantine: the reason; ChangeFrom:
                      // the new envelope sender (a bare address)

  bool operator==(const HeaderEdit&) const = default;
};

// The answer at end of message: the decision plus the header edits to make before it
// (edits are only applied when the verdict is Continue or Accept).
struct EomResult {
  Decision decision;
  std::vector<HeaderEdit> edits;
};

}  // namespace ark::milter
