// BindTenant: the end-of-headers stage that binds an API-submitted message to its tenant
// and message row through the X-Ark-Binding header (format in core/mail/binding.h).
//
// Exactly one binding header must be present and verify; otherwise the message is
// rejected with 550 5.7.1 and one of three texts: "message is not bound to a tenant"
// (none), "invalid binding" (two or more, malformed, bad signature), "binding expired".
// The texts say nothing about which check failed beyond that, on purpose.
//
// Ownership: holds a copy of the secret; borrows the clock, which must outlive it.
// Thread-safety: immutable after construction; check() may run on many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "milter/decision.h"
#include "milter/message_state.h"

namespace ark::milter {

class BindTenant {
 public:
  BindTenant(std::string secret, int64_t max_age_s, const base::Clock& clock)
      : secret_(std::move(secret)), max_age_s_(max_age_s), clock_(clock) {}

  // Case-insensitive match on the header name, as RFC 5322 field names are.
  static bool is_binding_header(std::string_view name);

  // Verifies the collected binding values. On success sets state.bound and
  // state.binding and returns Continue; otherwise returns the Reject.
  Decision check(MessageState& state) const;

 private:
  std::string secret_;
  int64_t max_age_s_;
  const base::Clock& clock_;
};

}  // namespace ark::milter
