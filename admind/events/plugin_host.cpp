#include "admind/events/plugin_host.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <system_error>

#include "core/base/metrics.h"

namespace ark::events {

using base::Error;
namespace fs = std::filesystem;

// Everything a plugin instance's callbacks need, at a stable address.
struct PluginInstance::HostContext {
  ark_host_v1 table{};
  std::string plugin;
  std::string instance;
  std::shared_ptr<const PluginHostServices> services;
};

namespace {

std::string_view view(ark_str_plugin s) {
  return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

ark_str_host host_str(std::string_view s) {
  return ark_str_host{s.data(), s.size()};
}

base::LogLevel to_level(ark_log_level level) {
  switch (level) {
    case ARK_LOG_DEBUG:
      return base::LogLevel::Debug;
    case ARK_LOG_WARNING:
      return base::LogLevel::Warning;
    case ARK_LOG_ERROR:
      return base::LogLevel::Error;
    default:
      return base::LogLevel::Info;
  }
}

// The C callbacks. They are called by plugin code, so nothing may escape them.
void cb_log(void* ctx, ark_log_level level, ark_str_plugin message) {
  try {
    auto* c = static_cast<PluginInstance::HostContext*>(ctx);
    c->services->log(to_level(level), c->plugin, c->instance, view(message));
  } catch (...) {
    // A failing log sink must not take the plugin's thread down with it.
  }
}
uint64_t cb_monotonic_ms(void* ctx) {
  return static_cast<PluginInstance::HostContext*>(ctx)->services->monotonic_ms();
}
uint64_t cb_wall_unix_ms(void* ctx) {
  return static_cast<PluginInstance::HostContext*>(ctx)->services->wall_unix_ms();
}
void cb_count(void* ctx, ark_str_plugin name, uint64_t delta) {
  try {
    static_cast<PluginInstance::HostContext*>(ctx)->services->count(view(name), delta);
  } catch (...) {
    // Metrics are best effort.
  }
}

std::unique_ptr<PluginInstance::HostContext> make_context(
    std::string plugin, std::string instance, std::shared_ptr<const PluginHostServices> s) {
  auto c = std::make_unique<PluginInstance::HostContext>();
  c->plugin = std::move(plugin);
  c->instance = std::move(instance);
  c->services = std::move(s);
  c->table.abi_major = ARK_PLUGIN_ABI_MAJOR;
  c->table.abi_minor = ARK_PLUGIN_ABI_MINOR;
  c->table.struct_size = sizeof(ark_host_v1);
  c->table.ctx = c.get();
  c->table.log = &cb_log;
  c->table.monotonic_ms = &cb_monotonic_ms;
  c->table.wall_unix_ms = &cb_wall_unix_ms;
  c->table.count = &cb_count;
  return c;
}

struct DlClose {
  void operator()(void* handle) const { dlclose(handle); }
};
using DlHandle = std::unique_ptr<void, DlClose>;

// Bytes of ark_plugin_v1 a plugin of ABI minor m must provide. Append a row per minor.
constexpr size_t kDescriptorSizeForMinor[] = {sizeof(ark_plugin_v1)};
static_assert(std::size(kDescriptorSizeForMinor) == ARK_PLUGIN_ABI_MINOR + 1,
              "add the descriptor size of the new ABI minor");

std::string host_abi() {
  return std::to_string(ARK_PLUGIN_ABI_MAJOR) + "." + std::to_string(ARK_PLUGIN_ABI_MINOR);
}

// Checks a descriptor against this host; returns the reason it is unusable, or "".
std::string check_descriptor(const ark_plugin_v1* d) {
  std::string plugin_abi = std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor);
  if (d->abi_major != ARK_PLUGIN_ABI_MAJOR) {
    return "plugin ABI major " + std::to_string(d->abi_major) + " (ABI " + plugin_abi +
           ") does not match host ABI " + host_abi() + "; rebuild the plugin against ark-plugin " +
           std::to_string(ARK_PLUGIN_ABI_MAJOR) + ".x";
  }
  if (d->abi_minor > ARK_PLUGIN_ABI_MINOR) {
    return "plugin needs ABI " + plugin_abi + " but this host has ABI " + host_abi() +
           "; upgrade ark-admind or rebuild the plugin against ABI " + host_abi();
  }
  if (d->struct_size < kDescriptorSizeForMinor[d->abi_minor]) {
    return "descriptor struct_size " + std::to_string(d->struct_size) + " is smaller than the " +
           std::to_string(kDescriptorSizeForMinor[d->abi_minor]) + " bytes ABI " + plugin_abi +
           " requires";
  }
  if (view(d->name).empty() || !d->create || !d->deliver || !d->destroy) {
    return "descriptor lacks a name or one of create/deliver/destroy";
  }
  if (d->role != ARK_PLUGIN_ROLE_SINK && d->role != ARK_PLUGIN_ROLE_HTTP_TRANSPORT) {
    return "unknown plugin role " + std::to_string(d->role);
  }
  return {};
}

// Refuses paths anyone but root or us could have written.
std::string check_permissions(const fs::path& path, const char* what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::string("cannot stat ") + what;
  }
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    return std::string(what) + " is owned by another user";
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return std::string(what) + " is writable by group or others";
  }
  return {};
}

}  // namespace

const char* to_string(DeliveryResult result) {
  switch (result) {
    case DeliveryResult::Ok:
      return "ok";
    case DeliveryResult::Retry:
      return "retry";
    case DeliveryResult::FailPermanent:
      return "fail_permanent";
    case DeliveryResult::Invalid:
      return "invalid";
  }
  return "retry";
}

PluginHostServices PluginHostServices::defaults() {
  PluginHostServices s;
  s.log = [](base::LogLevel level, std::string_view plugin, std::string_view instance,
             std::string_view message) {
    base::log(level, "plugin_log", {{"plugin", plugin}, {"instance", instance}, {"msg", message}});
  };
  s.monotonic_ms = [] {
    auto d = std::chrono::steady_clock::now().time_since_epoch();
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  s.wall_unix_ms = [] {
    auto d = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  s.count = [](std::string_view metric, uint64_t delta) {
    base::Metrics::global().add("ark_plugin_counter_total", {{"name", std::string(metric)}}, delta);
  };
  return s;
}

LoadedPlugin::LoadedPlugin(fs::path file, const ark_plugin_v1* descriptor)
    : file_(std::move(file)),
      descriptor_(descriptor),
      name_(view(descriptor->name)),
      version_(view(descriptor->version)) {}

PluginRole LoadedPlugin::role() const {
  return descriptor_->role == ARK_PLUGIN_ROLE_HTTP_TRANSPORT ? PluginRole::HttpTransport
                                                             : PluginRole::Sink;
}

PluginHost::PluginHost(fs::path directory, PluginHostServices services)
    : directory_(std::move(directory)),
      services_(std::make_shared<const PluginHostServices>(std::move(services))) {}

PluginHost::~PluginHost() = default;

base::Result<fs::path> PluginHost::locate(const std::string& file_name) const {
  std::string where = "plugin " + (directory_ / file_name).string() + ": ";
  if (file_name.empty() || file_name.find('/') != std::string::npos || file_name[0] == '.' ||
      file_name.size() < 4 || file_name.compare(file_name.size() - 3, 3, ".so") != 0) {
    return Error::invalid(where + "must be a plain file name ending in .so");
  }
  std::error_code ec;
  fs::path dir = fs::canonical(directory_, ec);
  if (ec) {
    return Error::invalid(where + "plugin directory: " + ec.message());
  }
  fs::path file = fs::canonical(dir / file_name, ec);
  if (ec) {
    return Error::invalid(where + ec.message());
  }
  if (file.parent_path() != dir || !fs::is_regular_file(file)) {
    return Error::invalid(where + "resolves to " + file.string() +
                          ", which is not a regular file in the plugin directory");
  }
  for (auto [path, what] : {std::pair{dir, "plugin directory"}, std::pair{file, "file"}}) {
    if (std::string bad = check_permissions(path, what); !bad.empty()) {
      return Error::invalid(where + bad);
    }
  }
  return file;
}

base::Result<const LoadedPlugin*> PluginHost::load(const std::string& file_name) {
  auto located = locate(file_name);
  if (!located) {
    return located.error();
  }
  fs::path file = *located;
  if (auto it = loaded_.find(file); it != loaded_.end()) {
    return it->second.get();
  }
  std::string where = "plugin " + file.string() + ": ";
  DlHandle handle(dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!handle) {
    const char* why = dlerror();
    return Error::invalid(where + "cannot load: " + (why ? why : "unknown dlopen error"));
  }
  auto entry = reinterpret_cast<ark_plugin_entry_fn>(dlsym(handle.get(), ARK_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) {
    return Error::invalid(where + "does not export " ARK_PLUGIN_ENTRY_SYMBOL);
  }
  auto context = make_context(file.filename().string(), "", services_);
  const ark_plugin_v1* descriptor = entry(&context->table);
  if (descriptor == nullptr) {
    return Error::invalid(where + "refused host ABI " + host_abi() +
                          " (built for another ABI major?); rebuild it against ark-plugin " +
                          std::to_string(ARK_PLUGIN_ABI_MAJOR) + ".x");
  }
  if (std::string bad = check_descriptor(descriptor); !bad.empty()) {
    return Error::invalid(where + bad);
  }
  handle.release();  // kept open for the process lifetime (see the header)
  auto plugin = std::make_unique<LoadedPlugin>(file, descriptor);
  const LoadedPlugin* result = plugin.get();
  loaded_.emplace(file, std::move(plugin));
  return result;
}

base::Result<std::unique_ptr<PluginInstance>> PluginHost::instantiate(
    const LoadedPlugin& plugin, const std::string& instance_name, const StringPairs& config) {
  std::vector<ark_pair_host> pairs;
  pairs.reserve(config.size());
  for (const auto& [name, value] : config) {
    pairs.push_back(ark_pair_host{host_str(name), host_str(value)});
  }
  auto context = make_context(plugin.name(), instance_name, services_);
  std::string error_text(PluginInstance::kErrorCapacity, '\0');
  ark_buf_host error{error_text.data(), error_text.size(), 0};
  ark_instance_plugin* instance = nullptr;
  ark_result rc =
      plugin.descriptor().create(&context->table, pairs.data(), pairs.size(), &instance, &error);
  if (rc != ARK_RESULT_OK || instance == nullptr) {
    error_text.resize(std::min(error.len, error_text.size()));
    return Error::invalid(
        "plugin " + plugin.file().string() + " instance " + instance_name +
        ": refused its configuration: " + (error_text.empty() ? "no reason given" : error_text));
  }
  return std::make_unique<PluginInstance>(plugin, std::move(context), instance);
}

PluginInstance::PluginInstance(const LoadedPlugin& plugin, std::unique_ptr<HostContext> context,
                               ark_instance_plugin* instance)
    : descriptor_(&plugin.descriptor()),
      plugin_name_(plugin.name()),
      role_(plugin.role()),
      context_(std::move(context)),
      instance_(instance) {}

PluginInstance::~PluginInstance() {
  descriptor_->destroy(instance_);
}

const std::string& PluginInstance::instance_name() const {
  return context_->instance;
}

namespace {

// The C view of a PluginEvent; headers_out keeps the header array alive.
ark_event_host_v1 to_raw_event(const PluginEvent& event, std::vector<ark_pair_host>* headers_out) {
  if (event.headers != nullptr) {
    for (const auto& [name, value] : *event.headers) {
      headers_out->push_back(ark_pair_host{host_str(name), host_str(value)});
    }
  }
  ark_event_host_v1 raw{};
  raw.struct_size = sizeof raw;
  raw.schema_version = event.schema_version;
  raw.attempt = event.attempt;
  raw.timestamp_unix_us = event.timestamp_unix_us;
  raw.name = host_str(event.name);
  raw.uuid = host_str(event.uuid);
  raw.tenant_id = host_str(event.tenant_id);
  raw.body = host_str(event.body);
  raw.url = host_str(event.url);
  raw.headers = headers_out->data();
  raw.header_count = headers_out->size();
  return raw;
}

DeliveryResult to_result(ark_result rc, bool* known) {
  *known = true;
  switch (rc) {
    case ARK_RESULT_OK:
      return DeliveryResult::Ok;
    case ARK_RESULT_RETRY:
      return DeliveryResult::Retry;
    case ARK_RESULT_FAIL_PERMANENT:
      return DeliveryResult::FailPermanent;
    case ARK_RESULT_INVALID:
      return DeliveryResult::Invalid;
    default:
      *known = false;
      return DeliveryResult::Retry;  // the ABI's rule for values it does not define
  }
}

}  // namespace

DeliveryOutcome PluginInstance::deliver(const PluginEvent& event, uint64_t deadline_ms) const {
  std::vector<ark_pair_host> headers;
  ark_event_host_v1 raw = to_raw_event(event, &headers);
  std::string excerpt(kExcerptCapacity, '\0');
  std::string error(kErrorCapacity, '\0');
  ark_report_host_v1 report{};
  report.struct_size = sizeof report;
  report.response_excerpt = ark_buf_host{excerpt.data(), excerpt.size(), 0};
  report.error = ark_buf_host{error.data(), error.size(), 0};

  uint64_t started = context_->services->monotonic_ms();
  ark_result rc = descriptor_->deliver(instance_, &raw, deadline_ms, &report);
  DeliveryOutcome out;
  out.duration_ms = context_->services->monotonic_ms() - started;
  out.status_code = report.status_code;
  excerpt.resize(std::min(report.response_excerpt.len, excerpt.size()));  // never trust len
  error.resize(std::min(report.error.len, error.size()));
  out.response_excerpt = std::move(excerpt);
  out.error = std::move(error);
  bool known = true;
  out.result = to_result(rc, &known);
  if (!known) {
    out.error = "plugin returned unknown result " + std::to_string(rc);
  }
  return out;
}

}  // namespace ark::events
