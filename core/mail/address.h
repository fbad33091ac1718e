// Email address checks for the API and the milter: a practical subset of RFC 5321/5322.
//
// addr-spec: dot-atom local part (RFC 5322 atext) or a quoted local part, 1-64 octets;
// a domain of LDH labels (1-63 each, no leading/trailing hyphen, at least two labels,
// UTF-8 labels allowed for IDN), at most 253 octets; whole address at most 254.
// mailbox: addr-spec, `Name <addr-spec>` or `"Quoted Name" <addr-spec>`.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/base/result.h"

namespace ark::mail {

struct Mailbox {
  std::string display;  // unquoted display name, may be empty
  std::string address;  // local@domain
  std::string domain;   // lower-cased
};

bool valid_address(std::string_view addr);
base::Result<Mailbox> parse_mailbox(std::string_view text);
std::string lower_domain(std::string_view addr);  // "A@B.COM" -> "A@b.com"

}  // namespace ark::mail
