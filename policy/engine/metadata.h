// Email tag and metadata rules (api.md §2.14, §6.3), shared by the API send endpoints and
// the SMTP headers X-Ark-Tag / X-Ark-Metadata (behaviour.md Appendix C.7).
//
// Metadata: map<string,string>, at most 10 keys; keys 1-40 characters matching
// ^[a-zA-Z][a-zA-Z0-9_]*$; values 1-500 characters without control characters; the
// JSON-encoded object at most 4 KB. Tag: at most 1000 characters, no control characters.
// Lengths count UTF-8 code points, as the spec's limits are characters.
//
// parse_metadata_json reads the X-Ark-Metadata header: one JSON object whose values are all
// strings (RFC 8259 strings with every escape, \u surrogate pairs included). Duplicate keys
// are an error, not "last one wins", so a header cannot say two things.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace ark::policy {

using Metadata = std::vector<std::pair<std::string, std::string>>;  // in input order

inline constexpr size_t kMaxMetadataKeys = 10;
inline constexpr size_t kMaxMetadataKeyLength = 40;
inline constexpr size_t kMaxMetadataValueLength = 500;
inline constexpr size_t kMaxMetadataJsonBytes = 4096;
inline constexpr size_t kMaxTagLength = 1000;

// Errors: Invalid with a message naming the rule broken.
base::Result<Metadata> parse_metadata_json(std::string_view text);
base::Status validate_metadata(const Metadata& metadata);
base::Status validate_tag(std::string_view tag);

// Compact JSON object text ({"k":"v",...}) with RFC 8259 escaping.
std::string metadata_json(const Metadata& metadata);
size_t utf8_length(std::string_view s);

}  // namespace ark::policy
