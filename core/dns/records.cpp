#include "core/dns/records.h"

#include "core/dns/zone.h"

namespace ark::dns {
namespace {

bool valid_selector_part(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') {
    return false;
  }
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

// `prefix` + the part of `domain` left of `zone`, joined by dots; "@" when both are empty.
std::string relative_name(const std::string& prefix, const std::string& domain,
                          const std::string& zone) {
  std::string sub = domain == zone ? "" : domain.substr(0, domain.size() - zone.size() - 1);
  if (prefix.empty()) {
    return sub.empty() ? "@" : sub;
  }
  return sub.empty() ? prefix : prefix + "." + sub;
}

DnsRecord make(RecordType type, const std::string& prefix, const std::string& domain,
               const std::string& zone, std::string value) {
  DnsRecord r;
  r.type = type;
  r.name = relative_name(prefix, domain, zone);
  r.full_name = prefix.empty() ? domain : prefix + "." + domain;
  r.value = std::move(value);
  return r;
}

std::string dmarc_value(const std::string& rua) {
  if (rua.empty()) {
    return "v=DMARC1; p=none";
  }
  bool bare_address = rua.find(':') == std::string::npos && rua.find('@') != std::string::npos;
  return "v=DMARC1; p=none; rua=" + (bare_address ? "mailto:" + rua : rua);
}

}  // namespace

const char* to_string(RecordType type) {
  switch (type) {
    case RecordType::Txt:
      return "TXT";
    case RecordType::Cname:
      return "CNAME";
    case RecordType::Mx:
      return "MX";
  }
  return "TXT";
}

std::optional<std::string> api_status(RecordStatus status) {
  switch (status) {
    case RecordStatus::Ok:
      return "OK";
    case RecordStatus::Missing:
      return "Missing";
    case RecordStatus::Invalid:
      return "Invalid";
    case RecordStatus::LookupFailed:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string dkim_selector(const RecordNaming& naming, std::string_view selector_id) {
  if (naming.dkim_selector_prefix.empty()) {
    return std::string(selector_id);
  }
  return naming.dkim_selector_prefix + "-" + std::string(selector_id);
}

base::Result<DomainRecords> build_records(std::string_view domain, const RecordNaming& naming,
                                          std::string_view selector_id,
                                          std::string_view dkim_txt_value) {
  auto d = normalize_domain(domain);
  if (!d.ok()) {
    return d.error();
  }
  auto zone = registrable_domain(*d);
  if (!zone.ok()) {
    return zone.error();
  }
  std::string selector = dkim_selector(naming, selector_id);
  if (!valid_selector_part(selector_id) || !valid_selector_part(selector)) {
    return base::Error::invalid("DKIM selector must be a DNS label [a-z0-9-]", "selector");
  }
  if (naming.spf_include.empty() || naming.return_path_host.empty() ||
      naming.return_path_prefix.empty()) {
    return base::Error::invalid("SPF include host and return-path names must be configured");
  }
  DomainRecords out;
  out.domain = *d;
  out.zone = *zone;
  out.spf = make(RecordType::Txt, "", *d, *zone,
                 "v=spf1 a mx include:" + normalize_name(naming.spf_include) + " ~all");
  out.dkim =
      make(RecordType::Txt, selector + "._domainkey", *d, *zone, std::string(dkim_txt_value));
  out.return_path = make(RecordType::Cname, naming.return_path_prefix, *d, *zone,
                         normalize_name(naming.return_path_host));
  out.dmarc = make(RecordType::Txt, "_dmarc", *d, *zone, dmarc_value(naming.dmarc_rua));
  return out;
}

bool DomainCheck::verified() const {
  return spf.status == RecordStatus::Ok && dkim.status == RecordStatus::Ok &&
         return_path.status == RecordStatus::Ok;
}

bool DomainCheck::conclusive() const {
  return spf.status != RecordStatus::LookupFailed && dkim.status != RecordStatus::LookupFailed &&
         return_path.status != RecordStatus::LookupFailed;
}

}  // namespace ark::dns
