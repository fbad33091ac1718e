#include "core/crypto/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <stdexcept>

namespace ark::crypto {
namespace {

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kB64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view in, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = b(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) {
      out += "==";
    }
  } else if (rest == 2) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) {
      out += '=';
    }
  }
  return out;
}

base::Result<std::string> decode(std::string_view in, std::string_view alphabet,
                                 bool require_pad) {
  std::array<int, 256> map{};
  map.fill(-1);
  for (size_t k = 0; k < alphabet.size(); ++k) {
    map[static_cast<unsigned char>(alphabet[k])] = static_cast<int>(k);
  }
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c != '\r' && c != '\n') {
      clean += c;
    }
  }
  size_t pad = 0;
  while (!clean.empty() && clean.back() == '=') {
    clean.pop_back();
    ++pad;
  }
  if (pad > 2 || (require_pad && (clean.size() + pad) % 4 != 0) || clean.size() % 4 == 1) {
    return base::Error::invalid("bad base64 length or padding");
  }
  std::string out;
  out.reserve(clean.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : clean) {
    int v = map[static_cast<unsigned char>(c)];
    if (v < 0) {
      return base::Error::invalid("bad base64 character");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                 EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed");
  }
  return out;
}

std::string sha256_hex(std::string_view data) { return hex(sha256(data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(32, '\0');
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &len) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  return out;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string base64_encode(std::string_view bytes) { return encode(bytes, kB64, true); }
base::Result<std::string> base64_decode(std::string_view text) {
  return decode(text, kB64, true);
}
std::string base64url_encode(std::string_view bytes) { return encode(bytes, kB64Url, false); }
base::Result<std::string> base64url_decode(std::string_view text) {
  return decode(text, kB64Url, false);
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

namespace {
std::string random_from(size_t n, std::string_view alphabet) {
  // Rejection sampling keeps the distribution uniform for alphabets that do not divide 256.
  const unsigned limit = 256 - (256 % alphabet.size());
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (unsigned char c : random_bytes(n * 2)) {
      if (c < limit && out.size() < n) {
        out += alphabet[c % alphabet.size()];
      }
    }
  }
  return out;
}
}  // namespace

std::string random_alnum(size_t n, bool lower) {
  return random_from(n, lower ? "0123456789abcdefghijklmnopqrstuvwxyz"
                              : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}

std::string random_urlsafe(size_t n) { return random_from(n, kB64Url); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {
std::string pbkdf2(std::string_view password, std::string_view salt, int iterations) {
  std::string out(32, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw std::runtime_error("PKCS5_PBKDF2_HMAC failed");
  }
  return out;
}
}  // namespace

std::string hash_password(std::string_view password, int iterations) {
  std::string salt = random_bytes(16);
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + base64_encode(salt) + "$" +
         base64_encode(pbkdf2(password, salt, iterations));
}

bool verify_password(std::string_view password, std::string_view encoded) {
  constexpr std::string_view kPrefix = "pbkdf2-sha256$";
  if (encoded.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  std::string_view rest = encoded.substr(kPrefix.size());
  size_t d1 = rest.find('$');
  size_t d2 = d1 == std::string_view::npos ? d1 : rest.find('$', d1 + 1);
  if (d2 == std::string_view::npos) {
    return false;
  }
  int iterations = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + d1, iterations);
  if (ec != std::errc() || p != rest.data() + d1 || iterations < 1 || iterations > 10000000) {
    return false;
  }
  auto salt = base64_decode(rest.substr(d1 + 1, d2 - d1 - 1));
  auto want = base64_decode(rest.substr(d2 + 1));
  if (!salt || !want) {
    return false;
  }
  return constant_time_equal(pbkdf2(password, *salt, iterations), *want);
}

}  // namespace ark::crypto
