// The tenant-owned resources of the REST API and the platform webhooks: credentials (api.md
// §4.6, endpoints 19-23), sending domains (§4.7, 24-28), suppressions (§4.8, 29-32), tenant
// webhooks and their deliveries (§4.9, 33-41), track domains (§4.10, 42-47) and platform
// webhooks (§4.12, 50-58).
//
// Access rules shared by every tenant route: a tenant-scoped key on another tenant's path
// -> 403 permission_denied (before anything is looked up, so it learns nothing); unknown
// tenant -> 404; archived tenant -> 403 tenant_archived when creating credentials, domains,
// webhooks or track domains (behaviour.md C.10). Platform routes need an organisation key.
//
// Ownership: ResourceServices borrows everything; the composition root owns it all and
// outlives the server. Thread-safety: every member is safe to share between request threads.
#pragma once

#include <string>

#include "admind/api/services.h"
#include "admind/store/credential_store.h"
#include "admind/store/delivery_store.h"
#include "admind/store/domain_store.h"
#include "admind/store/suppression_store.h"
#include "admind/store/track_store.h"
#include "admind/store/webhook_store.h"
#include "admind/webhooks/url_policy.h"
#include "core/dns/records.h"
#include "core/dns/resolver.h"
#include "core/seal/seal.h"

namespace ark::admind::api {

struct ResourceServices {
  store::CredentialStore& credentials;
  store::DomainStore& domains;
  store::SuppressionStore& suppressions;
  store::WebhookStore& webhooks;
  store::DeliveryStore& deliveries;
  store::TrackStore& tracking;
  const seal::SealKey& seal_key;
  const dns::Resolver& resolver;
  dns::RecordNaming naming;        // config dns.*
  std::string track_cname_target;  // config dns.track_cname_target
  webhooks::UrlPolicy url_policy;  // config webhooks.*
};

// Registers endpoints 19-47 and 50-58.
void add_resource_routes(http::Router& router, Services& s, ResourceServices& r);

// Per family (resources.cpp calls them all).
void add_credential_routes(http::Router& router, Services& s, ResourceServices& r);
void add_domain_routes(http::Router& router, Services& s, ResourceServices& r);
void add_suppression_routes(http::Router& router, Services& s, ResourceServices& r);
void add_webhook_routes(http::Router& router, Services& s, ResourceServices& r);
void add_tracking_routes(http::Router& router, Services& s, ResourceServices& r);
void add_platform_webhook_routes(http::Router& router, Services& s, ResourceServices& r);

}  // namespace ark::admind::api
