// PluginHost: loading rules (directory, permissions, ABI version checks), marshalling of
// events and reports across the C ABI, and the in-tree example and jsonl plugins.
#include "admind/events/plugin_host.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.h"

namespace ark::events {
namespace {

namespace fs = std::filesystem;
using testing::RecordingServices;
using testing::TempDir;

// In-tree plugin modules (example.so, jsonl.so, webhook.so) and the ABI test variants.
const fs::path kModules = ARK_PLUGIN_BUILD_DIR;
const fs::path kVariants = ARK_TEST_PLUGIN_DIR;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A private plugin directory holding copies of the named modules.
class PluginDir {
 public:
  explicit PluginDir(std::initializer_list<fs::path> files) {
    fs::permissions(dir_.path(), fs::perms(0755));
    for (const fs::path& f : files) {
      fs::copy_file(f, dir_ / f.filename().string());
    }
  }
  const fs::path& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

TEST(PluginHost, LoadsTheExamplePluginAndDelivers) {
  RecordingServices rec;
  PluginHost host(kModules, rec.services());
  auto plugin = host.load("example.so");
  ASSERT_TRUE(plugin.ok()) << plugin.error().message;
  EXPECT_EQ((*plugin)->name(), "example");
  EXPECT_EQ((*plugin)->version(), "1.0.0");
  EXPECT_EQ((*plugin)->role(), PluginRole::Sink);
  EXPECT_EQ((*plugin)->abi_minor(), 0u);

  auto instance = host.instantiate(**plugin, "audit", {{"label", "blue"}});
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  PluginEvent ev;
  ev.name = "MessageSent";
  ev.uuid = "0b6f6a2e-1d3c-4c55-9a51-4c1d2f3e4a5b";
  ev.body = R"({"event":"MessageSent"})";
  DeliveryOutcome out = (*instance)->deliver(ev, testing::deadline_in_ms(5000));
  EXPECT_EQ(out.result, DeliveryResult::Ok) << out.error;
  EXPECT_EQ(rec.counter("example_events"), 1u);
  bool seen = false;
  for (const std::string& line : rec.lines()) {
    seen = seen || (contains(line, "example/audit: ") && contains(line, "label=blue") &&
                    contains(line, "event=MessageSent") && contains(line, std::string(ev.uuid)));
  }
  EXPECT_TRUE(seen) << "no attributed log line from the example plugin";
}

TEST(PluginHost, ExamplePluginReportsInvalidEventsAndMissedDeadlines) {
  PluginHost host(kModules, PluginHostServices::defaults());
  auto plugin = host.load("example.so");
  ASSERT_TRUE(plugin.ok()) << plugin.error().message;
  auto instance = host.instantiate(**plugin, "x", {});
  ASSERT_TRUE(instance.ok());
  PluginEvent no_uuid;
  no_uuid.name = "MessageSent";
  EXPECT_EQ((*instance)->deliver(no_uuid, testing::deadline_in_ms(1000)).result,
            DeliveryResult::Invalid);
  PluginEvent late = no_uuid;
  late.uuid = "u";
  DeliveryOutcome out = (*instance)->deliver(late, testing::deadline_in_ms(0));
  EXPECT_EQ(out.result, DeliveryResult::Retry);
  EXPECT_TRUE(contains(out.error, "deadline")) << out.error;
}

TEST(PluginHost, LoadsTheJsonlPlugin) {
  TempDir tmp;
  PluginHost host(kModules, PluginHostServices::defaults());
  auto plugin = host.load("jsonl.so");
  ASSERT_TRUE(plugin.ok()) << plugin.error().message;
  EXPECT_EQ((*plugin)->name(), "jsonl");
  EXPECT_EQ((*plugin)->role(), PluginRole::Sink);
  auto instance = host.instantiate(**plugin, "file", {{"path", (tmp / "events.jsonl").string()}});
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  PluginEvent ev;
  ev.name = "MessageHeld";
  ev.uuid = "u-1";
  ev.body = R"({"event":"MessageHeld","uuid":"u-1"})";
  EXPECT_EQ((*instance)->deliver(ev, testing::deadline_in_ms(5000)).result, DeliveryResult::Ok);
  EXPECT_EQ(testing::read_file(tmp / "events.jsonl"), std::string(ev.body) + "\n");
}

TEST(PluginHost, LoadingTheSameFileTwiceGivesTheSameRecord) {
  PluginHost host(kModules, PluginHostServices::defaults());
  auto a = host.load("example.so");
  auto b = host.load("example.so");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

struct RefusalCase {
  const char* file;
  std::vector<const char*> expected;  // every fragment must be in the error message
};

class PluginHostRefuses : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(PluginHostRefuses, WithAClearMessageNamingTheFile) {
  const RefusalCase& c = GetParam();
  PluginDir dir({kVariants / c.file});
  PluginHost host(dir.path(), PluginHostServices::defaults());
  auto loaded = host.load(c.file);
  ASSERT_FALSE(loaded.ok()) << c.file << " was loaded";
  EXPECT_EQ(loaded.error().kind, base::ErrorKind::Invalid);
  const std::string& msg = loaded.error().message;
  EXPECT_TRUE(contains(msg, (dir.path() / c.file).string()) ||
              contains(msg, (fs::canonical(dir.path()) / c.file).string()))
      << msg;
  for (const char* fragment : c.expected) {
    EXPECT_TRUE(contains(msg, fragment)) << "missing '" << fragment << "' in: " << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AbiChecks, PluginHostRefuses,
    ::testing::Values(RefusalCase{"abi_other_major.so", {"ABI major 2", "host ABI 1.0", "rebuild"}},
                      RefusalCase{"abi_minor_too_new.so", {"needs ABI 1.1", "host has ABI 1.0"}},
                      RefusalCase{"abi_short_struct.so", {"struct_size", "ABI 1.0 requires"}},
                      RefusalCase{"abi_refuses_host.so", {"refused host ABI 1.0"}},
                      RefusalCase{"abi_no_entry.so", {"does not export ark_plugin_entry"}}));

TEST(PluginHost, RefusesAFileThatIsNotALibrary) {
  TempDir dir;
  testing::write_file(dir / "garbage.so", "this is not an ELF file\n");
  PluginHost host(dir.path(), PluginHostServices::defaults());
  auto loaded = host.load("garbage.so");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(contains(loaded.error().message, "cannot load")) << loaded.error().message;
}

TEST(PluginHost, LoadsOnlyPlainNamesFromTheConfiguredDirectory) {
  TempDir outside;
  fs::copy_file(kModules / "example.so", outside / "example.so");
  PluginDir dir({});
  fs::create_symlink(outside / "example.so", dir.path() / "escape.so");
  PluginHost host(dir.path(), PluginHostServices::defaults());
  for (const char* name : {"../example.so", "sub/example.so", "example.txt", ".hidden.so", "",
                           "escape.so", "missing.so"}) {
    auto loaded = host.load(name);
    EXPECT_FALSE(loaded.ok()) << "loaded '" << name << "'";
  }
  EXPECT_TRUE(contains(host.load("escape.so").error().message, "not a regular file in the plugin"));
}

TEST(PluginHost, RefusesFilesAndDirectoriesOthersCanWrite) {
  PluginDir dir({kModules / "example.so"});
  PluginHost host(dir.path(), PluginHostServices::defaults());
  fs::permissions(dir.path() / "example.so", fs::perms(0664));
  auto loaded = host.load("example.so");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(contains(loaded.error().message, "file is writable by group or others"));
  fs::permissions(dir.path() / "example.so", fs::perms(0644));
  fs::permissions(dir.path(), fs::perms(0777));
  loaded = host.load("example.so");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(contains(loaded.error().message, "plugin directory is writable by group"));
  fs::permissions(dir.path(), fs::perms(0755));
  EXPECT_TRUE(host.load("example.so").ok());
}

TEST(PluginHost, PassesEveryEventFieldAndReadsTheReport) {
  RecordingServices rec;
  PluginDir dir({kVariants / "abi_echo.so"});
  PluginHost host(dir.path(), rec.services());
  auto plugin = host.load("abi_echo.so");
  ASSERT_TRUE(plugin.ok()) << plugin.error().message;
  EXPECT_EQ((*plugin)->role(), PluginRole::HttpTransport);
  {
    auto instance = host.instantiate(**plugin, "echo", {});
    ASSERT_TRUE(instance.ok()) << instance.error().message;
    StringPairs headers = {{"X-Ark-Signature", "c2ln"}, {"Content-Type", "application/json"}};
    PluginEvent ev{"MessageSent", "uuid-7", "tenant-3", "{\"a\":1}",     "https://h.example/x",
                   &headers,      2,        3,          1704672000123456};
    DeliveryOutcome out = (*instance)->deliver(ev, testing::deadline_in_ms(1000));
    EXPECT_EQ(out.result, DeliveryResult::Ok);
    EXPECT_EQ(out.status_code, 299);
    EXPECT_EQ(out.response_excerpt,
              "MessageSent|uuid-7|tenant-3|https://h.example/x|3|2|1704672000123456|{\"a\":1}|"
              "X-Ark-Signature=c2ln;Content-Type=application/json;");
    EXPECT_TRUE(rec.lines().empty());
  }
  ASSERT_EQ(rec.lines().size(), 1u);  // destroy() ran exactly once, with the instance's name
  EXPECT_EQ(rec.lines()[0], "abi-variant/echo: destroyed");
}

TEST(PluginHost, PluginConfigurationErrorsNameTheInstance) {
  PluginDir dir({kVariants / "abi_echo.so"});
  PluginHost host(dir.path(), PluginHostServices::defaults());
  auto plugin = host.load("abi_echo.so");
  ASSERT_TRUE(plugin.ok());
  auto instance = host.instantiate(**plugin, "broken", {{"any", "thing"}});
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().kind, base::ErrorKind::Invalid);
  EXPECT_TRUE(contains(instance.error().message, "instance broken"));
  EXPECT_TRUE(contains(instance.error().message, "this plugin takes no configuration"));
}

TEST(PluginHost, UnknownResultIsRetryAndLengthsAreClamped) {
  PluginDir dir({kVariants / "abi_bad_result.so"});
  PluginHost host(dir.path(), PluginHostServices::defaults());
  auto plugin = host.load("abi_bad_result.so");
  ASSERT_TRUE(plugin.ok()) << plugin.error().message;
  auto instance = host.instantiate(**plugin, "bad", {});
  ASSERT_TRUE(instance.ok());
  PluginEvent ev;
  ev.name = "MessageSent";
  DeliveryOutcome out = (*instance)->deliver(ev, testing::deadline_in_ms(1000));
  EXPECT_EQ(out.result, DeliveryResult::Retry);
  EXPECT_EQ(out.error, "plugin returned unknown result 42");
  EXPECT_EQ(out.response_excerpt.size(), PluginInstance::kExcerptCapacity);
}

}  // namespace
}  // namespace ark::events
