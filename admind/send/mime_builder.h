// MIME composition for API sends (RFC 5322, RFC 2045-2047): the message text that admind
// hands to the local Postfix, built from a SendSpec.
//
//   headers  From (display name RFC 2047-encoded when not ASCII), To, Cc (never Bcc),
//            Reply-To, Subject (RFC 2047 B-words when not ASCII), Date, Message-ID,
//            MIME-Version, the caller's extra headers, X-Ark-Binding (when given)
//   body     text/plain and/or text/html, UTF-8, quoted-printable; both: multipart/
//            alternative; with attachments: multipart/mixed around it, each attachment
//            base64 with its filename
// Lines end in CRLF and stay under 78 characters (address lists are folded), so the text
// can go to SMTP as is (the SMTP client does the dot-stuffing).
// Raw sends: with_binding() puts the binding header on top of a caller's message and
// normalises its line ends to CRLF; header_value() reads one header of such a message.
//
// Thread-safety: pure functions (boundaries come from the caller).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "admind/send/send_input.h"

namespace ark::admind::send {

struct MimeMeta {
  std::string message_id;  // "<...>"
  int64_t date_s = 0;
  std::string binding;         // X-Ark-Binding value; "" for none
  std::string boundary_token;  // unique text boundaries are made from
};

std::string build_mime(const SendSpec& spec, const MimeMeta& meta);

std::string with_binding(std::string_view raw, const std::string& binding);
// The first header `name` of a message (unfolded, trimmed); nullopt when absent.
std::optional<std::string> header_value(std::string_view message, std::string_view name);

std::string quoted_printable(std::string_view text);
std::string encode_word(std::string_view text);   // RFC 2047 "B" words when needed
std::string base64_lines(std::string_view data);  // 76-character lines, CRLF

}  // namespace ark::admind::send
