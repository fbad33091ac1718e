// Text clean-up for what a webhook receiver sends back before it is stored or shown:
// response bodies and transport errors are arbitrary bytes, the database columns are
// utf8mb4 with length limits.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ark::events {

// At most max_bytes bytes of valid UTF-8: every byte sequence that is not well-formed UTF-8
// (including one cut by a truncation, overlongs, surrogates and NUL) becomes '?'.
std::string valid_utf8(std::string_view text, size_t max_bytes);

}  // namespace ark::events
