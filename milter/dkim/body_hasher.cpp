#include "milter/dkim/body_hasher.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace ark::milter::dkim {
namespace {

constexpr size_t kFlushAt = 16 * 1024;

}  // namespace

void BodyHasher::CtxFree::operator()(evp_md_ctx_st* ctx) const {
  EVP_MD_CTX_free(ctx);
}

BodyHasher::BodyHasher() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
    std::abort();  // allocation failure or a broken OpenSSL install: nothing sane to do
  }
}

BodyHasher::~BodyHasher() = default;
BodyHasher::BodyHasher(BodyHasher&&) noexcept = default;
BodyHasher& BodyHasher::operator=(BodyHasher&&) noexcept = default;

void BodyHasher::flush() {
  if (!pending_.empty()) {
    EVP_DigestUpdate(ctx_.get(), pending_.data(), pending_.size());
    pending_.clear();
  }
}

void BodyHasher::update(std::string_view chunk) {
  // Canonicalize in slices so the pending buffer stays small even for one huge chunk.
  while (!chunk.empty()) {
    std::string_view slice = chunk.substr(0, kFlushAt);
    chunk.remove_prefix(slice.size());
    canon_.feed(slice, pending_);
    if (pending_.size() >= kFlushAt) {
      flush();
    }
  }
}

std::string BodyHasher::finish() {
  canon_.finish(pending_);
  flush();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string relaxed_body_hash(std::string_view body) {
  BodyHasher h;
  h.update(body);
  return h.finish();
}

}  // namespace ark::milter::dkim
