// DKIM key material for admind: key generation (RSA-2048, Ed25519 per RFC 8463), PEM in
// and out, and the public key as a DNS TXT record (RFC 6376 §3.6.1).
//
// TXT value format: "k=rsa;t=s;p=<base64>" / "k=ed25519;t=s;p=<base64>", the shape the API
// contract shows for dnsRecords.dkim.value (spec/behaviour.md §9.1). v= is optional in
// RFC 6376 and left out to match; t=s is harmless because we never sign with an i= that
// differs from d=. p= holds, for RSA, the DER SubjectPublicKeyInfo (what every verifier
// accepts, "MIIB…"), and for Ed25519 the raw 32-byte public key (RFC 8463 §4).
//
// A TXT record's character-strings hold at most 255 bytes each (RFC 1035 §3.3.14); a
// 2048-bit key record is ~410 bytes, so zone files need it split into several strings,
// which resolvers and verifiers concatenate (RFC 6376 §3.6.2.2).
//
// Ownership: value types only; private keys leave as PEM strings (the caller seals them).
// Thread-safety: pure functions (OpenSSL 3 key generation is thread-safe).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace ark::dkim_keys {

enum class KeyType { Rsa, Ed25519 };

inline constexpr int kRsaBits = 2048;

// "rsa" / "ed25519": the k= tag value.
const char* key_type_name(KeyType type);
// Accepts "rsa" and "ed25519" (case-insensitive). Errors: Invalid.
base::Result<KeyType> parse_key_type(std::string_view text);

// A fresh private key as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"); RSA keys are 2048-bit.
// Errors: Internal when OpenSSL fails.
base::Result<std::string> generate_private_key_pem(KeyType type);

struct PublicKey {
  KeyType type = KeyType::Rsa;
  int bits = 0;
  std::string p;  // base64 value of the p= tag
};

// Reads a private key PEM (PKCS#8 or traditional RSA) and derives its DNS public key.
// Errors: Invalid for unparsable PEM or a key that is neither RSA nor Ed25519.
base::Result<PublicKey> public_key_from_private_pem(std::string_view pem);

// "k=rsa;t=s;p=…" (see the header comment).
std::string dns_txt_value(const PublicKey& key);

// Splits a TXT value into character-strings of at most max_len bytes (in order).
std::vector<std::string> split_txt_strings(std::string_view value, size_t max_len = 255);

// Zone-file rdata: each character-string quoted, separated by one space, with '"' and '\'
// escaped, e.g. "k=rsa;t=s;p=MIIB…" "…rest". Ready for "name IN TXT <rdata>".
std::string zone_file_rdata(std::string_view value);

}  // namespace ark::dkim_keys
