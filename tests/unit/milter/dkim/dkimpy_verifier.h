// Test support: checks a DKIM signature with dkimpy (Debian python3-dkim), an independent
// verifier, feeding it the public key through its dnsfunc hook so no DNS is involved.
//
// Also builds the wire form of a signed message the way Postfix sends it: the
// DKIM-Signature field on top, every line ending in CRLF (bare LF converted), and a final
// CRLF added to a body that lacks one (SMTP DATA always ends with a line end).
//
// Thread-safety: each call uses its own temporary directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "milter/dkim/header_selection.h"

namespace ark::milter::dkim::testing {

struct VerifyOutcome {
  bool verified = false;
  int exit_code = -1;  // 0 verified, 1 rejected, anything else: the verifier itself failed
  std::string log;     // dkimpy's debug log, for failure messages
};

// dns_name: "<selector>._domainkey.<domain>" (no trailing dot); txt: the TXT record value.
VerifyOutcome dkimpy_verify(const std::string& wire, const std::string& dns_name,
                            const std::string& txt);

std::string to_crlf(std::string_view text);
std::string wire_message(std::string_view signature_value, const std::vector<Header>& headers,
                         std::string_view body);

}  // namespace ark::milter::dkim::testing
