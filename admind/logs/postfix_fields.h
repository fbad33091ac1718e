// Payload parsers behind parse_postfix_line (internal to admind/logs; the follower uses
// postfix_log.h). Each takes the text after "<QUEUEID>: " and returns its record, or
// std::nullopt when the payload is not of its kind. The building blocks (angle-bracketed
// addresses, host[addr]:port endpoints, parenthesised texts) are exposed for unit tests.
//
// Contract and thread-safety: as postfix_log.h (pure, total, no throw). Returned views point
// into the argument.
#pragma once

#include <optional>
#include <string_view>

#include "admind/logs/postfix_log.h"
#include "admind/logs/text_scan.h"

namespace ark::admind::logs::fields {

// At '<': consumes "<...>" and returns the inside. The closing '>' is the first one followed
// by the end of the text, ',', ' ', ';' or ':', outside a "quoted" local part (Postfix quotes
// local parts with special characters). nullopt, consuming nothing, when there is no such '>'.
std::optional<std::string_view> take_angle(scan::Scanner& s);

// "name[addr]:port" / "name[addr]" / "name" (relay=, client=). IPv6 addresses sit inside [ ].
struct Endpoint {
  std::string_view name;
  std::string_view addr;
  std::optional<int> port;
};
Endpoint split_endpoint(std::string_view text);

// `text` starts just after an opening '('. Returns the text up to the matching ')', counting
// nested pairs, when that ')' ends the text or is followed by ", key=". Otherwise (the reply
// had unbalanced parentheses) everything up to the last ')' of the text, or, when the text
// does not end with ')' (a truncated line), all of it. *consumed gets the bytes used,
// closing parenthesis included.
std::string_view paren_text(std::string_view text, size_t* consumed);

std::optional<RecordBody> parse_delivery(std::string_view payload);
std::optional<RecordBody> parse_qmgr_from(std::string_view payload);
std::optional<RecordBody> parse_smtpd_client(std::string_view payload);
std::optional<RecordBody> parse_pickup(std::string_view payload);
std::optional<RecordBody> parse_bounce_notice(std::string_view payload);
// "reject:", "milter-reject:", "discard:", "milter-discard:", "hold:", "milter-hold:".
std::optional<RecordBody> parse_action(std::string_view payload);
ActionContext parse_action_context(std::string_view text);

}  // namespace ark::admind::logs::fields
