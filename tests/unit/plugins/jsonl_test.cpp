// The jsonl plugin through the real plugin host: exactly one parseable line per event,
// also under concurrent delivery; refusal of non-objects; rotation; write errors; config.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "admind/events/plugin_host.h"
#include "tests/unit/admind/events/test_support.h"

namespace ark::events {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

std::string canonical_json(const std::string& text) {
  Poco::JSON::Parser parser;
  std::ostringstream out;
  parser.parse(text).extract<Poco::JSON::Object::Ptr>()->stringify(out);
  return out.str();
}

class Jsonl : public ::testing::Test {
 protected:
  Jsonl() : host_(ARK_PLUGIN_BUILD_DIR, PluginHostServices::defaults()) {}

  std::unique_ptr<PluginInstance> make(const StringPairs& config) {
    auto plugin = host_.load("jsonl.so");
    EXPECT_TRUE(plugin.ok()) << plugin.error().message;
    auto instance = host_.instantiate(**plugin, "file", config);
    EXPECT_TRUE(instance.ok()) << instance.error().message;
    return instance.ok() ? std::move(*instance) : nullptr;
  }
  base::Result<std::unique_ptr<PluginInstance>> try_make(const StringPairs& config) {
    return host_.instantiate(**host_.load("jsonl.so"), "file", config);
  }
  static DeliveryOutcome put(const PluginInstance& instance, const std::string& body) {
    PluginEvent ev;
    ev.name = "MessageSent";
    ev.uuid = "u";
    ev.body = body;
    return instance.deliver(ev, testing::deadline_in_ms(5000));
  }

  TempDir dir_;
  PluginHost host_;
};

// Pretty-printed with newlines and CRs, with UTF-8 and escaped newlines inside strings.
std::string event_body(int thread, int i) {
  std::string uuid = "uuid-" + std::to_string(thread) + "-" + std::to_string(i);
  return "{\r\n  \"event\": \"MessageSent\",\n  \"uuid\": \"" + uuid +
         "\",\n  \"payload\": {\"subject\": \"line1\\nline2 \xc3\xa9\", \"n\": " +
         std::to_string(i) + "}\n}\n";
}

TEST_F(Jsonl, WritesExactlyOneParseableLinePerEventFromManyThreads) {
  auto instance = make({{"path", (dir_ / "events.jsonl").string()}});
  ASSERT_NE(instance, nullptr);
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_EQ(put(*instance, event_body(t, i)).result, DeliveryResult::Ok);
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  std::vector<std::string> lines = lines_of(read_file(dir_ / "events.jsonl"));
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      expected.insert(canonical_json(event_body(t, i)));
    }
  }
  std::set<std::string> got;
  for (const std::string& line : lines) {
    got.insert(canonical_json(line));  // throws (fails the test) if a line is not JSON
  }
  EXPECT_EQ(got, expected);
}

TEST_F(Jsonl, RefusesBodiesThatAreNotJsonObjects) {
  auto instance = make({{"path", (dir_ / "events.jsonl").string()}, {"fsync", "never"}});
  ASSERT_NE(instance, nullptr);
  for (std::string bad :
       {std::string(""), std::string("  "), std::string("[1,2]"), std::string("hello"),
        std::string("{\"a\":1", 6), std::string("{\"a\"\0:1}", 8)}) {
    DeliveryOutcome out = put(*instance, bad);
    EXPECT_EQ(out.result, DeliveryResult::Invalid) << bad;
  }
  EXPECT_EQ(read_file(dir_ / "events.jsonl"), "");
  EXPECT_EQ(put(*instance, "{}").result, DeliveryResult::Ok);
  EXPECT_EQ(read_file(dir_ / "events.jsonl"), "{}\n");
}

TEST_F(Jsonl, StartsANewFileAfterRotation) {
  auto instance = make({{"path", (dir_ / "events.jsonl").string()}});
  ASSERT_NE(instance, nullptr);
  ASSERT_EQ(put(*instance, R"({"n":1})").result, DeliveryResult::Ok);
  fs::rename(dir_ / "events.jsonl", dir_ / "events.jsonl.1");
  ASSERT_EQ(put(*instance, R"({"n":2})").result, DeliveryResult::Ok);
  EXPECT_EQ(read_file(dir_ / "events.jsonl.1"), "{\"n\":1}\n");
  EXPECT_EQ(read_file(dir_ / "events.jsonl"), "{\"n\":2}\n");
}

TEST_F(Jsonl, AWriteErrorIsRetry) {
  auto instance = make({{"path", "/dev/full"}});
  ASSERT_NE(instance, nullptr);
  DeliveryOutcome out = put(*instance, R"({"n":1})");
  EXPECT_EQ(out.result, DeliveryResult::Retry);
  EXPECT_NE(out.error.find("No space left"), std::string::npos) << out.error;
}

TEST_F(Jsonl, RefusesBadConfiguration) {
  struct Case {
    StringPairs config;
    const char* fragment;
  } cases[] = {
      {{}, "missing config key 'path'"},
      {{{"path", "relative.jsonl"}}, "must be absolute"},
      {{{"path", (dir_ / "x").string()}, {"fsync", "sometimes"}}, "'fsync' must be"},
      {{{"path", (dir_ / "x").string()}, {"rotate", "daily"}}, "unknown config key 'rotate'"},
      {{{"path", (dir_ / "no-such-dir" / "x").string()}}, "cannot open"},
  };
  for (const Case& c : cases) {
    auto instance = try_make(c.config);
    ASSERT_FALSE(instance.ok()) << c.fragment;
    EXPECT_NE(instance.error().message.find(c.fragment), std::string::npos)
        << instance.error().message;
  }
}

}  // namespace
}  // namespace ark::events
