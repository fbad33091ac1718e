#include "milter/decision.h"

namespace ark::milter {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Continue:
      return "continue";
    case Verdict::Accept:
      return "accept";
    case Verdict::Reject:
      return "reject";
    case Verdict::Tempfail:
      return "tempfail";
  }
  return "continue";
}

bool parse_fail_action(std::string_view text, Verdict* out) {
  if (text == "tempfail") {
    *out = Verdict::Tempfail;
  } else if (text == "accept") {
    *out = Verdict::Accept;
  } else if (text == "reject") {
    *out = Verdict::Reject;
  } else {
    return false;
  }
  return true;
}

Decision Decision::internal_error(Verdict action) {
  switch (action) {
    case Verdict::Accept:
      return accept("internal_error");
    case Verdict::Reject:
      return {Verdict::Reject, "550", "5.3.0", "internal error", "internal_error"};
    case Verdict::Continue:
    case Verdict::Tempfail:
      break;
  }
  return {Verdict::Tempfail, "451", "4.3.0", "internal error, try again later", "internal_error"};
}

}  // namespace ark::milter
