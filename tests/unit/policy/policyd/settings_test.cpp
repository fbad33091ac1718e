// ark-policyd's config: the etc/ sample is the rendered schema; validation names the key.
#include "policy/policyd/settings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ark::policyd {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(PolicydSettings, SampleIsCurrent) {
  EXPECT_EQ(read(std::string(ARK_SOURCE_DIR) + "/etc/policyd.yaml"),
            config::render_sample(policyd_schema()))
      << "re-render with: ark-policyd --print-default-config > etc/policyd.yaml";
}

TEST(PolicydSettings, DefaultsAreUsable) {
  auto cfg = config::parse_config(policyd_schema(), "", "test");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  auto s = policyd_settings(*cfg);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->socket_path, "/run/ark/policyd.sock");
  EXPECT_EQ(s->socket_mode, 0660u);
  EXPECT_TRUE(s->auth.require_secured);
  EXPECT_EQ(s->throttle.max_failures, 10);
  EXPECT_EQ(s->failure_delay_ms, 1000);
}

TEST(PolicydSettings, BadValuesNameTheKey) {
  struct Case {
    const char* yaml;
    const char* key;
  };
  for (const Case& c : {Case{"policyd:\n  socket: relative.sock\n", "policyd.socket"},
                        Case{"policyd:\n  socket_mode: \"0999\"\n", "policyd.socket_mode"}}) {
    SCOPED_TRACE(c.yaml);
    auto cfg = config::parse_config(policyd_schema(), c.yaml, "test");
    ASSERT_TRUE(cfg.ok());
    auto s = policyd_settings(*cfg);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, c.key);
  }
  EXPECT_FALSE(config::parse_config(policyd_schema(), "auth:\n  bogus: 1\n", "test").ok());
}

}  // namespace
}  // namespace ark::policyd
