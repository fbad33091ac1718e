// The save-time webhook URL check (admind/webhooks/url_policy.h): one row per edge.
#include "admind/webhooks/url_policy.h"

#include <gtest/gtest.h>

namespace ark::admind::webhooks {
namespace {

struct Row {
  const char* name;
  const char* url;
  bool ok_strict;   // allow_http = false, allow_private = false
  bool ok_relaxed;  // both allowed
};

const Row kRows[] = {
    {"https_name", "https://hooks.example.com/ark?x=1", true, true},
    {"scheme_case", "HTTPS://Hooks.Example.COM", true, true},
    {"explicit_port", "https://hooks.example.com:8443/", true, true},
    {"underscore_label", "https://_hook.example.com/", true, true},
    {"http_needs_config", "http://hooks.example.com/", false, true},
    {"ftp_never", "ftp://hooks.example.com/", false, false},
    {"no_scheme", "hooks.example.com/ark", false, false},
    {"userinfo", "https://user:pw@hooks.example.com/", false, false},
    {"userinfo_no_password", "https://user@hooks.example.com/", false, false},
    {"port_zero", "https://hooks.example.com:0/", false, false},
    {"port_too_big", "https://hooks.example.com:65536/", false, false},
    {"port_not_number", "https://hooks.example.com:https/", false, false},
    {"empty_port", "https://hooks.example.com:/", false, false},
    {"no_host", "https:///path", false, false},
    {"space", "https://hooks.exa mple.com/", false, false},
    {"control_char", "https://hooks.example.com/\n", false, false},
    {"leading_hyphen", "https://-hooks.example.com/", false, false},
    {"empty_label", "https://hooks..example.com/", false, false},
    {"public_ipv4", "https://93.184.216.34/", true, true},
    {"loopback_ipv4", "https://127.0.0.1/", false, true},
    {"loopback_ipv4_other", "https://127.8.9.10:9000/", false, true},
    {"short_numeric_ipv4", "https://127.1/", false, false},
    {"decimal_ipv4", "https://2130706433/", false, false},
    {"hex_ipv4", "https://0x7f.0.0.1/", false, false},
    {"private_10", "https://10.1.2.3/", false, true},
    {"private_172_16", "https://172.16.0.1/", false, true},
    {"private_172_31", "https://172.31.255.255/", false, true},
    {"public_172_32", "https://172.32.0.1/", true, true},
    {"private_192_168", "https://192.168.1.1/", false, true},
    {"link_local_metadata", "https://169.254.169.254/latest/", false, true},
    {"cgnat", "https://100.64.0.1/", false, true},
    {"this_network", "https://0.0.0.0/", false, true},
    {"benchmarking", "https://198.18.0.1/", false, true},
    {"multicast", "https://224.0.0.1/", false, true},
    {"broadcast", "https://255.255.255.255/", false, true},
    {"ipv6_loopback", "https://[::1]/", false, true},
    {"ipv6_unspecified", "https://[::]/", false, true},
    {"ipv6_link_local", "https://[fe80::1]/", false, true},
    {"ipv6_unique_local", "https://[fd12::1]:8443/", false, true},
    {"ipv6_multicast", "https://[ff02::1]/", false, true},
    {"ipv6_mapped_loopback", "https://[::ffff:127.0.0.1]/", false, true},
    {"ipv6_mapped_public", "https://[::ffff:93.184.216.34]/", true, true},
    {"nat64_private", "https://[64:ff9b::a00:1]/", false, true},
    {"ipv6_public", "https://[2606:4700::1111]/", true, true},
    {"ipv6_without_brackets", "https://::1/", false, false},
    {"ipv4_in_brackets", "https://[127.0.0.1]/", false, false},
    {"unterminated_bracket", "https://[::1/", false, false},
    {"localhost", "https://localhost/", false, true},
    {"localhost_trailing_dot", "https://LOCALHOST./", false, true},
    {"sub_localhost", "https://api.localhost:8080/", false, true},
    {"localhost_lookalike", "https://localhost.example.com/", true, true},
};

class UrlPolicyTable : public ::testing::TestWithParam<Row> {};

TEST_P(UrlPolicyTable, Decides) {
  const Row& row = GetParam();
  auto strict = check_webhook_url(row.url, UrlPolicy{false, false});
  auto relaxed = check_webhook_url(row.url, UrlPolicy{true, true});
  EXPECT_EQ(!strict.has_value(), row.ok_strict) << row.url << ": " << strict.value_or("ok");
  EXPECT_EQ(!relaxed.has_value(), row.ok_relaxed) << row.url << ": " << relaxed.value_or("ok");
}

INSTANTIATE_TEST_SUITE_P(Rows, UrlPolicyTable, ::testing::ValuesIn(kRows),
                         [](const auto& row) { return std::string(row.param.name); });

TEST(UrlPolicy, HttpAndPrivateAreSeparateSwitches) {
  EXPECT_FALSE(check_webhook_url("http://hooks.example.com/", {true, false}).has_value());
  EXPECT_TRUE(check_webhook_url("http://127.0.0.1/", {true, false}).has_value());
  EXPECT_TRUE(check_webhook_url("http://127.0.0.1/", {false, true}).has_value());
  EXPECT_FALSE(check_webhook_url("https://127.0.0.1/", {false, true}).has_value());
}

TEST(UrlPolicy, ReasonsNameTheProblem) {
  EXPECT_NE(check_webhook_url("http://h.example.com/", {})->find("https"), std::string::npos);
  EXPECT_NE(check_webhook_url("https://10.0.0.1/", {})->find("private"), std::string::npos);
  EXPECT_NE(check_webhook_url("https://u@h.example.com/", {})->find("credentials"),
            std::string::npos);
}

TEST(UrlPolicy, ClassifiesIpLiterals) {
  EXPECT_EQ(classify_ip_literal("8.8.8.8"), HostClass::Public);
  EXPECT_EQ(classify_ip_literal("127.0.0.53"), HostClass::Loopback);
  EXPECT_EQ(classify_ip_literal("::1"), HostClass::Loopback);
  EXPECT_EQ(classify_ip_literal("192.168.0.1"), HostClass::Private);
  EXPECT_FALSE(classify_ip_literal("example.com").has_value());
  EXPECT_FALSE(classify_ip_literal("127.1").has_value());
}

}  // namespace
}  // namespace ark::admind::webhooks
