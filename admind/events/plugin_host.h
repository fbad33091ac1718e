// PluginHost: loads event plugins (.so files speaking plugins/abi/ark_plugin.h) and calls them.
//
// Protocol: style.md §8 and the comment at the top of ark_plugin.h. Loading a file:
//   1. The name must be a plain file name ending in ".so"; the file must resolve (after
//      symlinks) to a regular file directly inside the configured directory, owned by root
//      or by our effective user and not writable by group or others. The directory must not
//      be writable by group or others either. Nothing is ever loaded from another place.
//   2. dlopen(RTLD_NOW | RTLD_LOCAL): unresolved symbols fail here, not at first use, and
//      the plugin's symbols never interpose on admind's or another plugin's.
//   3. ark_plugin_entry(host table) must return a descriptor with our ABI major, a minor not
//      newer than ours, a struct_size covering every field of its minor, a name and all
//      three functions. Any failure is an Error (kind Invalid) whose message names the file
//      and says what to do; admind's startup turns it into one log line and exit code 78.
//   4. The handle stays open for the process lifetime (dlclose of code that may have
//      registered thread-local destructors or atexit handlers is unsafe); only a refused
//      file is closed again.
//
// Ownership: PluginHost owns the LoadedPlugin records (stable addresses until it dies;
// instances do not depend on them living). A PluginInstance owns the plugin's instance and
// calls destroy() exactly once, from its destructor; it keeps the host callback table its
// plugin may hold a pointer to alive until then.
// Thread-safety: load() and instantiate() are for startup, from one thread. deliver() may be
// called concurrently on one PluginInstance (the ABI requires plugins to allow it). The
// services' callbacks are called from plugin threads and must be thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ark_plugin.h"
#include "core/base/log.h"
#include "core/base/result.h"

namespace ark::events {

enum class PluginRole { Sink, HttpTransport };

enum class DeliveryResult { Ok, Retry, FailPermanent, Invalid };
const char* to_string(DeliveryResult result);

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// What plugins may call back into. Each field has a working default (defaults()).
struct PluginHostServices {
  // A line from plugin code; plugin and instance name who wrote it.
  std::function<void(base::LogLevel level, std::string_view plugin, std::string_view instance,
                     std::string_view message)>
      log;
  std::function<uint64_t()> monotonic_ms;  // the clock deliver() deadlines are on
  std::function<uint64_t()> wall_unix_ms;
  std::function<void(std::string_view metric, uint64_t delta)> count;

  // log -> base::log("plugin_log", ...), steady and system clocks, count -> nothing.
  static PluginHostServices defaults();
};

class LoadedPlugin {
 public:
  LoadedPlugin(std::filesystem::path file, const ark_plugin_v1* descriptor);
  const std::filesystem::path& file() const { return file_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  uint32_t abi_minor() const { return descriptor_->abi_minor; }
  PluginRole role() const;
  const ark_plugin_v1& descriptor() const { return *descriptor_; }

 private:
  std::filesystem::path file_;
  const ark_plugin_v1* descriptor_;  // owned by the plugin, static
  std::string name_;
  std::string version_;
};

// One event handed to one plugin instance. Views must stay valid during deliver().
struct PluginEvent {
  std::string_view name;
  std::string_view uuid;
  std::string_view tenant_id;
  std::string_view body;
  std::string_view url;                  // HTTP transports only
  const StringPairs* headers = nullptr;  // HTTP transports only
  uint32_t schema_version = 1;
  uint32_t attempt = 1;
  uint64_t timestamp_unix_us = 0;
};

struct DeliveryOutcome {
  DeliveryResult result = DeliveryResult::Retry;
  int status_code = 0;  // 0: no HTTP response
  std::string response_excerpt;
  std::string error;
  uint64_t duration_ms = 0;
};

class PluginInstance {
 public:
  struct HostContext;  // the per-instance callback table and its attribution
  PluginInstance(const LoadedPlugin& plugin, std::unique_ptr<HostContext> context,
                 ark_instance_plugin* instance);
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // Calls the plugin. deadline_ms is on services.monotonic_ms. Never throws; a result code
  // the ABI does not define is reported as Retry.
  DeliveryOutcome deliver(const PluginEvent& event, uint64_t deadline_ms) const;

  const std::string& plugin_name() const { return plugin_name_; }
  const std::string& instance_name() const;
  PluginRole role() const { return role_; }

  static constexpr size_t kExcerptCapacity = 4096;
  static constexpr size_t kErrorCapacity = 512;

 private:
  const ark_plugin_v1* descriptor_;
  std::string plugin_name_;
  PluginRole role_;
  std::unique_ptr<HostContext> context_;
  ark_instance_plugin* instance_;  // owned: destroy() in the destructor
};

class PluginHost {
 public:
  // directory: the only place plugins are loaded from.
  PluginHost(std::filesystem::path directory, PluginHostServices services);
  ~PluginHost();

  // Loads (or returns the already loaded) plugin file_name. Errors: Invalid, message naming
  // the file and the reason (see the header comment).
  base::Result<const LoadedPlugin*> load(const std::string& file_name);

  // Creates an instance named instance_name with its configuration pairs. Errors: Invalid
  // (the plugin refused the configuration; its reason is in the message).
  base::Result<std::unique_ptr<PluginInstance>> instantiate(const LoadedPlugin& plugin,
                                                            const std::string& instance_name,
                                                            const StringPairs& config);

 private:
  base::Result<std::filesystem::path> locate(const std::string& file_name) const;

  std::filesystem::path directory_;
  std::shared_ptr<const PluginHostServices> services_;
  std::map<std::filesystem::path, std::unique_ptr<LoadedPlugin>> loaded_;
};

}  // namespace ark::events
