#include "core/dns/zone.h"

#include <gtest/gtest.h>

namespace ark::dns {
namespace {

TEST(Zone, RegistrableDomainTable) {
  struct Row {
    const char* edge;
    const char* domain;
    const char* zone;
  };
  const Row rows[] = {
      {"apex_is_its_own_zone", "example.com", "example.com"},
      {"subdomain", "mail.example.com", "example.com"},
      {"deep_subdomain", "a.b.mail.example.com", "example.com"},
      {"two_label_suffix", "example.co.uk", "example.co.uk"},
      {"sub_of_two_label_suffix", "mail.example.co.uk", "example.co.uk"},
      {"upper_case_and_trailing_dot", "Mail.Example.COM.", "example.com"},
      {"punycode_label", "mail.xn--bcher-kva.example", "xn--bcher-kva.example"},
  };
  for (const Row& r : rows) {
    auto z = registrable_domain(r.domain);
    ASSERT_TRUE(z.ok()) << r.edge << ": " << z.error().message;
    EXPECT_EQ(*z, r.zone) << r.edge;
  }
}

TEST(Zone, RejectsSuffixesAndBadNames) {
  for (const char* bad : {"co.uk", "com", "localhost", "", ".", "a..b.com", "-a.example.com",
                          "a-.example.com", "a b.example.com", "a_b.example.com",
                          "b\xc3\xbc"
                          "cher.example"}) {
    auto z = registrable_domain(bad);
    ASSERT_FALSE(z.ok()) << bad;
    EXPECT_EQ(z.error().kind, base::ErrorKind::Invalid) << bad;
  }
  EXPECT_FALSE(normalize_domain(std::string(64, 'a') + ".example.com").ok());
  EXPECT_TRUE(normalize_domain(std::string(63, 'a') + ".example.com").ok());
}

}  // namespace
}  // namespace ark::dns
