#include "admind/events/text.h"

#include <algorithm>

namespace ark::events {

namespace {

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 table), or 0.
size_t sequence_length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c >= 0x01 && c <= 0x7F) {
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    return cont(1) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2) || (c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F)) {
      return 0;
    }
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3) || (c == 0xF0 && b(1) < 0x90) ||
        (c == 0xF4 && b(1) > 0x8F)) {
      return 0;
    }
    return 4;
  }
  return 0;
}

}  // namespace

std::string valid_utf8(std::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (size_t i = 0; i < text.size();) {
    size_t n = sequence_length(text, i);
    size_t take = n == 0 ? 1 : n;
    if (out.size() + (n == 0 ? 1 : n) > max_bytes) {
      break;
    }
    if (n == 0) {
      out += '?';
    } else {
      out.append(text.substr(i, n));
    }
    i += take;
  }
  return out;
}

}  // namespace ark::events
