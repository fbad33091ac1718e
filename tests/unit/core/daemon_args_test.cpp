// The command line the three daemons share (core/config/daemon_args.h).
#include "core/config/daemon_args.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <variant>
#include <vector>

#include "core/base/exit_codes.h"

namespace ark::config {
namespace {

bool parse(std::vector<const char*> argv, DaemonArgs* out) {
  argv.insert(argv.begin(), "ark-test");
  return parse_daemon_args(static_cast<int>(argv.size()), argv.data(), "/etc/ark/test.yaml", out);
}

TEST(DaemonArgs, DefaultsWithoutArguments) {
  DaemonArgs a;
  ASSERT_TRUE(parse({}, &a));
  EXPECT_EQ(a.config_path, "/etc/ark/test.yaml");
  EXPECT_FALSE(a.check_config);
  EXPECT_FALSE(a.print_default);
}

TEST(DaemonArgs, BothConfigFormsAndTheModes) {
  DaemonArgs a;
  ASSERT_TRUE(parse({"--config", "/tmp/a.yaml", "--check-config"}, &a));
  EXPECT_EQ(a.config_path, "/tmp/a.yaml");
  EXPECT_TRUE(a.check_config);
  DaemonArgs b;
  ASSERT_TRUE(parse({"--config=/tmp/b.yaml", "--print-default-config"}, &b));
  EXPECT_EQ(b.config_path, "/tmp/b.yaml");
  EXPECT_TRUE(b.print_default);
}

TEST(DaemonArgs, UnknownOrIncompleteArgumentsAreRefused) {
  DaemonArgs a;
  EXPECT_FALSE(parse({"--verbose"}, &a));
  EXPECT_FALSE(parse({"--config"}, &a)) << "a --config without its file";
  EXPECT_FALSE(parse({"--config="}, &a));
  EXPECT_FALSE(parse({"/etc/ark/test.yaml"}, &a)) << "a bare path is not an option";
  EXPECT_EQ(daemon_usage("ark-x"),
            "usage: ark-x [--config FILE] [--check-config | --print-default-config]\n");
}

TEST(DaemonArgs, LoadDaemonConfigGivesTheConfigOrTheExitCode) {
  Schema schema("test");
  schema.add({"log.level", KeyType::String, "info", "how much to log"});
  std::string path = testing::TempDir() + "daemon_args_test.yaml";
  { std::ofstream(path) << "log:\n  level: debug\n"; }
  std::vector<const char*> argv = {"ark-test", "--config", path.c_str()};
  DaemonArgs a;
  auto loaded = load_daemon_config(3, argv.data(), "ark-test", "/nonexistent.yaml", schema, &a);
  ASSERT_TRUE(std::holds_alternative<Config>(loaded));
  EXPECT_EQ(std::get<Config>(loaded).get_string("log.level"), "debug");

  std::vector<const char*> bad = {"ark-test", "--what"};
  auto usage = load_daemon_config(2, bad.data(), "ark-test", path, schema, &a);
  ASSERT_TRUE(std::holds_alternative<int>(usage));
  EXPECT_EQ(std::get<int>(usage), base::kExitUsage);

  std::vector<const char*> none = {"ark-test"};
  auto missing = load_daemon_config(1, none.data(), "ark-test", "/nonexistent.yaml", schema, &a);
  ASSERT_TRUE(std::holds_alternative<int>(missing));
  EXPECT_EQ(std::get<int>(missing), base::kExitConfig);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ark::config
