// Sealing of secrets at rest: DKIM private keys, credential secrets and webhook signing
// keys are stored in the database only in sealed form (design.md §3).
//
// Format: "v1:<base64 nonce>:<base64 ciphertext||tag>", AES-256-GCM with a fresh random
// 96-bit nonce per seal and a 128-bit tag (NIST SP 800-38D). An optional `context` string
// is bound as additional authenticated data, so a sealed value copied into another row
// or column (say, another tenant's DKIM key) fails to unseal there. Random nonces are safe
// for far more than the number of secrets this system will ever seal (2^32 per key).
//
// The key is 32 bytes read from a file named in the daemon's config; the file holds the
// base64 of the 32 bytes (what generate() + to_base64() produce) or the 32 raw bytes.
// It must not be accessible to "other" (mode & 007 == 0), as the daemons share it through
// their group.
//
// Errors are values: Invalid for a malformed sealed string or key file, Permanent when
// authentication fails (wrong key, wrong context or damaged data), NotFound for a missing
// key file.
//
// Ownership: SealKey owns its key bytes and wipes them on destruction.
// Thread-safety: a SealKey is immutable; seal/unseal may run concurrently on one key.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace ark::seal {

class SealKey {
 public:
  static constexpr size_t kSize = 32;

  // Errors: Invalid unless raw.size() == 32.
  static base::Result<SealKey> from_bytes(std::string_view raw);
  // Errors: NotFound (no such file), Invalid (unreadable, bad contents, or permissions
  // that let "other" read or write it).
  static base::Result<SealKey> load_file(const std::string& path);
  // A fresh random key (for arkctl's key generation and for tests).
  static SealKey generate();

  std::string to_base64() const;

  SealKey(const SealKey&) = default;
  SealKey& operator=(const SealKey&) = default;
  ~SealKey();

 private:
  SealKey() = default;
  friend std::string seal_with_nonce_for_test(const SealKey&, std::string_view, std::string_view,
                                              std::string_view);
  friend base::Result<std::string> unseal(const SealKey&, std::string_view, std::string_view);

  std::array<unsigned char, kSize> bytes_{};
};

// Never fails for a valid key (an OpenSSL failure here is an impossible state: abort).
std::string seal(const SealKey& key, std::string_view plaintext, std::string_view context = {});

base::Result<std::string> unseal(const SealKey& key, std::string_view sealed,
                                 std::string_view context = {});

// True when `text` has the sealed-value prefix (for migrations that seal legacy rows).
bool looks_sealed(std::string_view text);

// Deterministic variant for golden tests: nonce must be 12 bytes.
std::string seal_with_nonce_for_test(const SealKey& key, std::string_view plaintext,
                                     std::string_view nonce, std::string_view context);

}  // namespace ark::seal
