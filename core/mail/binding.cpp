#include "core/mail/binding.h"

#include <charconv>
#include <vector>

#include "core/crypto/crypto.h"

namespace ark::mail {
namespace {

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string signed_text(const Binding& b) {
  return "v1|" + b.message_id + "|" + b.tenant_id + "|" + std::to_string(b.timestamp);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' ||
                        s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string sign_binding(const Binding& b, std::string_view secret) {
  std::string sig = crypto::base64url_encode(crypto::hmac_sha256(secret, signed_text(b)));
  return "v1; m=" + b.message_id + "; t=" + b.tenant_id + "; ts=" + std::to_string(b.timestamp) +
         "; s=" + sig;
}

base::Result<Binding> verify_binding(std::string_view value, std::string_view secret,
                                     int64_t now_s, int64_t max_age_s) {
  using base::Error;
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= value.size()) {
    size_t semi = value.find(';', start);
    if (semi == std::string_view::npos) {
      semi = value.size();
    }
    parts.push_back(trim(value.substr(start, semi - start)));
    start = semi + 1;
  }
  if (parts.size() != 5 || parts[0] != "v1") {
    return Error::invalid("binding header: unknown version or shape");
  }
  Binding b;
  std::string_view sig;
  std::string_view ts;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    size_t eq = p.find('=');
    if (eq == std::string_view::npos) {
      return Error::invalid("binding header: field without '='");
    }
    std::string_view k = p.substr(0, eq);
    std::string_view v = p.substr(eq + 1);
    if (k == "m" && b.message_id.empty()) {
      b.message_id = std::string(v);
    } else if (k == "t" && b.tenant_id.empty()) {
      b.tenant_id = std::string(v);
    } else if (k == "ts" && ts.empty()) {
      ts = v;
    } else if (k == "s" && sig.empty()) {
      sig = v;
    } else {
      return Error::invalid("binding header: unexpected field");
    }
  }
  if (!valid_id(b.message_id) || !valid_id(b.tenant_id) || ts.empty() || sig.empty()) {
    return Error::invalid("binding header: missing or malformed field");
  }
  auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), b.timestamp);
  if (ec != std::errc() || p != ts.data() + ts.size()) {
    return Error::invalid("binding header: bad timestamp");
  }
  std::string want = crypto::base64url_encode(crypto::hmac_sha256(secret, signed_text(b)));
  if (!crypto::constant_time_equal(want, sig)) {
    return Error::invalid("binding header: bad signature");
  }
  if (b.timestamp > now_s + 60 || now_s - b.timestamp > max_age_s) {
    return Error::permanent("binding header: expired");
  }
  return b;
}

}  // namespace ark::mail
