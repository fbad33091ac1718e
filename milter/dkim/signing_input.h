// What the DKIM signing stage collects while a message streams through ark-milter: every
// header field as libmilter hands it over (name and value apart, in order) and the
// running relaxed/SHA-256 body hash, fed chunk by chunk from the body callback so the body
// is never buffered for signing.
//
// A stage that later replaces the body (link rewriting) must not rely on `body`: the
// signing stage then hashes the replacement instead (see milter/stages/dkim_sign.h).
//
// Ownership: part of the per-message state; reset with it. Thread-safety: one message.
#pragma once

#include <cstdint>
#include <vector>

#include "milter/dkim/body_hasher.h"
#include "milter/dkim/header_selection.h"

namespace ark::milter::dkim {

struct SigningInput {
  std::vector<Header> headers;
  BodyHasher body;
  uint64_t body_bytes = 0;  // raw bytes fed, for the log line
};

}  // namespace ark::milter::dkim
