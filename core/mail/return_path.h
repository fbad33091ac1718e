// The VERP return path of outgoing mail: the envelope sender that brings a message's
// non-delivery reports back to admind (behaviour.md §2, NDR row; design.md §3 names the
// return-path host as config: admind's dns.return_path_host, ark-milter's
// bounces.return_path_host). admind sends API mail with it; ark-milter puts it on
// SMTP-submitted mail (MAIL FROM rewritten at end of message); admind's bounce intake
// parses it back.
//
//   <message id>.<tag>@<return-path host>
//   <message id>.<tag>+<rcpt local>=<rcpt domain>@<host>   after Postfix XVERP ("+=")
// tag = the first 10 hex digits of HMAC-SHA256(secret, "ark-rp|" + lower-cased message id):
// only admind can make valid return paths, so a forged report for a message id read from
// a Message-ID header is refused at RCPT time. Parsing is case-insensitive (some MTAs
// lower-case addresses); message ids are looked up with MySQL's _ci collation.
// The domain is not checked: Postfix routes only the return-path domains here.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ark::mail {

// Precondition: message_id matches [A-Za-z0-9_-]+ and secret is non-empty.
std::string make_return_path(std::string_view message_id, std::string_view host,
                             std::string_view secret);

struct ReturnPath {
  std::string message_id;
  std::optional<std::string> rcpt;  // from the XVERP suffix, when present
};

// nullopt when the address is not a return path made with this secret.
std::optional<ReturnPath> parse_return_path(std::string_view address, std::string_view secret);

}  // namespace ark::mail
