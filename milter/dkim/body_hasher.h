// The DKIM body hash (bh=, RFC 6376 §3.7): SHA-256 over the relaxed-canonical body.
//
// Streaming so that ark-milter can hash body chunks as libmilter delivers them and never
// keep a second copy of the body; the one hash serves every signature of the message
// (rsa-sha256 and ed25519-sha256 both use SHA-256 and the same canonicalization).
//
// Ownership: owns one EVP_MD_CTX. Thread-safety: one instance per message, not shared.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "milter/dkim/canonicalize.h"

struct evp_md_ctx_st;

namespace ark::milter::dkim {

class BodyHasher {
 public:
  BodyHasher();
  ~BodyHasher();
  BodyHasher(BodyHasher&&) noexcept;
  BodyHasher& operator=(BodyHasher&&) noexcept;

  void update(std::string_view chunk);
  // The raw 32-byte digest. Call once; the hasher is spent afterwards.
  std::string finish();

 private:
  void flush();

  struct CtxFree {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, CtxFree> ctx_;
  RelaxedBodyCanonicalizer canon_;
  std::string pending_;  // canonical bytes not yet hashed (bounded by flush())
};

// Whole-body convenience: raw 32-byte relaxed/sha256 body hash.
std::string relaxed_body_hash(std::string_view body);

}  // namespace ark::milter::dkim
