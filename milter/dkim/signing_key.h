// A DKIM private key ready to sign: RSA (rsa-sha256, RFC 6376 §3.3.1) or Ed25519
// (ed25519-sha256, RFC 8463), loaded from PEM.
//
// Both algorithms sign the SHA-256 hash of the canonical header data: RSA as
// RSASSA-PKCS1-v1_5 with a SHA-256 DigestInfo (what signing the data with SHA-256 yields),
// Ed25519 as PureEdDSA over the 32 hash bytes, which is exactly what RFC 8463 §3 asks for.
//
// Ownership: owns one EVP_PKEY. Thread-safety: after construction the key is immutable;
// sign_digest() may be called from many threads at once (OpenSSL 3 keys are safe for
// concurrent read use; each call makes its own context). Share it as
// shared_ptr<const SigningKey>.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/base/result.h"

struct evp_pkey_st;

namespace ark::milter::dkim {

enum class KeyAlgorithm { Rsa, Ed25519 };

// "rsa-sha256" / "ed25519-sha256": the a= tag value.
const char* signature_algorithm_name(KeyAlgorithm alg);

class SigningKey {
 public:
  // Accepts PKCS#8 ("BEGIN PRIVATE KEY") and traditional RSA ("BEGIN RSA PRIVATE KEY") PEM.
  // Errors: Invalid for unparsable PEM, an unsupported key type, or RSA shorter than
  // 1024 bits (verifiers reject those, RFC 8301 §3.2).
  static base::Result<SigningKey> from_pem(std::string_view pem);

  KeyAlgorithm algorithm() const { return algorithm_; }
  int bits() const { return bits_; }

  // Signs a 32-byte SHA-256 digest; returns the raw signature bytes.
  // Errors: Internal when OpenSSL fails (should not happen with a loaded key).
  base::Result<std::string> sign_digest(std::string_view sha256_digest) const;

 private:
  struct PkeyFree {
    void operator()(evp_pkey_st* key) const;
  };
  SigningKey(evp_pkey_st* key, KeyAlgorithm alg, int bits);

  std::unique_ptr<evp_pkey_st, PkeyFree> key_;
  KeyAlgorithm algorithm_;
  int bits_;
};

}  // namespace ark::milter::dkim
