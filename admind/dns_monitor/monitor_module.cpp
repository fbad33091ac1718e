#include "admind/dns_monitor/monitor_module.h"

#include "admind/api/resource_module.h"

namespace ark::admind::dns_monitor {

dns::RecordNaming record_naming(const config::Config& cfg) {
  dns::RecordNaming naming;
  naming.spf_include = cfg.get_string("dns.spf_include");
  naming.return_path_host = cfg.get_string("dns.return_path_host");
  naming.dkim_selector_prefix = cfg.get_string("dns.dkim_selector_prefix");
  naming.dmarc_rua = cfg.get_string("dns.dmarc_rua");
  return naming;
}

MonitorModule::MonitorModule(storage::DbPool& db, const base::Clock& clock, seal::SealKey key,
                             dns::LdnsResolver resolver, dns::RecordNaming naming)
    : store_(db, clock),
      domains_(db, clock),
      seal_key_(std::move(key)),
      resolver_(std::move(resolver)),
      naming_(std::move(naming)) {}

base::Result<std::unique_ptr<MonitorModule>> MonitorModule::create(const config::Config& cfg,
                                                                   storage::DbPool& db,
                                                                   const base::Clock& clock) {
  auto key = seal::SealKey::load_file(cfg.get_string("seal.key_file"));
  if (!key) {
    return base::Error{key.error().kind, "seal.key_file: " + key.error().message, {}};
  }
  auto options = api::parse_resolver_address(cfg.get_string("dns.resolver"));
  if (!options) {
    return options.error();
  }
  options->timeout = std::chrono::milliseconds(cfg.get_duration_ms("dns.timeout"));
  auto resolver = dns::LdnsResolver::create(*options);
  if (!resolver) {
    return base::Error::invalid("dns.resolver: " + resolver.error().message);
  }
  std::unique_ptr<MonitorModule> m(
      new MonitorModule(db, clock, std::move(*key), std::move(*resolver), record_naming(cfg)));
  MonitorSettings settings;
  settings.interval_ms = cfg.get_duration_ms("dns.recheck_interval");
  m->monitor_ = std::make_unique<DnsMonitor>(m->store_, m->domains_, m->resolver_, m->naming_,
                                             clock, settings);
  return m;
}

}  // namespace ark::admind::dns_monitor
