// The installed SDK is enough to build a plugin out of tree: install the ark-plugin-dev
// component into a temporary prefix, build the installed example with CMake
// (find_package(ArkPlugin)) and the source example with pkg-config, then load both with the
// plugin host and deliver an event.
#include <gtest/gtest.h>

#include <filesystem>

#include "admind/events/plugin_host.h"
#include "tests/unit/admind/events/test_support.h"

namespace ark::events {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

std::string q(const fs::path& p) {
  return shell_quote(p.string());
}

// Loads dir/example.so with a fresh host and delivers one event; returns the log lines.
std::vector<std::string> load_and_deliver(const fs::path& dir) {
  testing::RecordingServices rec;
  PluginHost host(dir, rec.services());
  auto plugin = host.load("example.so");
  EXPECT_TRUE(plugin.ok()) << plugin.error().message;
  if (!plugin.ok()) {
    return {};
  }
  EXPECT_EQ((*plugin)->name(), "example");
  auto instance = host.instantiate(**plugin, "oot", {{"label", "out-of-tree"}});
  EXPECT_TRUE(instance.ok()) << instance.error().message;
  PluginEvent ev;
  ev.name = "MessageBounced";
  ev.uuid = "oot-1";
  ev.body = "{}";
  EXPECT_EQ((*instance)->deliver(ev, testing::deadline_in_ms(5000)).result, DeliveryResult::Ok);
  EXPECT_EQ(rec.counter("example_events"), 1u);
  return rec.lines();
}

bool has_line(const std::vector<std::string>& lines, const std::string& fragment) {
  for (const std::string& l : lines) {
    if (l.find(fragment) != std::string::npos) {
      return true;
    }
  }
  return false;
}

class SdkInstall : public ::testing::Test {
 protected:
  void SetUp() override {
    auto install =
        run_command(std::string(ARK_CMAKE_COMMAND) + " --install " + q(ARK_PLUGINS_BINARY_DIR) +
                    " --component ark-plugin-dev --prefix " + q(prefix()));
    ASSERT_EQ(install.exit_code, 0) << install.output;
  }
  fs::path prefix() const { return tmp_ / "prefix"; }

  TempDir tmp_;
};

TEST_F(SdkInstall, InstallsHeadersCMakePackagePkgConfigAndExample) {
  const fs::path include = ARK_INSTALL_INCLUDEDIR "/ark-plugin";
  const fs::path cmake = ARK_INSTALL_LIBDIR "/cmake/ArkPlugin";
  const fs::path share = ARK_INSTALL_DATADIR;
  for (const fs::path& f :
       {include / "ark_plugin.h", include / "ark_plugin_sdk.h", cmake / "ArkPluginConfig.cmake",
        cmake / "ArkPluginConfigVersion.cmake", cmake / "ArkPluginTargets.cmake",
        share / "pkgconfig/ark-plugin.pc", share / "ark-plugin/example/CMakeLists.txt",
        share / "ark-plugin/example/example_plugin.cpp", share / "ark-plugin/ark_plugin.map"}) {
    EXPECT_TRUE(fs::exists(prefix() / f)) << f;
  }
  EXPECT_FALSE(fs::exists(prefix() / ARK_PLUGIN_INSTALL_DIR / "webhook.so"))
      << "modules are another component";
}

TEST_F(SdkInstall, ExampleBuildsWithFindPackageAndLoads) {
  fs::path build = tmp_ / "build-cmake";
  auto configure =
      run_command(std::string(ARK_CMAKE_COMMAND) + " -S " +
                  q(prefix() / ARK_INSTALL_DATADIR / "ark-plugin/example") + " -B " + q(build) +
                  " -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=" + q(prefix()) +
                  " -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF");
  ASSERT_EQ(configure.exit_code, 0) << configure.output;
  auto compile = run_command(std::string(ARK_CMAKE_COMMAND) + " --build " + q(build));
  ASSERT_EQ(compile.exit_code, 0) << compile.output;
  // Nothing from the source tree was used: the include path is the installed one.
  auto grep = run_command("grep -rl " + shell_quote(ARK_PLUGINS_SOURCE_DIR) + " " + q(build));
  EXPECT_NE(grep.exit_code, 0) << "build refers to the source tree:\n" << grep.output;
  EXPECT_EQ(testing::exported_functions(build / "example.so"),
            std::vector<std::string>{"ark_plugin_entry"});
  EXPECT_TRUE(has_line(load_and_deliver(build),
                       "example/oot: label=out-of-tree event=MessageBounced uuid=oot-1"));
}

TEST_F(SdkInstall, ExampleBuildsWithPkgConfigAndLoads) {
  std::string env =
      "PKG_CONFIG_PATH=" + q(prefix() / ARK_INSTALL_DATADIR / "pkgconfig") + " PKG_CONFIG_LIBDIR=";
  auto version = run_command(env + " " ARK_PKG_CONFIG " --modversion ark-plugin");
  ASSERT_EQ(version.exit_code, 0) << version.output;
  EXPECT_EQ(version.output, ARK_PLUGIN_ABI_VERSION "\n");
  auto cflags = run_command(env + " " ARK_PKG_CONFIG " --cflags ark-plugin");
  ASSERT_EQ(cflags.exit_code, 0) << cflags.output;
  std::string flags = cflags.output.substr(0, cflags.output.find('\n'));
  ASSERT_EQ(flags.rfind("-I", 0), 0u) << flags;
  EXPECT_EQ(fs::canonical(flags.substr(2, flags.find(' ') - 2)),
            fs::canonical(prefix() / ARK_INSTALL_INCLUDEDIR / "ark-plugin"));

  auto map = run_command(env + " " ARK_PKG_CONFIG " --variable=exportmap ark-plugin");
  ASSERT_EQ(map.exit_code, 0) << map.output;
  std::string map_file = map.output.substr(0, map.output.find('\n'));
  EXPECT_EQ(fs::canonical(map_file),
            fs::canonical(prefix() / ARK_INSTALL_DATADIR / "ark-plugin/ark_plugin.map"));

  fs::path out = tmp_ / "build-pc";
  fs::create_directories(out);
  auto compile = run_command(
      std::string(ARK_CXX_COMPILER) + " -std=c++17 -shared -fPIC -fvisibility=hidden " + flags +
      " " + q(ARK_PLUGINS_SOURCE_DIR "/example/example_plugin.cpp") +
      " -Wl,--version-script=" + shell_quote(map_file) + " -o " + q(out / "example.so"));
  ASSERT_EQ(compile.exit_code, 0) << compile.output;
  EXPECT_EQ(testing::exported_functions(out / "example.so"),
            std::vector<std::string>{"ark_plugin_entry"});
  EXPECT_TRUE(has_line(load_and_deliver(out),
                       "example/oot: label=out-of-tree event=MessageBounced uuid=oot-1"));
}

TEST_F(SdkInstall, FindPackageRefusesAnotherAbiMajor) {
  fs::path src = tmp_ / "wants-v2";
  fs::create_directories(src);
  testing::write_file(src / "CMakeLists.txt",
                      "cmake_minimum_required(VERSION 3.16)\nproject(v2 NONE)\n"
                      "find_package(ArkPlugin 2 REQUIRED CONFIG)\n");
  auto configure =
      run_command(std::string(ARK_CMAKE_COMMAND) + " -S " + q(src) + " -B " + q(tmp_ / "build-v2") +
                  " -DArkPlugin_DIR=" + q(prefix() / ARK_INSTALL_LIBDIR / "cmake/ArkPlugin"));
  EXPECT_NE(configure.exit_code, 0) << configure.output;
  EXPECT_NE(configure.output.find("ArkPluginConfig.cmake, version: " ARK_PLUGIN_ABI_VERSION),
            std::string::npos)
      << configure.output;
}

}  // namespace
}  // namespace ark::events
