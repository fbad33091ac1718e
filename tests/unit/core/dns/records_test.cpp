// Record building and checking against the in-memory resolver. Rows are named after the
// one edge they cover.
#include "core/dns/records.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/dns/fake_resolver.h"

namespace ark::dns {
namespace {

constexpr const char* kKey = "k=rsa;t=s;p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxyz";

RecordNaming naming() {
  RecordNaming n;
  n.spf_include = "spf.brand.test";
  n.return_path_host = "rp.brand.test";
  n.return_path_prefix = "psrp";
  n.dkim_selector_prefix = "brand";
  n.dmarc_rua = "dmarc@brand.test";
  return n;
}

TEST(BuildRecords, SubdomainNamesAreRelativeToTheZone) {
  auto r = build_records("Mail.Example.com", naming(), "abc123", kKey);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->domain, "mail.example.com");
  EXPECT_EQ(r->zone, "example.com");
  EXPECT_EQ(r->spf.type, RecordType::Txt);
  EXPECT_EQ(r->spf.name, "mail");
  EXPECT_EQ(r->spf.full_name, "mail.example.com");
  EXPECT_EQ(r->spf.value, "v=spf1 a mx include:spf.brand.test ~all");
  EXPECT_EQ(r->dkim.name, "brand-abc123._domainkey.mail");
  EXPECT_EQ(r->dkim.full_name, "brand-abc123._domainkey.mail.example.com");
  EXPECT_EQ(r->dkim.value, kKey);
  EXPECT_EQ(r->return_path.type, RecordType::Cname);
  EXPECT_EQ(r->return_path.name, "psrp.mail");
  EXPECT_EQ(r->return_path.full_name, "psrp.mail.example.com");
  EXPECT_EQ(r->return_path.value, "rp.brand.test");
  EXPECT_EQ(r->dmarc.name, "_dmarc.mail");
  EXPECT_EQ(r->dmarc.value, "v=DMARC1; p=none; rua=mailto:dmarc@brand.test");
  EXPECT_STREQ(to_string(r->return_path.type), "CNAME");
}

TEST(BuildRecords, ApexUsesAt) {
  RecordNaming n = naming();
  n.dmarc_rua.clear();
  auto r = build_records("example.co.uk", n, "abc123", kKey).value();
  EXPECT_EQ(r.zone, "example.co.uk");
  EXPECT_EQ(r.spf.name, "@");
  EXPECT_EQ(r.spf.full_name, "example.co.uk");
  EXPECT_EQ(r.dkim.name, "brand-abc123._domainkey");
  EXPECT_EQ(r.return_path.name, "psrp");
  EXPECT_EQ(r.dmarc.name, "_dmarc");
  EXPECT_EQ(r.dmarc.value, "v=DMARC1; p=none");
}

TEST(BuildRecords, BadInputsAreInvalid) {
  EXPECT_FALSE(build_records("co.uk", naming(), "abc123", kKey).ok());
  EXPECT_FALSE(build_records("not a domain", naming(), "abc123", kKey).ok());
  EXPECT_FALSE(build_records("example.com", naming(), "", kKey).ok());
  EXPECT_FALSE(build_records("example.com", naming(), "AB_C", kKey).ok());
  EXPECT_FALSE(build_records("example.com", naming(), std::string(60, 'a'), kKey).ok());
  RecordNaming n = naming();
  n.spf_include.clear();
  EXPECT_FALSE(build_records("example.com", n, "abc123", kKey).ok());
}

TEST(ApiStatus, Spelling) {
  EXPECT_EQ(api_status(RecordStatus::Ok), "OK");
  EXPECT_EQ(api_status(RecordStatus::Missing), "Missing");
  EXPECT_EQ(api_status(RecordStatus::Invalid), "Invalid");
  EXPECT_EQ(api_status(RecordStatus::LookupFailed), std::nullopt);
}

// ---- checks ----

struct Fixture {
  FakeResolver dns;
  RecordNaming n = naming();
  DomainRecords rec = build_records("mail.example.com", n, "abc123", kKey).value();

  void publish_all() {
    dns.set_txt("mail.example.com", {"google-site-verification=x", rec.spf.value});
    dns.set_txt(rec.dkim.full_name, {rec.dkim.value});
    dns.set_cname(rec.return_path.full_name, "rp.brand.test");
    dns.set_txt("_dmarc.mail.example.com", {rec.dmarc.value});
    dns.set_mx("mail.example.com", {{10, "mx.example.com"}});
  }
};

struct CheckRow {
  const char* edge;
  std::function<void(Fixture&)> change;
  std::function<RecordCheck(Fixture&)> check;
  RecordStatus want;
  LookupStatus lookup;
};

std::vector<CheckRow> rows() {
  auto spf = [](Fixture& f) { return check_spf(f.dns, f.rec, f.n); };
  auto dkim = [](Fixture& f) { return check_dkim(f.dns, f.rec); };
  auto rp = [](Fixture& f) { return check_return_path(f.dns, f.rec, f.n); };
  auto dmarc = [](Fixture& f) { return check_dmarc(f.dns, f.rec); };
  auto mx = [](Fixture& f) { return check_mx(f.dns, f.rec, f.n); };
  using S = RecordStatus;
  using L = LookupStatus;
  auto set_spf = [](std::vector<std::string> v) {
    return [v](Fixture& f) { f.dns.set_txt("mail.example.com", v); };
  };
  auto set_dkim = [](std::vector<std::string> v) {
    return [v](Fixture& f) { f.dns.set_txt(f.rec.dkim.full_name, v); };
  };
  return {
      {"spf_ok_among_other_txt", [](Fixture&) {}, spf, S::Ok, L::Ok},
      {"spf_ok_plus_qualifier_and_case", set_spf({"V=SPF1 +include:SPF.Brand.Test. -all"}), spf,
       S::Ok, L::Ok},
      {"spf_name_gone", [](Fixture& f) { f.dns.remove("mail.example.com"); }, spf, S::Missing,
       L::NxDomain},
      {"spf_only_other_txt", set_spf({"hello"}), spf, S::Missing, L::Ok},
      {"spf_prefix_lookalike_is_not_spf", set_spf({"v=spf10 include:spf.brand.test"}), spf,
       S::Missing, L::Ok},
      {"spf_without_include", set_spf({"v=spf1 mx ~all"}), spf, S::Invalid, L::Ok},
      {"spf_include_other_host", set_spf({"v=spf1 include:spf.brand.test.evil ~all"}), spf,
       S::Invalid, L::Ok},
      {"spf_softfail_qualified_include_is_not_ours", set_spf({"v=spf1 ~include:spf.brand.test"}),
       spf, S::Invalid, L::Ok},
      {"spf_two_records", set_spf({"v=spf1 include:spf.brand.test ~all", "v=spf1 -all"}), spf,
       S::Invalid, L::Ok},
      {"spf_timeout", [](Fixture& f) { f.dns.fail("mail.example.com", L::Timeout); }, spf,
       S::LookupFailed, L::Timeout},
      {"spf_servfail", [](Fixture& f) { f.dns.fail("mail.example.com", L::ServFail); }, spf,
       S::LookupFailed, L::ServFail},
      {"dkim_ok", [](Fixture&) {}, dkim, S::Ok, L::Ok},
      {"dkim_ok_other_spelling",
       set_dkim({"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A "
                 "MIIBCgKCAQEAxyz"}),
       dkim, S::Ok, L::Ok},
      {"dkim_ok_no_k_means_rsa", set_dkim({"p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxyz"}),
       dkim, S::Ok, L::Ok},
      {"dkim_missing", [](Fixture& f) { f.dns.remove(f.rec.dkim.full_name); }, dkim, S::Missing,
       L::NxDomain},
      {"dkim_other_key", set_dkim({"k=rsa;t=s;p=MIIBother"}), dkim, S::Invalid, L::Ok},
      {"dkim_revoked_empty_p", set_dkim({"k=rsa;p="}), dkim, S::Invalid, L::Ok},
      {"dkim_wrong_k", set_dkim({"k=ed25519;p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxyz"}),
       dkim, S::Invalid, L::Ok},
      {"dkim_wrong_version",
       set_dkim({"v=DKIM2;k=rsa;p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxyz"}), dkim,
       S::Invalid, L::Ok},
      {"dkim_two_records", set_dkim({kKey, kKey}), dkim, S::Invalid, L::Ok},
      {"dkim_refused", [](Fixture& f) { f.dns.fail(f.rec.dkim.full_name, L::Refused); }, dkim,
       S::LookupFailed, L::Refused},
      {"rp_ok", [](Fixture&) {}, rp, S::Ok, L::Ok},
      {"rp_ok_case_and_dot",
       [](Fixture& f) { f.dns.set_cname(f.rec.return_path.full_name, "RP.brand.test."); }, rp,
       S::Ok, L::Ok},
      {"rp_other_target",
       [](Fixture& f) { f.dns.set_cname(f.rec.return_path.full_name, "rp.other.test"); }, rp,
       S::Invalid, L::Ok},
      {"rp_name_without_cname",
       [](Fixture& f) {
         f.dns.remove(f.rec.return_path.full_name);
         f.dns.set_txt(f.rec.return_path.full_name, {"x"});
       },
       rp, S::Missing, L::NoData},
      {"rp_timeout", [](Fixture& f) { f.dns.fail(f.rec.return_path.full_name, L::Timeout); }, rp,
       S::LookupFailed, L::Timeout},
      {"dmarc_ok_at_domain", [](Fixture&) {}, dmarc, S::Ok, L::Ok},
      {"dmarc_ok_at_zone",
       [](Fixture& f) {
         f.dns.remove("_dmarc.mail.example.com");
         f.dns.set_txt("_dmarc.example.com", {"v=DMARC1; p=reject"});
       },
       dmarc, S::Ok, L::Ok},
      {"dmarc_missing_everywhere", [](Fixture& f) { f.dns.remove("_dmarc.mail.example.com"); },
       dmarc, S::Missing, L::NxDomain},
      {"dmarc_two_records",
       [](Fixture& f) {
         f.dns.set_txt("_dmarc.mail.example.com", {"v=DMARC1; p=none", "v=DMARC1; p=reject"});
       },
       dmarc, S::Invalid, L::Ok},
      {"dmarc_zone_servfail",
       [](Fixture& f) {
         f.dns.remove("_dmarc.mail.example.com");
         f.dns.fail("_dmarc.example.com", L::ServFail);
       },
       dmarc, S::LookupFailed, L::ServFail},
      {"mx_any_when_unconfigured", [](Fixture&) {}, mx, S::Ok, L::Ok},
      {"mx_listed_host", [](Fixture& f) { f.n.mx_hosts = {"MX.example.com."}; }, mx, S::Ok, L::Ok},
      {"mx_not_listed", [](Fixture& f) { f.n.mx_hosts = {"mx.brand.test"}; }, mx, S::Invalid,
       L::Ok},
      {"mx_none", [](Fixture& f) { f.dns.set_mx("mail.example.com", {}); }, mx, S::Missing,
       L::NoData},
  };
}

TEST(CheckRecords, Table) {
  for (const CheckRow& row : rows()) {
    Fixture f;
    f.publish_all();
    row.change(f);
    RecordCheck c = row.check(f);
    EXPECT_EQ(c.status, row.want) << row.edge << ": " << c.error;
    EXPECT_EQ(c.lookup, row.lookup) << row.edge;
    EXPECT_EQ(c.status == RecordStatus::Ok, c.error.empty()) << row.edge << ": " << c.error;
  }
}

TEST(CheckRecords, FoundValuesAreReported) {
  Fixture f;
  f.publish_all();
  f.dns.set_txt(f.rec.dkim.full_name, {"k=rsa;p=OLD"});
  RecordCheck c = check_dkim(f.dns, f.rec);
  EXPECT_EQ(c.found, std::vector<std::string>{"k=rsa;p=OLD"});
  f.dns.set_mx("mail.example.com", {{10, "a.example.com"}, {20, "b.example.com"}});
  EXPECT_EQ(check_mx(f.dns, f.rec, f.n).found,
            (std::vector<std::string>{"10 a.example.com", "20 b.example.com"}));
}

TEST(CheckDomain, VerifiedOnlyWithTheThreeRequiredRecords) {
  Fixture f;
  f.publish_all();
  DomainCheck all = check_domain(f.dns, f.rec, f.n);
  EXPECT_TRUE(all.verified());
  EXPECT_TRUE(all.conclusive());

  f.dns.remove("_dmarc.mail.example.com");  // DMARC and MX are not required
  f.dns.set_mx("mail.example.com", {});
  EXPECT_TRUE(check_domain(f.dns, f.rec, f.n).verified());

  f.dns.remove(f.rec.dkim.full_name);
  DomainCheck broken = check_domain(f.dns, f.rec, f.n);
  EXPECT_FALSE(broken.verified());
  EXPECT_TRUE(broken.conclusive());
}

TEST(CheckDomain, DnsOutageIsInconclusiveNotMissing) {
  Fixture f;
  f.publish_all();
  f.dns.fail(f.rec.dkim.full_name, LookupStatus::Timeout);
  f.dns.fail(f.rec.return_path.full_name, LookupStatus::ServFail);
  DomainCheck d = check_domain(f.dns, f.rec, f.n);
  EXPECT_FALSE(d.verified());
  EXPECT_FALSE(d.conclusive());
  EXPECT_EQ(d.dkim.status, RecordStatus::LookupFailed);
  EXPECT_EQ(d.dkim.lookup, LookupStatus::Timeout);
  EXPECT_NE(d.dkim.error.find("timeout"), std::string::npos) << d.dkim.error;
  EXPECT_EQ(d.return_path.lookup, LookupStatus::ServFail);
  EXPECT_EQ(d.spf.status, RecordStatus::Ok);
  EXPECT_GE(f.dns.lookups(), 5);
}

}  // namespace
}  // namespace ark::dns
