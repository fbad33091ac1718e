// The internal binding header that ties an API-submitted message to its tenant and
// message row. admind adds it when it submits to the local Postfix; ark-milter verifies
// it and strips it, so it never leaves the machine.
//
//   X-Ark-Binding: v1; m=<message id>; t=<tenant id>; ts=<unix seconds>; s=<signature>
//
// signature = base64url(HMAC-SHA256(secret, "v1|<message id>|<tenant id>|<ts>")).
// Ids are restricted to [A-Za-z0-9_-] so the signed string is unambiguous. A binding is
// accepted only within max_age seconds of ts (and at most 60 s in the future), which
// bounds how long a captured header could be replayed; the message row must also still
// be waiting for its queue id (the milter checks that).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace ark::mail {

inline constexpr std::string_view kBindingHeader = "X-Ark-Binding";

struct Binding {
  std::string message_id;
  std::string tenant_id;
  int64_t timestamp = 0;
};

// Precondition: ids match [A-Za-z0-9_-]{1,64}; secret is non-empty.
std::string sign_binding(const Binding& b, std::string_view secret);

// Errors: Invalid for a malformed header or a bad signature, Permanent for an expired one.
base::Result<Binding> verify_binding(std::string_view header_value, std::string_view secret,
                                     int64_t now_s, int64_t max_age_s);

}  // namespace ark::mail
