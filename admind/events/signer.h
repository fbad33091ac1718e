// WebhookSigner: signs webhook request bodies and publishes the public keys as a JWKS.
//
// Scheme (spec/behaviour.md §3.6, what Ark's receivers verify):
//   X-Ark-Signature     = base64 (standard alphabet, padded) of an RSA-SHA256 signature with
//                         PKCS#1 v1.5 padding over the raw request body bytes, nothing else;
//   X-Ark-Signature-KID = the signing key's id.
// Key id: lower-case hex SHA-256 of the public key's DER SubjectPublicKeyInfo (64 chars).
// It depends only on the key, so every admind of a fleet derives the same kid.
// JWKS (RFC 7517/7518): {"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid","n","e"}]},
// n and e base64url without padding, big-endian, no leading zero bytes. Rotation: the
// active key signs; retired keys are still listed so receivers can verify deliveries signed
// before the switch (and replays of them) until the operator drops them.
//
// admind signs each payload once, before handing it to the transport plugin (style.md §7);
// replays and tests are signed again at send time.
//
// Ownership: SigningKey shares an immutable EVP_PKEY (OpenSSL 3); copies are cheap.
// Thread-safety: every const method may be called concurrently (each signature uses its own
// EVP_MD_CTX).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace ark::events {

inline constexpr std::string_view kSignatureHeader = "X-Ark-Signature";
inline constexpr std::string_view kSignatureKidHeader = "X-Ark-Signature-KID";

struct Signature {
  std::string base64;  // value of X-Ark-Signature
  std::string kid;     // value of X-Ark-Signature-KID
};

class SigningKey {
 public:
  // An RSA private key (PKCS#8 or traditional PEM) of at least 2048 bits. Errors: Invalid.
  static base::Result<SigningKey> from_private_pem(std::string_view pem);
  // An RSA public key (SubjectPublicKeyInfo PEM), for retired keys that are only published.
  static base::Result<SigningKey> from_public_pem(std::string_view pem);
  // A new RSA private key as unencrypted PKCS#8 PEM (rotation tooling). Errors: Internal.
  static base::Result<std::string> generate_private_pem(int bits = 2048);

  const std::string& kid() const { return kid_; }
  bool has_private() const { return has_private_; }
  int bits() const;
  std::string public_pem() const;
  // Errors: Invalid when the key has no private half, Internal when OpenSSL fails.
  base::Result<Signature> sign(std::string_view body) const;
  // This key as one JWK object.
  std::string jwk_json() const;

 private:
  SigningKey(std::shared_ptr<EVP_PKEY> key, bool has_private);
  static base::Result<SigningKey> adopt(EVP_PKEY* key, bool has_private);

  std::shared_ptr<EVP_PKEY> key_;
  bool has_private_ = false;
  std::string kid_;
};

class WebhookSigner {
 public:
  // active must hold a private key. Retired keys with the active key's kid are dropped.
  static base::Result<WebhookSigner> create(SigningKey active, std::vector<SigningKey> retired);

  base::Result<Signature> sign(std::string_view body) const { return active_.sign(body); }
  const std::string& active_kid() const { return active_.kid(); }
  // The document served at /.well-known/jwks.json: the active key first, then the retired.
  std::string jwks_json() const;

 private:
  WebhookSigner(SigningKey active, std::vector<SigningKey> retired);
  SigningKey active_;
  std::vector<SigningKey> retired_;
};

}  // namespace ark::events
