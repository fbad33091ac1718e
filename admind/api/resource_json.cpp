#include "admind/api/resource_json.h"

#include <Poco/JSON/Parser.h>

#include "admind/http/reply.h"
#include "core/base/clock.h"

namespace ark::admind::api {

using Obj = Poco::JSON::Object::Ptr;
using store::WebhookScope;

namespace {

std::string iso(int64_t us) {
  return base::format_iso8601(us);
}

Poco::Dynamic::Var opt_int(const std::optional<int64_t>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

// Stored JSON text back to a value; malformed text (never written by us) becomes null.
Poco::Dynamic::Var parse_json(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text);
  } catch (const Poco::Exception&) {
    return {};
  }
}

Obj dns_record_json(const dns::DnsRecord& r, const std::optional<std::string>& status) {
  auto o = http::new_object();
  o->set("type", std::string(dns::to_string(r.type)));
  o->set("name", r.name);
  o->set("fullName", r.full_name);
  o->set("value", r.value);
  o->set("status", opt_string(status));
  return o;
}

Poco::Dynamic::Var dns_records_json(const store::DomainRow& d, dns::RecordNaming naming) {
  naming.dkim_selector_prefix.clear();  // the stored selector already carries the prefix
  auto rec = dns::build_records(d.name, naming, d.dkim_selector, d.dkim_public_txt);
  if (!rec) {
    return {};  // dnsRecords is nullable: "records not generated"
  }
  auto o = http::new_object();
  o->set("zone", rec->zone);
  o->set("spf", dns_record_json(rec->spf, d.spf_status));
  o->set("dkim", dns_record_json(rec->dkim, d.dkim_status));
  o->set("returnPath", dns_record_json(rec->return_path, d.return_path_status));
  o->set("dmarc", dns_record_json(rec->dmarc, std::nullopt));  // recommendation, never checked
  return o;
}

std::string relative_to(const std::string& fqdn, const std::string& zone) {
  if (fqdn == zone) {
    return "@";
  }
  if (fqdn.size() > zone.size() &&
      fqdn.compare(fqdn.size() - zone.size(), zone.size(), zone) == 0 &&
      fqdn[fqdn.size() - zone.size() - 1] == '.') {
    return fqdn.substr(0, fqdn.size() - zone.size() - 1);
  }
  return fqdn;
}

Obj track_dns_record(const store::TrackRow& t, const std::string& cname_target) {
  auto o = http::new_object();
  o->set("name", relative_to(t.full_name, t.zone));
  o->set("type", std::string("CNAME"));
  o->set("value", cname_target);
  return o;
}

}  // namespace

Poco::Dynamic::Var opt_time(const std::optional<int64_t>& unix_us) {
  return unix_us ? Poco::Dynamic::Var(iso(*unix_us)) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var opt_string(const std::optional<std::string>& s) {
  return s ? Poco::Dynamic::Var(*s) : Poco::Dynamic::Var();
}

Poco::JSON::Array::Ptr string_array(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : items) {
    a->add(s);
  }
  return a;
}

Obj credential_json(const store::CredentialRow& c, const std::optional<std::string>& key) {
  auto o = http::new_object();
  o->set("id", c.id);
  o->set("name", c.name);
  o->set("type", c.type);
  o->set("hold", c.hold);
  if (key) {
    o->set("key", *key);
    if (c.type == "smtp") {
      o->set("smtpUsername", c.tenant_id + "/" + *key);
    }
  }
  o->set("lastUsedAt", opt_time(c.last_used_us));
  o->set("createdAt", iso(c.created_us));
  o->set("updatedAt", iso(c.updated_us));
  return o;
}

Obj domain_detail_json(const store::DomainRow& d, const dns::RecordNaming& naming) {
  auto o = http::new_object();
  o->set("id", d.id);
  o->set("uuid", d.uuid);
  o->set("name", d.name);
  o->set("verified", d.verified_us.has_value());
  o->set("verifiedAt", opt_time(d.verified_us));
  o->set("createdAt", iso(d.created_us));
  o->set("dnsRecords", dns_records_json(d, naming));
  o->set("tenant_id", d.tenant_id);
  o->set("tenant_name", d.tenant_name);
  return o;
}

Obj domain_summary_json(const store::DomainRow& d) {
  auto o = http::new_object();
  o->set("id", d.id);
  o->set("name", d.name);
  o->set("verified", d.verified_us.has_value());
  o->set("tenant_id", d.tenant_id);
  o->set("tenant_name", d.tenant_name);
  return o;
}

Obj suppression_json(const store::SuppressionRow& s) {
  auto o = http::new_object();
  o->set("id", std::to_string(s.id));
  o->set("address", s.address);
  o->set("createdAt", iso(s.created_us));
  o->set("reason", opt_string(s.reason));
  return o;
}

Obj track_json(const store::TrackRow& t, const std::string& cname_target) {
  auto o = http::new_object();
  o->set("id", std::to_string(t.id));
  o->set("domainId", std::to_string(t.domain_id));
  o->set("name", t.name);
  o->set("fullName", t.full_name);
  o->set("dnsOk", t.dns_status == std::optional<std::string>("ok"));
  o->set("sslEnabled", t.ssl_enabled);
  o->set("trackClicks", t.track_clicks);
  o->set("trackOpens", t.track_opens);
  o->set("createdAt", iso(t.created_us));
  o->set("updatedAt", iso(t.updated_us));
  o->set("dnsCheckedAt", opt_time(t.checked_us));
  o->set("dnsError", opt_string(t.dns_error));
  o->set("dnsRecord", track_dns_record(t, cname_target));
  o->set("dnsStatus", opt_string(t.dns_status));
  o->set("excludedClickDomains", opt_string(t.excluded_click_domains));
  return o;
}

Obj track_verify_json(const store::TrackRow& t, const std::string& cname_target) {
  auto o = http::new_object();
  o->set("id", std::to_string(t.id));
  o->set("fullName", t.full_name);
  o->set("dnsOk", t.dns_status == std::optional<std::string>("ok"));
  o->set("dnsStatus", opt_string(t.dns_status));
  o->set("dnsCheckedAt", opt_time(t.checked_us));
  o->set("dnsError", opt_string(t.dns_error));
  o->set("dnsRecord", track_dns_record(t, cname_target));
  return o;
}

Obj webhook_json(const store::WebhookRow& w, WebhookScope scope) {
  auto o = http::new_object();
  o->set("id", w.id);
  if (scope == WebhookScope::Tenant) {
    o->set("uuid", w.uuid);
  }
  o->set("name", w.name);
  o->set("url", w.url);
  o->set("events", string_array(w.events));
  if (scope == WebhookScope::Tenant) {
    o->set("allEvents", w.all_events);
  }
  o->set("enabled", w.enabled);
  o->set("createdAt", iso(w.created_us));
  if (scope == WebhookScope::Platform) {
    o->set("updatedAt", iso(w.updated_us));
  }
  return o;
}

Obj webhook_summary_json(const store::WebhookRow& w, WebhookScope scope) {
  auto o = http::new_object();
  o->set("id", w.id);
  o->set("name", w.name);
  o->set("url", w.url);
  o->set("events", string_array(w.events));
  o->set("enabled", w.enabled);
  if (scope == WebhookScope::Platform) {
    o->set("createdAt", iso(w.created_us));
  }
  return o;
}

Obj delivery_summary_json(const store::DeliveryRow& d, WebhookScope scope) {
  auto o = http::new_object();
  o->set("id", d.id);
  o->set("webhookId", d.webhook_id);
  if (scope == WebhookScope::Platform) {
    // A required string in the SDKs: a test send, which belongs to no tenant, has "".
    o->set("tenantId", d.tenant_id.value_or(""));
  }
  o->set("event", d.event);
  o->set("url", d.url);
  o->set("statusCode", opt_int(d.status_code));
  o->set("success", d.success);
  o->set("attempt", d.attempt);
  o->set("willRetry", d.will_retry);
  o->set("timestamp", iso(d.timestamp_us()));
  return o;
}

Obj delivery_detail_json(const store::DeliveryRow& d, WebhookScope scope) {
  auto o = delivery_summary_json(d, scope);
  o->set("webhookName", d.webhook_name);
  auto request = http::new_object();
  request->set("headers", parse_json(d.request_headers_json));
  request->set("payload", parse_json(d.payload_json));
  o->set("request", request);
  auto response = http::new_object();
  if (scope == WebhookScope::Tenant) {
    response->set("statusCode", opt_int(d.status_code));
    response->set("body", opt_string(d.response_body));
  } else {
    response->set("body", opt_string(d.response_body));
    response->set("duration", opt_int(d.duration_ms));
  }
  o->set("response", response);
  return o;
}

}  // namespace ark::admind::api
