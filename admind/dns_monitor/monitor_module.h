// Builds the DNS re-check from admind's config, for ark-admind (background thread) and
// arkctl (dns-check, dkim-rotate, dkim-ed25519): the seal key (seal.key_file), the ldns
// resolver (dns.resolver, dns.timeout), the record names (dns.*) and the interval
// (dns.recheck_interval; 0 turns the background re-check off).
//
// Errors (create): Invalid/NotFound naming the config key. Ownership: owns the stores, the
// resolver and the monitor; borrows the pool and the clock, which must outlive it.
// Thread-safety: as DnsMonitor.
#pragma once

#include <memory>

#include "admind/dns_monitor/dns_monitor.h"
#include "admind/dns_monitor/monitor_store.h"
#include "admind/store/domain_store.h"
#include "core/config/config.h"
#include "core/dns/ldns_resolver.h"
#include "core/seal/seal.h"

namespace ark::admind::dns_monitor {

dns::RecordNaming record_naming(const config::Config& cfg);

class MonitorModule {
 public:
  static base::Result<std::unique_ptr<MonitorModule>> create(const config::Config& cfg,
                                                             storage::DbPool& db,
                                                             const base::Clock& clock);
  DnsMonitor& monitor() { return *monitor_; }
  MonitorStore& store() { return store_; }
  const seal::SealKey& seal_key() const { return seal_key_; }
  const dns::RecordNaming& naming() const { return naming_; }

 private:
  MonitorModule(storage::DbPool& db, const base::Clock& clock, seal::SealKey key,
                dns::LdnsResolver resolver, dns::RecordNaming naming);

  MonitorStore store_;
  store::DomainStore domains_;
  seal::SealKey seal_key_;
  dns::LdnsResolver resolver_;
  dns::RecordNaming naming_;
  std::unique_ptr<DnsMonitor> monitor_;
};

}  // namespace ark::admind::dns_monitor
