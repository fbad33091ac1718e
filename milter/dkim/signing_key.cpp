#include "milter/dkim/signing_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace ark::milter::dkim {
namespace {

constexpr int kMinRsaBits = 1024;

std::string openssl_error(std::string_view what) {
  std::string msg(what);
  unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    msg += ": ";
    msg += buf;
  }
  ERR_clear_error();
  return msg;
}

struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

base::Result<std::string> sign_rsa(EVP_PKEY* key, std::string_view digest) {
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1) {
    return base::Error::internal(openssl_error("dkim: rsa sign init"));
  }
  auto in = reinterpret_cast<const unsigned char*>(digest.data());
  size_t len = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, in, digest.size()) != 1) {
    return base::Error::internal(openssl_error("dkim: rsa sign size"));
  }
  std::string sig(len, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                    digest.size()) != 1) {
    return base::Error::internal(openssl_error("dkim: rsa sign"));
  }
  sig.resize(len);
  return sig;
}

base::Result<std::string> sign_ed25519(EVP_PKEY* key, std::string_view digest) {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) {
    return base::Error::internal(openssl_error("dkim: ed25519 sign init"));
  }
  std::string sig(64, '\0');
  size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(digest.data()), digest.size()) != 1) {
    return base::Error::internal(openssl_error("dkim: ed25519 sign"));
  }
  sig.resize(len);
  return sig;
}

}  // namespace

const char* signature_algorithm_name(KeyAlgorithm alg) {
  return alg == KeyAlgorithm::Ed25519 ? "ed25519-sha256" : "rsa-sha256";
}

void SigningKey::PkeyFree::operator()(evp_pkey_st* key) const {
  EVP_PKEY_free(key);
}

SigningKey::SigningKey(evp_pkey_st* key, KeyAlgorithm alg, int bits)
    : key_(key), algorithm_(alg), bits_(bits) {}

base::Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) {
    return base::Error::internal("dkim: BIO_new_mem_buf failed");
  }
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    return base::Error::invalid(openssl_error("dkim: private key PEM does not parse"));
  }
  std::unique_ptr<evp_pkey_st, PkeyFree> key(raw);
  int bits = EVP_PKEY_get_bits(raw);
  if (EVP_PKEY_is_a(raw, "ED25519")) {
    return SigningKey(key.release(), KeyAlgorithm::Ed25519, bits);
  }
  if (!EVP_PKEY_is_a(raw, "RSA")) {
    return base::Error::invalid("dkim: key is neither RSA nor Ed25519");
  }
  if (bits < kMinRsaBits) {
    return base::Error::invalid("dkim: RSA key shorter than 1024 bits");
  }
  return SigningKey(key.release(), KeyAlgorithm::Rsa, bits);
}

base::Result<std::string> SigningKey::sign_digest(std::string_view sha256_digest) const {
  if (sha256_digest.size() != 32) {
    return base::Error::internal("dkim: digest must be 32 bytes");
  }
  if (algorithm_ == KeyAlgorithm::Ed25519) {
    return sign_ed25519(key_.get(), sha256_digest);
  }
  return sign_rsa(key_.get(), sha256_digest);
}

}  // namespace ark::milter::dkim
