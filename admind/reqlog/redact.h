// What of a request or response body the API request log may keep (api.md §3.15,
// behaviour.md §12): secrets are replaced before anything is stored, and bodies are cut
// at 25 KB with the marker "... [truncated]".
//
// Secrets are the values of JSON members named like a credential secret (`key`,
// `secret`, `password`, `smtpUsername` — it embeds the key —, `apiKey`, `privateKey`,
// `authorization`), compared without regard to case, at any depth. The Authorization
// header is never part of a body and is dropped by the dispatcher before logging.
//
// Thread-safety: pure functions.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ark::admind::reqlog {

inline constexpr size_t kMaxStoredBody = 25 * 1024;
inline constexpr std::string_view kTruncatedMarker = "... [truncated]";
inline constexpr std::string_view kRedacted = "[REDACTED]";

bool is_secret_field(std::string_view name);

// JSON text: the same document with secret values replaced (member order kept).
// Anything else (malformed JSON, CSV): secret-looking `"name": "value"` pairs are
// scrubbed textually, the rest is kept.
std::string redact_body(const std::string& text);

// At most kMaxStoredBody bytes (cut on a UTF-8 character boundary) plus the marker.
std::string truncate_body(const std::string& text);

struct StoredBody {
  std::optional<std::string> text;  // nullopt: no body
  std::optional<int64_t> size;      // original size in bytes
};
// Redacts, then truncates. An empty body is stored as no body.
StoredBody prepare_body(const std::string& raw);

// A stored body as the detail view returns it: a JSON value when the text is complete
// JSON, otherwise the text as a string.
Poco::Dynamic::Var body_value(const std::string& stored);

}  // namespace ark::admind::reqlog
