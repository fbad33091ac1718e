// Small OpenSSL-backed primitives shared by the daemons: digests, HMAC, base64,
// random tokens, constant-time comparison, and the password hash used for secrets that
// are checked but never shown again.
//
// Ownership: every function takes and returns values; OpenSSL handles never escape.
// Thread-safety: all functions are safe to call concurrently (OpenSSL 3 is thread-safe).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace ark::crypto {

std::string sha256(std::string_view data);  // raw 32 bytes
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hex(std::string_view bytes);

std::string base64_encode(std::string_view bytes);
// Strict decode: rejects characters outside the alphabet and bad padding; ignores CR/LF.
base::Result<std::string> base64_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);  // no padding
base::Result<std::string> base64url_decode(std::string_view text);

std::string random_bytes(size_t n);  // from the OS CSPRNG via RAND_bytes
// n characters from [0-9a-z] (lower=true) or [0-9A-Za-z]; uniform (rejection sampling).
std::string random_alnum(size_t n, bool lower);
// n characters from the URL-safe alphabet [A-Za-z0-9_-].
std::string random_urlsafe(size_t n);

bool constant_time_equal(std::string_view a, std::string_view b);

// Password hashing for SMTP credentials and similar low-entropy secrets:
// "pbkdf2-sha256$<iterations>$<b64 salt>$<b64 hash>". verify_password is constant-time.
std::string hash_password(std::string_view password, int iterations = 100000);
bool verify_password(std::string_view password, std::string_view encoded);

}  // namespace ark::crypto
