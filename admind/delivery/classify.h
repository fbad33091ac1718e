// Failure classification of a delivery attempt (api.md §2.12 enum, behaviour.md §1.6 and
// Appendix C.14): which of the spec's classes a failed attempt belongs to, from what
// Postfix logged (the outcome, the DSN status, the SMTP reply code and the reply text).
//
// The rules are one ordered table in classify.cpp; the first matching row wins. Keep every
// change there and in its table-driven test (tests/unit/admind/delivery/classify_test.cpp).
// Successful attempts have no classification.
//
// Thread-safety: pure functions over value types.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ark::admind::delivery {

enum class Outcome { Sent, Deferred, Bounced, Expired };

struct Classification {
  std::string name;  // "invalid_recipient", ... (api.md §2.12)
  int code = 99;     // 10..99

  bool operator==(const Classification&) const = default;
};

struct ClassifyInput {
  Outcome outcome = Outcome::Bounced;
  std::string_view dsn;          // RFC 3463 status as logged ("5.1.1"); may be empty
  std::optional<int> smtp_code;  // the remote server's reply code, when there was one
  std::string_view text;         // the reply text, or Postfix's own explanation
  bool no_relay = false;         // relay=none: no server was reached
};

// nullopt for Outcome::Sent; otherwise one of the spec's 13 classes.
std::optional<Classification> classify(const ClassifyInput& in);

// "temporarily_unavailable" -> "temporarily unavailable" (the form used in `details`).
std::string classification_words(std::string_view name);

}  // namespace ark::admind::delivery
