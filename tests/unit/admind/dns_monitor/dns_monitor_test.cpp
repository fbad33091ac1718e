// DnsMonitor's pure parts: when a check is an alert state, and the DomainDNSError payload
// (behaviour.md Appendix C.2), built from real record checks against a FakeResolver.
#include "admind/dns_monitor/dns_monitor.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "core/dns/fake_resolver.h"

namespace ark::admind::dns_monitor {
namespace {

dns::RecordNaming naming() {
  dns::RecordNaming n;
  n.spf_include = "spf.ark.test";
  n.return_path_host = "rp.ark.test";
  n.dkim_selector_prefix.clear();
  return n;
}

class AlertTest : public ::testing::Test {
 protected:
  AlertTest() {
    auto rec = dns::build_records("mail.example.com", naming(), "ark-sel", "k=rsa;t=s;p=AAAA");
    EXPECT_TRUE(rec.ok());
    records_ = *rec;
    dns_.set_txt("mail.example.com", {"v=spf1 a mx include:spf.ark.test ~all"});
    dns_.set_txt("ark-sel._domainkey.mail.example.com", {"k=rsa;t=s;p=AAAA"});
    dns_.set_cname("psrp.mail.example.com", "rp.ark.test");
  }
  dns::DomainCheck check() const { return dns::check_domain(dns_, records_, naming()); }

  dns::FakeResolver dns_;
  dns::DomainRecords records_;
};

TEST_F(AlertTest, VerifiedDomainHasNoAlert) {
  EXPECT_EQ(alert_fingerprint(check()), std::nullopt);
}

TEST_F(AlertTest, FingerprintNamesEachRequiredRecord) {
  dns_.remove("ark-sel._domainkey.mail.example.com");
  EXPECT_EQ(alert_fingerprint(check()), "spf=OK dkim=Missing return_path=OK");
  dns_.set_txt("ark-sel._domainkey.mail.example.com", {"k=rsa;t=s;p=BBBB"});
  dns_.set_cname("psrp.mail.example.com", "elsewhere.test");
  EXPECT_EQ(alert_fingerprint(check()), "spf=OK dkim=Invalid return_path=Invalid");
}

TEST_F(AlertTest, PayloadCarriesDomainTimeAndStatuses) {
  dns_.remove("ark-sel._domainkey.mail.example.com");
  MonitoredDomain d;
  d.id = 42;
  d.uuid = "u-1";
  d.name = "mail.example.com";
  d.tenant_id = "t1";
  std::string text = dns_error_payload(d, check(), 1700000000500000);
  auto o = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  auto domain = o->getObject("domain");
  EXPECT_EQ(domain->getValue<int64_t>("id"), 42);
  EXPECT_EQ(domain->getValue<std::string>("uuid"), "u-1");
  EXPECT_EQ(domain->getValue<std::string>("name"), "mail.example.com");
  EXPECT_EQ(domain->getValue<std::string>("tenant_id"), "t1");
  EXPECT_DOUBLE_EQ(o->getValue<double>("dns_checked_at"), 1700000000.5);
  EXPECT_EQ(o->getValue<std::string>("spf_status"), "OK");
  EXPECT_TRUE(o->isNull("spf_error"));
  EXPECT_EQ(o->getValue<std::string>("dkim_status"), "Missing");
  EXPECT_FALSE(o->getValue<std::string>("dkim_error").empty());
  EXPECT_EQ(o->getValue<std::string>("return_path_status"), "OK");
  EXPECT_TRUE(o->has("mx_status"));
}

}  // namespace
}  // namespace ark::admind::dns_monitor
