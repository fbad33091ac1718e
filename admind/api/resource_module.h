// Builds what the resource endpoints need from admind's config: the stores, the seal key
// (seal.key_file), the DNS resolver (dns.resolver, dns.timeout), the record names (dns.*)
// and the webhook URL policy (webhooks.*). The composition root creates one module and
// passes services() to add_resource_routes().
//
// Errors (create): Invalid/NotFound with a message naming the config key, for a missing or
// unusable seal key file or a malformed dns.resolver.
// Ownership: the module owns the stores, the key and the resolver; it borrows the pool and
// the clock, which must outlive it. Thread-safety: immutable after create; share freely.
#pragma once

#include <memory>
#include <string>

#include "admind/api/resources.h"
#include "core/config/config.h"
#include "core/dns/ldns_resolver.h"

namespace ark::admind::api {

// "127.0.0.1:53", "[::1]:5353" or a bare IP (port 53). Errors: Invalid.
base::Result<dns::LdnsOptions> parse_resolver_address(const std::string& text);

class ResourceModule {
 public:
  static base::Result<std::unique_ptr<ResourceModule>> create(const config::Config& cfg,
                                                              storage::DbPool& db,
                                                              const base::Clock& clock);
  ResourceServices& services() { return *services_; }

 private:
  ResourceModule(storage::DbPool& db, const base::Clock& clock, seal::SealKey key,
                 dns::LdnsResolver resolver);

  store::CredentialStore credentials_;
  store::DomainStore domains_;
  store::SuppressionStore suppressions_;
  store::WebhookStore webhooks_;
  store::DeliveryStore deliveries_;
  store::TrackStore tracking_;
  seal::SealKey seal_key_;
  dns::LdnsResolver resolver_;
  std::unique_ptr<ResourceServices> services_;
};

}  // namespace ark::admind::api
