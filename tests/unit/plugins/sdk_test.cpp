// The C ABI's frozen layout, the C++ SDK (config helpers, exceptions -> result codes), and
// the symbol hygiene of every in-tree plugin module.
#include "ark_plugin_sdk.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "admind/events/plugin_host.h"
#include "tests/unit/admind/events/test_support.h"

namespace ark::events {
namespace {

namespace fs = std::filesystem;

// ABI 1.0 on LP64. A failure here means the layout changed: that needs a new ABI major
// (or, for a field appended at the end, a new minor and a new row in the host's table).
static_assert(sizeof(ark_str_host) == 16 && sizeof(ark_buf_host) == 24);
static_assert(offsetof(ark_host_v1, ctx) == 16 && offsetof(ark_host_v1, count) == 48 &&
              sizeof(ark_host_v1) == 56);
static_assert(offsetof(ark_event_host_v1, timestamp_unix_us) == 16 &&
              offsetof(ark_event_host_v1, name) == 24 && offsetof(ark_event_host_v1, url) == 88 &&
              offsetof(ark_event_host_v1, header_count) == 112 && sizeof(ark_event_host_v1) == 120);
static_assert(offsetof(ark_report_host_v1, response_excerpt) == 8 &&
              sizeof(ark_report_host_v1) == 56);
static_assert(offsetof(ark_plugin_v1, role) == 12 && offsetof(ark_plugin_v1, name) == 16 &&
              offsetof(ark_plugin_v1, create) == 48 && sizeof(ark_plugin_v1) == 72);

TEST(AbiHeader, HasFieldComparesAgainstStructSize) {
  ark_event_host_v1 ev{};
  ev.struct_size = offsetof(ark_event_host_v1, url);
  EXPECT_TRUE(ARK_PLUGIN_HAS_FIELD(&ev, ark_event_host_v1, body));
  EXPECT_FALSE(ARK_PLUGIN_HAS_FIELD(&ev, ark_event_host_v1, url));
  ev.struct_size = sizeof ev;
  EXPECT_TRUE(ARK_PLUGIN_HAS_FIELD(&ev, ark_event_host_v1, header_count));
}

ark::plugin::Config config_of(const std::vector<ark_pair_host>& pairs) {
  return ark::plugin::Config(pairs.data(), pairs.size());
}

ark_pair_host pair(const char* name, const char* value) {
  return {{name, std::strlen(name)}, {value, std::strlen(value)}};
}

TEST(SdkConfig, ParsesBooleansAndIntegersStrictly) {
  std::vector<ark_pair_host> pairs = {pair("a", "yes"), pair("b", "off"),  pair("c", "maybe"),
                                      pair("n", "42"),  pair("big", "11"), pair("neg", "-1"),
                                      pair("empty", "")};
  auto config = config_of(pairs);
  EXPECT_TRUE(config.get_bool("a", false));
  EXPECT_FALSE(config.get_bool("b", true));
  EXPECT_TRUE(config.get_bool("missing", true));
  EXPECT_THROW(config.get_bool("c", false), ark::plugin::Failure);
  EXPECT_EQ(config.get_uint("n", 0, 0, 100), 42u);
  EXPECT_EQ(config.get_uint("missing", 9, 0, 100), 9u);
  EXPECT_THROW(config.get_uint("big", 0, 0, 10), ark::plugin::Failure);
  EXPECT_THROW(config.get_uint("neg", 0, 0, 10), ark::plugin::Failure);
  EXPECT_THROW(config.get_uint("empty", 0, 0, 10), ark::plugin::Failure);
  EXPECT_THROW(config.require("empty"), ark::plugin::Failure);
  EXPECT_EQ(config.require("n"), "42");
}

TEST(SdkConfig, UnknownAndRepeatedKeysAreInvalid) {
  std::vector<ark_pair_host> pairs = {pair("path", "/x"), pair("fsync", "always")};
  EXPECT_NO_THROW(config_of(pairs).allow_only({"path", "fsync"}));
  try {
    config_of(pairs).allow_only({"path"});
    FAIL() << "unknown key accepted";
  } catch (const ark::plugin::Failure& f) {
    EXPECT_EQ(f.outcome(), ark::plugin::Outcome::Invalid);
    EXPECT_STREQ(f.what(), "unknown config key 'fsync'");
  }
  pairs.push_back(pair("path", "/y"));
  EXPECT_THROW(config_of(pairs).allow_only({"path", "fsync"}), ark::plugin::Failure);
}

TEST(SdkReport, TruncatesToTheHostsCapacity) {
  char storage[4];
  ark_buf_host buf{storage, sizeof storage, 0};
  ark::plugin::Report::fill(&buf, "abcdef");
  EXPECT_EQ(buf.len, 4u);
  EXPECT_EQ(std::string(storage, buf.len), "abcd");
}

class SdkProbe : public ::testing::Test {
 protected:
  SdkProbe() : host_(ARK_TEST_PLUGIN_DIR, PluginHostServices::defaults()) {
    auto loaded = host_.load("sdk_probe.so");
    EXPECT_TRUE(loaded.ok()) << loaded.error().message;
    plugin_ = loaded.ok() ? *loaded : nullptr;
  }
  DeliveryOutcome deliver(const char* event_name) {
    auto instance = host_.instantiate(*plugin_, "probe", {{"flag", "true"}, {"count", "7"}});
    EXPECT_TRUE(instance.ok());
    PluginEvent ev;
    ev.name = event_name;
    return (*instance)->deliver(ev, testing::deadline_in_ms(1000));
  }
  PluginHost host_;
  const LoadedPlugin* plugin_ = nullptr;
};

TEST_F(SdkProbe, ConstructorExceptionsRefuseTheConfiguration) {
  ASSERT_NE(plugin_, nullptr);
  struct Case {
    StringPairs config;
    const char* message;
  } cases[] = {{{{"throw", "runtime"}}, "constructor failed"},
               {{{"throw", "failure"}}, "constructor refused"},
               {{{"throw", "int"}}, "unknown exception in plugin constructor"},
               {{{"count", "11"}}, "config key 'count' must be an integer in [1, 10]"},
               {{{"colour", "red"}}, "unknown config key 'colour'"}};
  for (const Case& c : cases) {
    auto instance = host_.instantiate(*plugin_, "probe", c.config);
    ASSERT_FALSE(instance.ok()) << c.message;
    EXPECT_NE(instance.error().message.find(c.message), std::string::npos)
        << instance.error().message;
  }
}

TEST_F(SdkProbe, DeliverExceptionsBecomeResultCodes) {
  ASSERT_NE(plugin_, nullptr);
  DeliveryOutcome ok = deliver("MessageSent");
  EXPECT_EQ(ok.result, DeliveryResult::Ok);
  EXPECT_EQ(ok.response_excerpt, "flag=1 count=7");

  DeliveryOutcome failure = deliver("failure");
  EXPECT_EQ(failure.result, DeliveryResult::FailPermanent);
  EXPECT_EQ(failure.error, "endpoint gone");

  DeliveryOutcome runtime = deliver("runtime");
  EXPECT_EQ(runtime.result, DeliveryResult::Retry);
  EXPECT_EQ(runtime.error, "deliver failed");

  DeliveryOutcome other = deliver("int");
  EXPECT_EQ(other.result, DeliveryResult::Retry);
  EXPECT_EQ(other.error, "unknown exception in plugin deliver");
}

// Only ark_plugin_entry may be exported as a function: everything else is hidden, so a
// plugin's internals never clash with admind's or another plugin's.
TEST(PluginModules, ExportOnlyTheEntryFunction) {
  for (const char* name : {"webhook.so", "jsonl.so", "example.so"}) {
    EXPECT_EQ(testing::exported_functions(fs::path(ARK_PLUGIN_BUILD_DIR) / name),
              std::vector<std::string>{"ark_plugin_entry"})
        << name;
  }
}

}  // namespace
}  // namespace ark::events
