#include "admind/send/mime_builder.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <vector>

#include "core/base/clock.h"
#include "core/crypto/crypto.h"

namespace ark::admind::send {
namespace {

constexpr const char* kCrlf = "\r\n";

bool ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || (c < 0x20 && c != '\t')) {
      return false;
    }
  }
  return true;
}

// "Name <addr>" with the name encoded when needed; a bare address stays as it is.
std::string mailbox_header(const std::string& given) {
  auto mb = mail::parse_mailbox(given);
  if (!mb || mb->display.empty()) {
    return mb ? mb->address : given;
  }
  if (ascii(mb->display)) {
    std::string quoted = "\"";
    for (char c : mb->display) {
      if (c == '"' || c == '\\') {
        quoted += '\\';
      }
      quoted += c;
    }
    return quoted + "\" <" + mb->address + ">";
  }
  return encode_word(mb->display) + " <" + mb->address + ">";
}

// "Name: a, b, c" folded after each comma once a line grows long; an address given twice
// (any case) is listed once.
std::string address_list(const char* name, const std::vector<std::string>& given) {
  std::vector<std::string> list;
  std::set<std::string> seen;
  for (const auto& a : given) {
    std::string key = a;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (seen.insert(key).second) {
      list.push_back(a);
    }
  }
  std::string out = std::string(name) + ": ";
  size_t line = out.size();
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) {
      out += ",";
      ++line;
      if (line + list[i].size() > 76) {
        out += "\r\n";
        line = 0;
      }
      out += " ";
      ++line;
    }
    out += list[i];
    line += list[i].size();
  }
  return out + kCrlf;
}

std::string text_part(const std::string& body, const char* subtype) {
  return std::string("Content-Type: text/") + subtype + "; charset=utf-8\r\n" +
         "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + quoted_printable(body) + kCrlf;
}

std::string multipart(const std::string& kind, const std::string& boundary,
                      const std::vector<std::string>& parts) {
  std::string out = "Content-Type: multipart/" + kind + "; boundary=\"" + boundary + "\"\r\n\r\n";
  for (const auto& p : parts) {
    out += "--" + boundary + kCrlf + p;
  }
  return out + "--" + boundary + "--" + kCrlf;
}

std::string attachment_part(const Attachment& a) {
  std::string name = ascii(a.filename) ? a.filename : encode_word(a.filename);
  return "Content-Type: " + a.content_type + "; name=\"" + name + "\"\r\n" +
         "Content-Disposition: attachment; filename=\"" + name + "\"\r\n" +
         "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(a.data);
}

std::string body_of(const SendSpec& s, const std::string& token) {
  std::string content;
  if (!s.html.empty() && !s.text.empty()) {
    content = multipart("alternative", "=_alt_" + token,
                        {text_part(s.text, "plain"), text_part(s.html, "html")});
  } else {
    content = s.html.empty() ? text_part(s.text, "plain") : text_part(s.html, "html");
  }
  if (s.attachments.empty()) {
    return content;
  }
  std::vector<std::string> parts = {content};
  for (const auto& a : s.attachments) {
    parts.push_back(attachment_part(a));
  }
  return multipart("mixed", "=_mix_" + token, parts);
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      continue;
    }
    if (c == '\n') {
      out += kCrlf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string encode_word(std::string_view text) {
  if (ascii(text)) {
    return std::string(text);
  }
  // At most 45 input bytes per word (60 base64 chars + 12 of "=?UTF-8?B?...?="), never
  // splitting a UTF-8 sequence.
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) {
      out += "\r\n ";
    }
    out += "=?UTF-8?B?" + crypto::base64_encode(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  size_t line = 0;
  auto put = [&](const std::string& piece) {
    if (line + piece.size() > 75) {
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  std::string normal = crlf_lines(text);
  for (size_t i = 0; i < normal.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(normal[i]);
    bool at_eol = i + 1 >= normal.size() || normal[i + 1] == '\r';
    if (c == '\r' && i + 1 < normal.size() && normal[i + 1] == '\n') {
      out += kCrlf;
      line = 0;
      ++i;
      continue;
    }
    if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_eol)) {
      put(std::string(1, static_cast<char>(c)));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "=%02X", c);
      put(buf);
    }
  }
  return out;
}

std::string base64_lines(std::string_view data) {
  std::string b64 = crypto::base64_encode(data);
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) {
    out += b64.substr(i, 76) + kCrlf;
  }
  return out;
}

std::string build_mime(const SendSpec& s, const MimeMeta& meta) {
  std::string out;
  if (!meta.binding.empty()) {
    out += "X-Ark-Binding: " + meta.binding + kCrlf;
  }
  out += "From: " + mailbox_header(s.from_text) + kCrlf;
  out += address_list("To", s.to);
  if (!s.cc.empty()) {
    out += address_list("Cc", s.cc);
  }
  if (s.reply_to) {
    out += "Reply-To: " + mailbox_header(*s.reply_to) + kCrlf;
  }
  out += "Subject: " + encode_word(s.subject) + kCrlf;
  out += "Date: " + base::format_rfc5322_date(meta.date_s) + kCrlf;
  out += "Message-ID: " + meta.message_id + kCrlf;
  out += "MIME-Version: 1.0\r\n";
  for (const auto& [name, value] : s.headers) {
    out += name + ": " + (ascii(value) ? value : encode_word(value)) + kCrlf;
  }
  return out + body_of(s, meta.boundary_token);
}

std::string with_binding(std::string_view raw, const std::string& binding) {
  return "X-Ark-Binding: " + binding + kCrlf + crlf_lines(raw);
}

std::optional<std::string> header_value(std::string_view message, std::string_view name) {
  std::string text = crlf_lines(message);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos || end == pos) {
      return std::nullopt;  // end of headers
    }
    std::string_view line(text.data() + pos, end - pos);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string value(line.substr(name.size() + 1));
      while (end + 2 < text.size() && (text[end + 2] == ' ' || text[end + 2] == '\t')) {
        size_t next = text.find("\r\n", end + 2);
        value += text.substr(end + 2, next - end - 2);
        end = next;
      }
      size_t b = value.find_first_not_of(" \t");
      size_t e = value.find_last_not_of(" \t");
      return b == std::string::npos ? std::string() : value.substr(b, e - b + 1);
    }
    pos = end + 2;
  }
  return std::nullopt;
}

}  // namespace ark::admind::send
