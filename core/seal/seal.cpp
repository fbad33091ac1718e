#include "core/seal/seal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/crypto/crypto.h"

namespace ark::seal {
namespace {

constexpr std::string_view kPrefix = "v1:";
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherCtx new_ctx() {
  return CipherCtx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
}

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string trim(std::string s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.back()) != nullptr) {
    s.pop_back();
  }
  size_t start = s.find_first_not_of(" \t\r\n");
  return start == std::string::npos ? std::string() : s.substr(start);
}

// Parses "v1:<nonce>:<ct||tag>" into its decoded parts.
base::Status split_sealed(std::string_view sealed, std::string* nonce, std::string* body) {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) {
    return base::Error::invalid("seal: not a v1 sealed value");
  }
  sealed.remove_prefix(kPrefix.size());
  size_t colon = sealed.find(':');
  if (colon == std::string_view::npos) {
    return base::Error::invalid("seal: missing ciphertext part");
  }
  auto n = crypto::base64_decode(sealed.substr(0, colon));
  auto b = crypto::base64_decode(sealed.substr(colon + 1));
  if (!n.ok() || !b.ok() || n->size() != kNonceSize || b->size() < kTagSize) {
    return base::Error::invalid("seal: malformed nonce or ciphertext");
  }
  *nonce = std::move(*n);
  *body = std::move(*b);
  return base::Status::success();
}

}  // namespace

SealKey::~SealKey() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

base::Result<SealKey> SealKey::from_bytes(std::string_view raw) {
  if (raw.size() != kSize) {
    return base::Error::invalid("seal: key must be 32 bytes");
  }
  SealKey k;
  std::memcpy(k.bytes_.data(), raw.data(), kSize);
  return k;
}

base::Result<SealKey> SealKey::load_file(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return base::Error::not_found("seal: key file " + path + " does not exist");
    }
    return base::Error::invalid("seal: cannot stat key file " + path + ": " + strerror(errno));
  }
  if ((st.st_mode & 007) != 0) {
    return base::Error::invalid("seal: key file " + path + " is accessible to other users");
  }
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  if (!f) {
    return base::Error::invalid("seal: cannot read key file " + path);
  }
  std::string content = ss.str();
  if (content.size() == kSize) {
    return from_bytes(content);
  }
  auto decoded = crypto::base64_decode(trim(content));
  if (!decoded.ok() || decoded->size() != kSize) {
    return base::Error::invalid("seal: key file " + path +
                                " must hold 32 bytes, raw or base64-encoded");
  }
  auto key = from_bytes(*decoded);
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return key;
}

SealKey SealKey::generate() {
  std::string raw = crypto::random_bytes(kSize);
  SealKey k = from_bytes(raw).value();
  OPENSSL_cleanse(raw.data(), raw.size());
  return k;
}

std::string SealKey::to_base64() const {
  return crypto::base64_encode(
      std::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size()));
}

std::string seal_with_nonce_for_test(const SealKey& key, std::string_view plaintext,
                                     std::string_view nonce, std::string_view context) {
  if (nonce.size() != kNonceSize) {
    std::abort();  // test misuse
  }
  CipherCtx ctx = new_ctx();
  std::string out(plaintext.size() + kTagSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int fin = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1;
  ok = ok && EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes_.data(), u8(nonce)) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(context),
                               static_cast<int>(context.size())) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), o, &len, u8(plaintext),
                               static_cast<int>(plaintext.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), o + len, &fin) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, o + len + fin) == 1;
  if (!ok) {
    std::abort();  // impossible with a 32-byte key and a 12-byte nonce: crash (style.md §4)
  }
  return std::string(kPrefix) + crypto::base64_encode(nonce) + ":" + crypto::base64_encode(out);
}

std::string seal(const SealKey& key, std::string_view plaintext, std::string_view context) {
  return seal_with_nonce_for_test(key, plaintext, crypto::random_bytes(kNonceSize), context);
}

base::Result<std::string> unseal(const SealKey& key, std::string_view sealed,
                                 std::string_view context) {
  std::string nonce;
  std::string body;
  if (auto st = split_sealed(sealed, &nonce, &body); !st.ok()) {
    return st.error();
  }
  size_t ct_len = body.size() - kTagSize;
  std::string out(ct_len, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  CipherCtx ctx = new_ctx();
  int len = 0;
  int fin = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1;
  ok = ok && EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes_.data(), u8(nonce)) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(context),
                               static_cast<int>(context.size())) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), o, &len, u8(body), static_cast<int>(ct_len)) == 1;
  ok = ok &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, body.data() + ct_len) == 1;
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), o + len, &fin) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return base::Error::permanent(
        "seal: authentication failed (wrong key, wrong context or damaged data)");
  }
  return out;
}

bool looks_sealed(std::string_view text) {
  return text.substr(0, kPrefix.size()) == kPrefix;
}

}  // namespace ark::seal
