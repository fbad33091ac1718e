// The webhook request admind builds and signs (spec/behaviour.md §3.2, §3.6, api.md
// Appendix A): the JSON envelope around an event's payload and the request headers.
//
// Envelope, members in this order:
//   tenant webhooks:   {"event":…,"timestamp":…,"uuid":…,"payload":{…}}
//   platform webhooks: {"event":…,"tenant_id":…,"timestamp":…,"uuid":…,"payload":{…}}
// timestamp: Unix seconds with six decimals (a JSON number, e.g. 1704672000.123456), the
// time the event happened; uuid: the event's, stable across retries. The payload text
// comes from the outbox and is inserted byte for byte, so what was recorded is what is
// signed and sent. Sinks (jsonl and other SINK plugins) get the platform form: they see
// every tenant's events.
//
// Headers: Content-Type: application/json, User-Agent, X-Ark-Signature (base64 RSA-SHA256,
// PKCS#1 v1.5, over the body bytes) and X-Ark-Signature-KID. Nothing else is signed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "admind/events/plugin_host.h"
#include "admind/events/signer.h"

namespace ark::events {

inline constexpr std::string_view kUserAgent = "Ark-Webhooks/1.0 (ark-admind)";

struct EnvelopeFields {
  std::string_view event;
  std::optional<std::string_view> tenant_id;  // set: the platform form
  int64_t timestamp_us = 0;
  std::string_view uuid;
  std::string_view payload_json;  // a JSON object's text; inserted verbatim
};

std::string build_envelope(const EnvelopeFields& fields);

// A JSON string literal (quotes included) with the mandatory escapes; bytes >= 0x80 are
// copied, so valid UTF-8 stays valid.
std::string json_string(std::string_view text);

// "1704672000.123456" for 1704672000123456 µs.
std::string format_unix_seconds(int64_t unix_us);

// The envelope with the value of its top-level "timestamp" member replaced (replay: "a new
// timestamp"); every other byte is kept. nullopt when the text is not a JSON object with a
// numeric top-level timestamp.
std::optional<std::string> replace_timestamp(std::string_view envelope, int64_t unix_us);

// The headers sent with a body signed as `signature`, in the order sent.
StringPairs webhook_headers(const Signature& signature);

// The headers as a JSON object's text (for the attempt record's request_headers).
std::string headers_json(const StringPairs& headers);

}  // namespace ark::events
