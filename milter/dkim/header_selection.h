// Which header fields a DKIM signature covers, and in which order they are hashed
// (RFC 6376 §5.4 and §5.4.2).
//
// For every name in the configured set, each present instance is listed in h= once; the
// verifier then takes instances from the bottom of the header block upwards, so we hash
// the LAST instance first. Names in `oversign` are listed once more than they occur: that
// extra entry matches no field and is hashed as nothing, which makes a verifier reject a
// copy of the message with one more such field prepended (RFC 6376 §8.15). From is always
// oversigned by default.
//
// Ownership: HeaderSelection points into the caller's header vector; it must not outlive
// it. Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"

namespace ark::milter::dkim {

// One header field as received (libmilter hands over name and value separately). The
// value may be folded with CRLF or bare LF and may keep or lose its leading space.
struct Header {
  std::string name;
  std::string value;
};

// Lower-case names, in the order they appear in h=.
std::vector<std::string> default_signed_headers();      // from, to, cc, subject, date, …
std::vector<std::string> default_oversigned_headers();  // from

struct HeaderSelection {
  std::vector<std::string> h_names;   // the h= list, lower case, with repeats
  std::vector<const Header*> picked;  // same length; nullptr where the entry is absent
};

// Errors: Invalid when the message has no From field or `signed_names` lacks "from"
// (RFC 6376 §5.4: From MUST be signed).
base::Result<HeaderSelection> select_headers(const std::vector<Header>& headers,
                                             const std::vector<std::string>& signed_names,
                                             const std::vector<std::string>& oversigned);

}  // namespace ark::milter::dkim
