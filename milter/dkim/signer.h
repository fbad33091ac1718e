// DKIM signer (RFC 6376, with RFC 8463 for Ed25519): turns a message's header fields and
// body into the value of one DKIM-Signature header field.
//
// Fixed choices: v=1, c=relaxed/relaxed, SHA-256, no l= (a body-length limit would let
// anyone append content), no i=, no x=. a= follows the key (rsa-sha256 or ed25519-sha256).
// Signed headers: params.signed_headers (each present instance, last one first) plus one
// extra entry per name in params.oversigned_headers (From by default), see
// header_selection.h. The output is deterministic: the same input, key and timestamp give
// the same bytes (RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic), so goldens
// can pin it.
//
// The value is folded with params.eol + TAB; it does not include the "DKIM-Signature:"
// name. The caller prepends the header. ark-milter inserts it with smfi_insheader at index
// 0 and eol "\n": Postfix splits an inserted value at LF into lines and writes CRLF line
// ends itself (OpenDKIM strips CRs before inserting for the same reason). The choice of
// eol does not change the signature (see tag_folder.h).
//
// Ownership: inputs are borrowed for the duration of the call; the result is owned by the
// caller. Thread-safety: pure functions; a SigningKey may be shared between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "milter/dkim/header_selection.h"
#include "milter/dkim/signing_key.h"

namespace ark::milter::dkim {

struct SignParams {
  std::string domain;     // d=, e.g. "mail.example.com"
  std::string selector;   // s=, e.g. "ark-abc123"
  int64_t timestamp = 0;  // t=, Unix seconds (from the injected clock)
  std::vector<std::string> signed_headers = default_signed_headers();
  std::vector<std::string> oversigned_headers = default_oversigned_headers();
  std::string eol = "\r\n";  // line break used when folding the value
};

// Signs with a body hash computed by BodyHasher (32 raw bytes).
// Errors: Invalid for a message without From, an empty or malformed domain/selector, or a
// body hash of the wrong size; Internal if OpenSSL fails to sign.
base::Result<std::string> sign_with_body_hash(const std::vector<Header>& headers,
                                              std::string_view body_hash, const SigningKey& key,
                                              const SignParams& params);

// SHA-256 of what a signature covers (RFC 6376 §3.7): the selected header fields in
// relaxed form, bottom-up as chosen by select_headers, then the DKIM-Signature field
// itself in relaxed form with an empty b= and without its trailing CRLF.
// `unsigned_value` is the field's value ending in "b=". Exposed for known-answer tests.
std::string signed_data_hash(const HeaderSelection& sel, std::string_view unsigned_value);

// Convenience: hashes `body` (as received: CRLF or bare LF line ends) and signs.
base::Result<std::string> sign_message(const std::vector<Header>& headers, std::string_view body,
                                       const SigningKey& key, const SignParams& params);

}  // namespace ark::milter::dkim
