#include <gtest/gtest.h>

#include "core/config/config.h"

namespace ark::config {
namespace {

Schema test_schema() {
  Schema s("test");
  s.add({"name", KeyType::String, "x", "a name"});
  s.add({"db.port", KeyType::Int, "3306", "port", {}, 1, 65535});
  s.add({"db.timeout", KeyType::Duration, "3s", "timeout", {}, 1, 60000});
  s.add({"limit", KeyType::Size, "1MB", "size"});
  s.add({"on_error", KeyType::Enum, "tempfail", "action", {"tempfail", "accept", "reject"}});
  s.add({"roles", KeyType::List, "api,logs", "roles", {"api", "logs"}});
  s.add({"debug", KeyType::Bool, "false", "debug"});
  return s;
}

TEST(Config, DefaultsFillEveryKey) {
  auto c = parse_config(test_schema(), "", "t.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->get_string("name"), "x");
  EXPECT_EQ(c->get_int("db.port"), 3306);
  EXPECT_EQ(c->get_duration_ms("db.timeout"), 3000);
  EXPECT_EQ(c->get_size("limit"), 1024 * 1024);
  EXPECT_EQ(c->get_list("roles"), (std::vector<std::string>{"api", "logs"}));
  EXPECT_FALSE(c->get_bool("debug"));
}

TEST(Config, NestedValuesOverrideDefaults) {
  auto c = parse_config(test_schema(), "db:\n  port: 13306\n  timeout: 250ms\nroles: [api]\n",
                        "t.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->get_int("db.port"), 13306);
  EXPECT_EQ(c->get_duration_ms("db.timeout"), 250);
  EXPECT_TRUE(c->has_item("roles", "api"));
  EXPECT_FALSE(c->has_item("roles", "logs"));
}

struct BadCase {
  const char* name;
  const char* yaml;
  const char* key;  // the key the error must name
};

class ConfigRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigRejects, NamesTheKey) {
  auto c = parse_config(test_schema(), GetParam().yaml, "t.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().field, GetParam().key);
  EXPECT_NE(c.error().message.find(GetParam().key), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("t.yaml"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigRejects,
    ::testing::Values(BadCase{"unknown_top", "nmae: y\n", "nmae"},
                      BadCase{"unknown_nested", "db:\n  prot: 1\n", "db.prot"},
                      BadCase{"int_not_number", "db:\n  port: abc\n", "db.port"},
                      BadCase{"int_out_of_range", "db:\n  port: 70000\n", "db.port"},
                      BadCase{"duration_without_unit", "db:\n  timeout: 30\n", "db.timeout"},
                      BadCase{"duration_bad_unit", "db:\n  timeout: 3w\n", "db.timeout"},
                      BadCase{"duration_over_max", "db:\n  timeout: 2m\n", "db.timeout"},
                      BadCase{"size_without_unit", "limit: 10\n", "limit"},
                      BadCase{"enum_unknown", "on_error: drop\n", "on_error"},
                      BadCase{"list_unknown_item", "roles: [api, web]\n", "roles"},
                      BadCase{"bool_not_bool", "debug: maybe\n", "debug"},
                      BadCase{"sequence_for_scalar", "name: [a, b]\n", "name"}),
    [](const auto& tc) { return std::string(tc.param.name); });

TEST(Config, SyntaxErrorIsReported) {
  auto c = parse_config(test_schema(), "db: [unclosed\n", "t.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("YAML"), std::string::npos);
}

TEST(Config, TopLevelMustBeMapping) {
  EXPECT_FALSE(parse_config(test_schema(), "- a\n- b\n", "t.yaml").ok());
}

TEST(Config, SampleRoundTripsThroughTheParser) {
  // The rendered sample is itself a valid config equal to the defaults.
  std::string sample = render_sample(test_schema());
  auto c = parse_config(test_schema(), sample, "sample");
  ASSERT_TRUE(c.ok()) << c.error().message << "\n" << sample;
  EXPECT_EQ(c->get_int("db.port"), 3306);
  EXPECT_EQ(c->get_list("roles"), (std::vector<std::string>{"api", "logs"}));
  EXPECT_NE(sample.find("duration"), std::string::npos);
}

TEST(Config, UnitParsers) {
  EXPECT_EQ(parse_duration_ms("1d").value(), 86400000);
  EXPECT_EQ(parse_size("2GB").value(), 2LL * 1024 * 1024 * 1024);
  EXPECT_FALSE(parse_size("-1MB").ok());
  EXPECT_FALSE(parse_duration_ms("").ok());
}

}  // namespace
}  // namespace ark::config
