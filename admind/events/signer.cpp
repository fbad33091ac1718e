#include "admind/events/signer.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/crypto/crypto.h"

namespace ark::events {

using base::Error;

namespace {

constexpr int kMinBits = 2048;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  char buf[256] = "unknown OpenSSL error";
  if (code != 0) {
    ERR_error_string_n(code, buf, sizeof buf);
  }
  return buf;
}

BioPtr memory_bio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

std::string public_der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0) {
    return {};
  }
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

// An RSA parameter (n or e) as big-endian bytes without leading zeros, base64url.
std::string rsa_param_b64url(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    return {};
  }
  BnPtr bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return crypto::base64url_encode(bytes);
}

}  // namespace

SigningKey::SigningKey(std::shared_ptr<EVP_PKEY> key, bool has_private)
    : key_(std::move(key)), has_private_(has_private) {
  kid_ = crypto::sha256_hex(public_der(key_.get()));
}

base::Result<SigningKey> SigningKey::adopt(EVP_PKEY* key, bool has_private) {
  if (key == nullptr) {
    return Error::invalid("not a PEM key: " + openssl_error());
  }
  std::shared_ptr<EVP_PKEY> owned(key, EVP_PKEY_free);
  if (!EVP_PKEY_is_a(key, "RSA")) {
    return Error::invalid("webhook signing keys must be RSA");
  }
  if (EVP_PKEY_get_bits(key) < kMinBits) {
    return Error::invalid("webhook signing keys need at least 2048 bits, this one has " +
                          std::to_string(EVP_PKEY_get_bits(key)));
  }
  return SigningKey(std::move(owned), has_private);
}

base::Result<SigningKey> SigningKey::from_private_pem(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  return adopt(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), true);
}

base::Result<SigningKey> SigningKey::from_public_pem(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  return adopt(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), false);
}

base::Result<std::string> SigningKey::generate_private_pem(int bits) {
  std::shared_ptr<EVP_PKEY> key(EVP_RSA_gen(static_cast<unsigned>(bits)), EVP_PKEY_free);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!key || !bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Error::internal("RSA key generation failed: " + openssl_error());
  }
  return drain(bio.get());
}

int SigningKey::bits() const {
  return EVP_PKEY_get_bits(key_.get());
}

std::string SigningKey::public_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    return {};
  }
  return drain(bio.get());
}

base::Result<Signature> SigningKey::sign(std::string_view body) const {
  if (!has_private_) {
    return Error::invalid("key " + kid_ + " is public only and cannot sign");
  }
  MdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md ||
      EVP_DigestSignInit_ex(md.get(), &pctx, "SHA256", nullptr, nullptr, key_.get(), nullptr) !=
          1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return Error::internal("signature setup failed: " + openssl_error());
  }
  size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(body.data());
  if (EVP_DigestSign(md.get(), nullptr, &len, data, body.size()) != 1) {
    return Error::internal("signature size failed: " + openssl_error());
  }
  std::string sig(len, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sig.data());
  if (EVP_DigestSign(md.get(), out, &len, data, body.size()) != 1) {
    return Error::internal("signing failed: " + openssl_error());
  }
  sig.resize(len);
  return Signature{crypto::base64_encode(sig), kid_};
}

std::string SigningKey::jwk_json() const {
  return R"({"kty":"RSA","use":"sig","alg":"RS256","kid":")" + kid_ + R"(","n":")" +
         rsa_param_b64url(key_.get(), OSSL_PKEY_PARAM_RSA_N) + R"(","e":")" +
         rsa_param_b64url(key_.get(), OSSL_PKEY_PARAM_RSA_E) + R"("})";
}

WebhookSigner::WebhookSigner(SigningKey active, std::vector<SigningKey> retired)
    : active_(std::move(active)), retired_(std::move(retired)) {}

base::Result<WebhookSigner> WebhookSigner::create(SigningKey active,
                                                  std::vector<SigningKey> retired) {
  if (!active.has_private()) {
    return Error::invalid("the active webhook signing key needs its private half");
  }
  std::vector<SigningKey> kept;
  for (SigningKey& key : retired) {
    bool duplicate = key.kid() == active.kid();
    for (const SigningKey& k : kept) {
      duplicate = duplicate || k.kid() == key.kid();
    }
    if (!duplicate) {
      kept.push_back(std::move(key));
    }
  }
  return WebhookSigner(std::move(active), std::move(kept));
}

std::string WebhookSigner::jwks_json() const {
  std::string out = R"({"keys":[)" + active_.jwk_json();
  for (const SigningKey& key : retired_) {
    out += "," + key.jwk_json();
  }
  return out + "]}";
}

}  // namespace ark::events
