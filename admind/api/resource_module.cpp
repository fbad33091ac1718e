#include "admind/api/resource_module.h"

#include <algorithm>
#include <charconv>

namespace ark::admind::api {

base::Result<dns::LdnsOptions> parse_resolver_address(const std::string& text) {
  dns::LdnsOptions o;
  std::string port;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos) {
      return base::Error::invalid("dns.resolver: unterminated [IPv6 address]");
    }
    o.nameserver = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        return base::Error::invalid("dns.resolver: expected :port after ]");
      }
      has_port = true;
      port = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    has_port = true;
    o.nameserver = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  } else {
    o.nameserver = text;  // a bare IPv4 or IPv6 address
  }
  if (has_port) {
    int n = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || ec != std::errc() || p != port.data() + port.size() || n < 1 || n > 65535) {
      return base::Error::invalid("dns.resolver: port must be 1 to 65535");
    }
    o.port = static_cast<uint16_t>(n);
  }
  return o;
}

ResourceModule::ResourceModule(storage::DbPool& db, const base::Clock& clock, seal::SealKey key,
                               dns::LdnsResolver resolver)
    : credentials_(db, clock),
      domains_(db, clock),
      suppressions_(db, clock),
      webhooks_(db, clock),
      deliveries_(db, clock),
      tracking_(db, clock),
      seal_key_(std::move(key)),
      resolver_(std::move(resolver)) {}

base::Result<std::unique_ptr<ResourceModule>> ResourceModule::create(const config::Config& cfg,
                                                                     storage::DbPool& db,
                                                                     const base::Clock& clock) {
  auto key = seal::SealKey::load_file(cfg.get_string("seal.key_file"));
  if (!key) {
    return base::Error{key.error().kind, "seal.key_file: " + key.error().message, {}};
  }
  auto options = parse_resolver_address(cfg.get_string("dns.resolver"));
  if (!options) {
    return options.error();
  }
  options->timeout = std::chrono::milliseconds(cfg.get_duration_ms("dns.timeout"));
  auto resolver = dns::LdnsResolver::create(*options);
  if (!resolver) {
    return base::Error::invalid("dns.resolver: " + resolver.error().message);
  }
  std::unique_ptr<ResourceModule> m(
      new ResourceModule(db, clock, std::move(*key), std::move(*resolver)));
  dns::RecordNaming naming;
  naming.spf_include = cfg.get_string("dns.spf_include");
  naming.return_path_host = cfg.get_string("dns.return_path_host");
  naming.dkim_selector_prefix = cfg.get_string("dns.dkim_selector_prefix");
  naming.dmarc_rua = cfg.get_string("dns.dmarc_rua");
  webhooks::UrlPolicy policy{cfg.get_bool("webhooks.allow_http"),
                             cfg.get_bool("webhooks.allow_private")};
  m->services_.reset(new ResourceServices{
      m->credentials_, m->domains_, m->suppressions_, m->webhooks_, m->deliveries_, m->tracking_,
      m->seal_key_, m->resolver_, naming, cfg.get_string("dns.track_cname_target"), policy});
  return m;
}

}  // namespace ark::admind::api
