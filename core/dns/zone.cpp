#include "core/dns/zone.h"

#include <libpsl.h>

namespace ark::dns {
namespace {

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

const psl_ctx_t* psl() {
  static const psl_ctx_t* ctx = psl_latest(nullptr);  // never freed: lives for the process
  return ctx;
}

}  // namespace

base::Result<std::string> normalize_domain(std::string_view domain) {
  std::string d(domain);
  if (!d.empty() && d.back() == '.') {
    d.pop_back();
  }
  for (char& c : d) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
    }
  }
  if (d.empty() || d.size() > 253 || d.find('.') == std::string::npos) {
    return base::Error::invalid("not a fully qualified domain name", "name");
  }
  size_t start = 0;
  while (start <= d.size()) {
    size_t dot = d.find('.', start);
    size_t end = dot == std::string::npos ? d.size() : dot;
    if (!valid_label(std::string_view(d).substr(start, end - start))) {
      return base::Error::invalid("not a valid domain name", "name");
    }
    start = end + 1;
  }
  return d;
}

base::Result<std::string> registrable_domain(std::string_view domain) {
  auto d = normalize_domain(domain);
  if (!d.ok()) {
    return d.error();
  }
  if (psl() == nullptr) {
    return base::Error::internal("public suffix list unavailable");
  }
  const char* reg = psl_registrable_domain(psl(), d->c_str());
  if (reg == nullptr) {
    return base::Error::invalid("domain is a public suffix, not a registrable domain", "name");
  }
  return std::string(reg);
}

}  // namespace ark::dns
