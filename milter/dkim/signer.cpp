#include "milter/dkim/signer.h"

#include <openssl/evp.h>

#include <memory>

#include "core/crypto/crypto.h"
#include "milter/dkim/body_hasher.h"
#include "milter/dkim/canonicalize.h"
#include "milter/dkim/tag_folder.h"

namespace ark::milter::dkim {
namespace {

constexpr std::string_view kHeaderName = "DKIM-Signature";
constexpr size_t kFirstLineCol = kHeaderName.size() + 2;  // "DKIM-Signature: "

// d= and s= are domain names (selectors are dot-separated labels, RFC 6376 §3.1).
bool valid_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.') {
    return false;
  }
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// The value up to and including "b=", folded; `folder` is left positioned after "b=".
void build_unsigned(TagFolder& f, const SignParams& p, KeyAlgorithm alg, const HeaderSelection& sel,
                    std::string_view body_hash) {
  f.word("v=1;");
  f.word(std::string("a=") + signature_algorithm_name(alg) + ";");
  f.word("c=relaxed/relaxed;");
  f.word("d=" + p.domain + ";");
  f.word("s=" + p.selector + ";");
  f.word("t=" + std::to_string(p.timestamp) + ";");
  for (size_t i = 0; i < sel.h_names.size(); ++i) {
    bool last = i + 1 == sel.h_names.size();
    std::string piece = sel.h_names[i] + (last ? ";" : ":");
    if (i == 0) {
      f.word("h=" + piece);
    } else {
      f.glued(piece);
    }
  }
  f.word("bh=" + crypto::base64_encode(body_hash) + ";");
  f.word("b=");
}

}  // namespace

std::string signed_data_hash(const HeaderSelection& sel, std::string_view unsigned_value) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (const Header* h : sel.picked) {
    if (h != nullptr) {
      std::string c = canonicalize_header_relaxed(h->name, h->value);
      EVP_DigestUpdate(ctx.get(), c.data(), c.size());
    }
  }
  std::string self = canonicalize_header_relaxed(kHeaderName, unsigned_value);
  self.resize(self.size() - 2);  // drop CRLF
  EVP_DigestUpdate(ctx.get(), self.data(), self.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

base::Result<std::string> sign_with_body_hash(const std::vector<Header>& headers,
                                              std::string_view body_hash, const SigningKey& key,
                                              const SignParams& params) {
  if (!valid_dns_name(params.domain) || !valid_dns_name(params.selector)) {
    return base::Error::invalid("dkim: bad d= or s= value");
  }
  if (body_hash.size() != 32) {
    return base::Error::invalid("dkim: body hash must be 32 bytes");
  }
  auto sel = select_headers(headers, params.signed_headers, params.oversigned_headers);
  if (!sel.ok()) {
    return sel.error();
  }
  TagFolder folder(params.eol, kFirstLineCol);
  build_unsigned(folder, params, key.algorithm(), *sel, body_hash);
  auto sig = key.sign_digest(signed_data_hash(*sel, folder.text()));
  if (!sig.ok()) {
    return sig.error();
  }
  folder.breakable(crypto::base64_encode(*sig));
  return folder.text();
}

base::Result<std::string> sign_message(const std::vector<Header>& headers, std::string_view body,
                                       const SigningKey& key, const SignParams& params) {
  return sign_with_body_hash(headers, relaxed_body_hash(body), key, params);
}

}  // namespace ark::milter::dkim
