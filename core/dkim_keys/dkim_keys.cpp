#include "core/dkim_keys/dkim_keys.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <strings.h>

#include <memory>

#include "core/crypto/crypto.h"

namespace ark::dkim_keys {
namespace {

struct Free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
  void operator()(BIO* b) const { BIO_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free>;

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

PkeyPtr generate(KeyType type) {
  const char* alg = type == KeyType::Ed25519 ? "ED25519" : "RSA";
  std::unique_ptr<EVP_PKEY_CTX, Free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, alg, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) {
    return nullptr;
  }
  if (type == KeyType::Rsa && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), kRsaBits) != 1) {
    return nullptr;
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &key) != 1) {
    return nullptr;
  }
  return PkeyPtr(key);
}

base::Result<std::string> public_bytes(EVP_PKEY* key, KeyType type) {
  if (type == KeyType::Ed25519) {
    std::string raw(32, '\0');
    size_t len = raw.size();
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1) {
      return base::Error::internal(openssl_error("dkim_keys: ed25519 public key"));
    }
    raw.resize(len);
    return raw;
  }
  int len = i2d_PUBKEY(key, nullptr);
  if (len <= 0) {
    return base::Error::internal(openssl_error("dkim_keys: rsa public key"));
  }
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(key, &p);
  return der;
}

}  // namespace

const char* key_type_name(KeyType type) {
  return type == KeyType::Ed25519 ? "ed25519" : "rsa";
}

base::Result<KeyType> parse_key_type(std::string_view text) {
  if (text.size() == 3 && strncasecmp(text.data(), "rsa", 3) == 0) {
    return KeyType::Rsa;
  }
  if (text.size() == 7 && strncasecmp(text.data(), "ed25519", 7) == 0) {
    return KeyType::Ed25519;
  }
  return base::Error::invalid("unknown DKIM key type (want rsa or ed25519)", "key_type");
}

base::Result<std::string> generate_private_key_pem(KeyType type) {
  PkeyPtr key = generate(type);
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (!key || !bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return base::Error::internal(openssl_error("dkim_keys: key generation"));
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

base::Result<PublicKey> public_key_from_private_pem(std::string_view pem) {
  std::unique_ptr<BIO, Free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    return base::Error::invalid(openssl_error("dkim_keys: private key PEM does not parse"));
  }
  PublicKey out;
  if (EVP_PKEY_is_a(key.get(), "ED25519")) {
    out.type = KeyType::Ed25519;
  } else if (!EVP_PKEY_is_a(key.get(), "RSA")) {
    return base::Error::invalid("dkim_keys: key is neither RSA nor Ed25519");
  }
  out.bits = EVP_PKEY_get_bits(key.get());
  auto bytes = public_bytes(key.get(), out.type);
  if (!bytes.ok()) {
    return bytes.error();
  }
  out.p = crypto::base64_encode(*bytes);
  return out;
}

std::string dns_txt_value(const PublicKey& key) {
  return std::string("k=") + key_type_name(key.type) + ";t=s;p=" + key.p;
}

std::vector<std::string> split_txt_strings(std::string_view value, size_t max_len) {
  std::vector<std::string> out;
  if (max_len == 0) {
    return out;
  }
  for (size_t i = 0; i < value.size(); i += max_len) {
    out.emplace_back(value.substr(i, max_len));
  }
  if (out.empty()) {
    out.emplace_back();  // an empty TXT record is one empty string
  }
  return out;
}

std::string zone_file_rdata(std::string_view value) {
  std::string out;
  for (const std::string& part : split_txt_strings(value)) {
    if (!out.empty()) {
      out += ' ';
    }
    out += '"';
    for (char c : part) {
      if (c == '"' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    out += '"';
  }
  return out;
}

}  // namespace ark::dkim_keys
