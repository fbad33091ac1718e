#include "core/dns/resolver.h"

namespace ark::dns {

const char* to_string(LookupStatus status) {
  switch (status) {
    case LookupStatus::Ok:
      return "ok";
    case LookupStatus::NxDomain:
      return "nxdomain";
    case LookupStatus::NoData:
      return "nodata";
    case LookupStatus::Timeout:
      return "timeout";
    case LookupStatus::ServFail:
      return "servfail";
    case LookupStatus::Refused:
      return "refused";
    case LookupStatus::Error:
      return "error";
  }
  return "error";
}

std::string normalize_name(std::string_view name) {
  std::string out(name);
  while (!out.empty() && out.back() == '.') {
    out.pop_back();
  }
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
    }
  }
  return out;
}

}  // namespace ark::dns
