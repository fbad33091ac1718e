// URL parsing for the webhook transport: absolute http:// and https:// URLs only (RFC 3986
// §3, the subset webhook endpoints use).
//
// Refused on purpose: userinfo ("user:pass@host": credentials in URLs leak into logs and
// delivery records), spaces and control characters, an empty host, port 0 or > 65535. The
// fragment is dropped (it is never sent). The host is lower-cased; an IPv6 literal keeps its
// brackets in host_header and loses them in host.
//
// Ownership: values only. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ark::plugins::webhook {

struct Url {
  bool https = false;
  std::string host;         // name or IP literal, without brackets
  uint16_t port = 0;        // explicit or the scheme's default
  std::string target;       // path and query, at least "/"
  std::string host_header;  // value for the Host header (brackets, non-default port)
  bool host_is_ip = false;  // host is an IPv4 or IPv6 literal
};

// Returns the parsed URL, or nullopt with a one-line reason in *error.
std::optional<Url> parse_url(std::string_view text, std::string* error);

}  // namespace ark::plugins::webhook
