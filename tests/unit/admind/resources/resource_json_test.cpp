// JSON shapes of the resource endpoints (admind/api/resource_json.h), including the DNS
// records a domain answers with: names relative to the zone, values from the configured
// names, statuses null until checked, and the stored selector kept as it is.
#include "admind/api/resource_json.h"

#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <sstream>

namespace ark::admind::api {
namespace {

using Obj = Poco::JSON::Object::Ptr;

dns::RecordNaming naming() {
  dns::RecordNaming n;
  n.spf_include = "spf.provider.test";
  n.return_path_host = "rp.provider.test";
  n.dkim_selector_prefix = "ark";
  n.dmarc_rua = "dmarc@provider.test";
  return n;
}

store::DomainRow domain(const std::string& name) {
  store::DomainRow d;
  d.id = 42;
  d.uuid = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
  d.tenant_id = "cm6abc123def456";
  d.tenant_name = "Acme";
  d.name = name;
  d.dkim_selector = "ark-abc12345";
  d.dkim_public_txt = "k=rsa;t=s;p=MIIBexample";
  d.created_us = 1700000000000000;
  return d;
}

std::string json(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

Obj record(const Obj& detail, const std::string& key) {
  return detail->getObject("dnsRecords")->getObject(key);
}

TEST(DomainJson, RecordsOfASubdomainAreRelativeToTheRegistrableZone) {
  store::DomainRow d = domain("mail.example.co.uk");
  d.spf_status = "OK";
  Obj o = domain_detail_json(d, naming());
  EXPECT_EQ(o->getValue<int64_t>("id"), 42);
  EXPECT_FALSE(o->getValue<bool>("verified"));
  EXPECT_TRUE(o->isNull("verifiedAt"));
  EXPECT_EQ(o->getValue<std::string>("createdAt"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(o->getValue<std::string>("tenant_id"), "cm6abc123def456");
  EXPECT_EQ(o->getObject("dnsRecords")->getValue<std::string>("zone"), "example.co.uk");

  Obj spf = record(o, "spf");
  EXPECT_EQ(json(spf), R"({"type":"TXT","name":"mail","fullName":"mail.example.co.uk",)"
                       R"("value":"v=spf1 a mx include:spf.provider.test ~all","status":"OK"})");
  Obj dkim = record(o, "dkim");
  EXPECT_EQ(dkim->getValue<std::string>("name"), "ark-abc12345._domainkey.mail");
  EXPECT_EQ(dkim->getValue<std::string>("fullName"), "ark-abc12345._domainkey.mail.example.co.uk");
  EXPECT_EQ(dkim->getValue<std::string>("value"), "k=rsa;t=s;p=MIIBexample");
  EXPECT_TRUE(dkim->isNull("status"));
  Obj rp = record(o, "returnPath");
  EXPECT_EQ(rp->getValue<std::string>("type"), "CNAME");
  EXPECT_EQ(rp->getValue<std::string>("name"), "psrp.mail");
  EXPECT_EQ(rp->getValue<std::string>("value"), "rp.provider.test");
  Obj dmarc = record(o, "dmarc");
  EXPECT_EQ(dmarc->getValue<std::string>("name"), "_dmarc.mail");
  EXPECT_EQ(dmarc->getValue<std::string>("value"),
            "v=DMARC1; p=none; rua=mailto:dmarc@provider.test");
}

TEST(DomainJson, ApexDomainUsesTheAtName) {
  Obj o = domain_detail_json(domain("example.org"), naming());
  EXPECT_EQ(record(o, "spf")->getValue<std::string>("name"), "@");
  EXPECT_EQ(record(o, "spf")->getValue<std::string>("fullName"), "example.org");
  EXPECT_EQ(record(o, "returnPath")->getValue<std::string>("name"), "psrp");
  EXPECT_EQ(record(o, "dkim")->getValue<std::string>("name"), "ark-abc12345._domainkey");
}

TEST(DomainJson, StoredSelectorSurvivesAPrefixChange) {
  dns::RecordNaming n = naming();
  n.dkim_selector_prefix = "brand";
  Obj o = domain_detail_json(domain("example.org"), n);
  EXPECT_EQ(record(o, "dkim")->getValue<std::string>("name"), "ark-abc12345._domainkey");
}

TEST(DomainJson, VerifiedFollowsVerifiedAt) {
  store::DomainRow d = domain("example.org");
  d.verified_us = 1700000000000000;
  Obj o = domain_detail_json(d, naming());
  EXPECT_TRUE(o->getValue<bool>("verified"));
  EXPECT_EQ(o->getValue<std::string>("verifiedAt"), "2023-11-14T22:13:20Z");
  Obj s = domain_summary_json(d);
  EXPECT_EQ(json(s), R"({"id":42,"name":"example.org","verified":true,)"
                     R"("tenant_id":"cm6abc123def456","tenant_name":"Acme"})");
}

TEST(CredentialJson, KeyOnlyWhenGivenAndUsernameOnlyForSmtp) {
  store::CredentialRow c;
  c.id = 7;
  c.tenant_id = "cmtenant";
  c.name = "prod";
  c.type = "smtp";
  c.created_us = c.updated_us = 1700000000000000;
  Obj hidden = credential_json(c, std::nullopt);
  EXPECT_FALSE(hidden->has("key"));
  EXPECT_FALSE(hidden->has("smtpUsername"));
  ASSERT_TRUE(hidden->has("lastUsedAt"));
  EXPECT_TRUE(hidden->isNull("lastUsedAt"));
  Obj shown = credential_json(c, std::string("cred_x"));
  EXPECT_EQ(shown->getValue<std::string>("key"), "cred_x");
  EXPECT_EQ(shown->getValue<std::string>("smtpUsername"), "cmtenant/cred_x");
  c.type = "api";
  EXPECT_FALSE(credential_json(c, std::string("ark_x"))->has("smtpUsername"));
}

TEST(TrackJson, RecordAndStatus) {
  store::TrackRow t;
  t.id = 3;
  t.domain_id = 42;
  t.zone = "example.co.uk";
  t.name = "links";
  t.full_name = "links.mail.example.co.uk";
  t.created_us = t.updated_us = 1700000000000000;
  Obj o = track_json(t, "track.provider.test");
  EXPECT_EQ(o->getValue<std::string>("id"), "3");
  EXPECT_EQ(o->getValue<std::string>("domainId"), "42");
  EXPECT_FALSE(o->getValue<bool>("dnsOk"));
  EXPECT_TRUE(o->isNull("dnsStatus"));
  EXPECT_TRUE(o->isNull("excludedClickDomains"));
  EXPECT_EQ(json(o->getObject("dnsRecord")),
            R"({"name":"links.mail","type":"CNAME","value":"track.provider.test"})");
  t.dns_status = "ok";
  EXPECT_TRUE(track_verify_json(t, "track.provider.test")->getValue<bool>("dnsOk"));
}

TEST(WebhookJson, ScopeDecidesTheFields) {
  store::WebhookRow w;
  w.id = "12";
  w.uuid = "u";
  w.name = "n";
  w.url = "https://h.example.com/";
  w.events = {"MessageSent"};
  Obj tenant = webhook_json(w, store::WebhookScope::Tenant);
  EXPECT_TRUE(tenant->has("uuid"));
  EXPECT_TRUE(tenant->has("allEvents"));
  EXPECT_FALSE(tenant->has("updatedAt"));
  Obj platform = webhook_json(w, store::WebhookScope::Platform);
  EXPECT_FALSE(platform->has("uuid"));
  EXPECT_FALSE(platform->has("allEvents"));
  EXPECT_TRUE(platform->has("updatedAt"));
  EXPECT_FALSE(webhook_summary_json(w, store::WebhookScope::Tenant)->has("createdAt"));
  EXPECT_TRUE(webhook_summary_json(w, store::WebhookScope::Platform)->has("createdAt"));
}

TEST(DeliveryJson, PendingDeliveryHasNullOutcomeAndParsedPayload) {
  store::DeliveryRow d;
  d.id = "whr_1";
  d.webhook_id = "12";
  d.webhook_name = "n";
  d.event = "MessageSent";
  d.url = "https://h.example.com/";
  d.payload_json = R"({"event":"MessageSent","uuid":"x"})";
  d.request_headers_json = R"({"Content-Type":"application/json"})";
  d.created_us = 1700000000000000;
  Obj t = delivery_detail_json(d, store::WebhookScope::Tenant);
  EXPECT_FALSE(t->has("tenantId"));
  EXPECT_TRUE(t->isNull("statusCode"));
  EXPECT_EQ(t->getValue<std::string>("timestamp"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(t->getObject("request")->getObject("payload")->getValue<std::string>("uuid"), "x");
  EXPECT_TRUE(t->getObject("response")->has("statusCode"));
  EXPECT_FALSE(t->getObject("response")->has("duration"));
  Obj p = delivery_detail_json(d, store::WebhookScope::Platform);
  ASSERT_TRUE(p->has("tenantId"));
  EXPECT_EQ(p->getValue<std::string>("tenantId"), "") << "a test send: no tenant, still a string";
  EXPECT_TRUE(p->getObject("response")->has("duration"));
  d.attempted_us = 1700000001000000;
  d.status_code = 200;
  EXPECT_EQ(
      delivery_summary_json(d, store::WebhookScope::Tenant)->getValue<std::string>("timestamp"),
      "2023-11-14T22:13:21Z");
}

}  // namespace
}  // namespace ark::admind::api
