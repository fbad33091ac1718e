// The command line the three daemons share (core/config/daemon_args.h).
#include "core/config/daemon_args.h"

#include <gtest/gtest.h>

#include <vector>

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

}  // namespace
}  // namespace ark::config
