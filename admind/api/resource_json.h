// JSON shapes of the resource endpoints (api.md §3.3-3.7, §3.11-3.14): one function per
// object, field names, order and nullability exactly as the spec lists them. Fields the
// spec marks "req, nullable" are always emitted, as null when there is no value.
//
// Thread-safety: pure functions (they build new Poco objects).
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "admind/store/credential_store.h"
#include "admind/store/delivery_store.h"
#include "admind/store/domain_store.h"
#include "admind/store/suppression_store.h"
#include "admind/store/track_store.h"
#include "admind/store/webhook_store.h"
#include "core/dns/records.h"

namespace ark::admind::api {

Poco::Dynamic::Var opt_time(const std::optional<int64_t>& unix_us);  // datetime or null
Poco::Dynamic::Var opt_string(const std::optional<std::string>& s);
Poco::JSON::Array::Ptr string_array(const std::vector<std::string>& items);

// `Credential`; key set: adds `key` (and `smtpUsername` for smtp credentials).
Poco::JSON::Object::Ptr credential_json(const store::CredentialRow& c,
                                        const std::optional<std::string>& key);

// `DomainDetail` with `dnsRecords` (spf, dkim, returnPath, zone, and the dmarc
// recommendation) rendered from the configured names; the stored DKIM selector is used as
// is, so a later change of the selector prefix does not change existing records.
Poco::JSON::Object::Ptr domain_detail_json(const store::DomainRow& d,
                                           const dns::RecordNaming& naming);
Poco::JSON::Object::Ptr domain_summary_json(const store::DomainRow& d);

Poco::JSON::Object::Ptr suppression_json(const store::SuppressionRow& s);

// `TrackDomain`; dnsRecord: CNAME <fullName relative to the zone> -> cname_target.
Poco::JSON::Object::Ptr track_json(const store::TrackRow& t, const std::string& cname_target);
// The verify response (api.md §4.10 #47).
Poco::JSON::Object::Ptr track_verify_json(const store::TrackRow& t,
                                          const std::string& cname_target);

// `TenantWebhook` / `PlatformWebhook`, and their list-item summaries.
Poco::JSON::Object::Ptr webhook_json(const store::WebhookRow& w, store::WebhookScope scope);
Poco::JSON::Object::Ptr webhook_summary_json(const store::WebhookRow& w, store::WebhookScope scope);

// `TenantWebhookDeliverySummary` / `PlatformDeliverySummary`, and the detail objects.
Poco::JSON::Object::Ptr delivery_summary_json(const store::DeliveryRow& d,
                                              store::WebhookScope scope);
Poco::JSON::Object::Ptr delivery_detail_json(const store::DeliveryRow& d,
                                             store::WebhookScope scope);

}  // namespace ark::admind::api
