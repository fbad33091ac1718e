// ark_plugin_sdk.h: header-only C++17 SDK for Ark event plugins.
//
// It wraps the C ABI in ark_plugin.h so a plugin author writes one class:
//
//   class MyPlugin {
//    public:
//     MyPlugin(const ark::plugin::Host& host, const ark::plugin::Config& config);
//     ark::plugin::Outcome deliver(const ark::plugin::Event& event, uint64_t deadline_ms,
//                                  ark::plugin::Report& report);
//   };
//   ARK_PLUGIN_DEFINE(MyPlugin, "my-plugin", "1.0.0", ARK_PLUGIN_ROLE_SINK)
//
// and the macro exports ark_plugin_entry with the descriptor, create/deliver/destroy
// trampolines and the version check.
//
// Errors: the constructor and deliver() may throw. ark::plugin::Failure carries its own
// outcome; any other std::exception becomes ARK_RESULT_INVALID from the constructor (treat
// construction failures as configuration errors) and ARK_RESULT_RETRY from deliver() (the
// fail-safe: try again later). Nothing ever propagates across the C boundary.
//
// Ownership: Host, Config, Event and Report are views over host memory; they are valid only
// as long as the ABI says the underlying pointer is (Config and Event: during the call;
// Host: for the instance's lifetime). Copy strings you keep.
//
// Thread-safety: deliver() may run concurrently on one instance (see ark_plugin.h), so the
// plugin class guards its own mutable state. The SDK itself holds no mutable state.
#pragma once

#include <cstdint>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "ark_plugin.h"

namespace ark::plugin {

enum class Outcome : ark_result {
  Ok = ARK_RESULT_OK,
  Retry = ARK_RESULT_RETRY,
  FailPermanent = ARK_RESULT_FAIL_PERMANENT,
  Invalid = ARK_RESULT_INVALID,
};

enum class LogLevel : ark_log_level {
  Debug = ARK_LOG_DEBUG,
  Info = ARK_LOG_INFO,
  Warning = ARK_LOG_WARNING,
  Error = ARK_LOG_ERROR,
};

// Throw to end create() or deliver() with a chosen outcome and a one-line reason.
class Failure : public std::runtime_error {
 public:
  Failure(Outcome outcome, const std::string& message)
      : std::runtime_error(message), outcome_(outcome) {}
  Outcome outcome() const { return outcome_; }

 private:
  Outcome outcome_;
};

inline std::string_view view(ark_str_host s) {
  return s.len == 0 ? std::string_view() : std::string_view(s.ptr, s.len);
}

inline ark_str_plugin plugin_str(std::string_view s) {
  return ark_str_plugin{s.data(), s.size()};
}

// The host's callbacks. Copyable view; valid for the instance's lifetime.
class Host {
 public:
  explicit Host(const ark_host_v1* raw) : raw_(raw) {}

  void log(LogLevel level, std::string_view message) const {
    raw_->log(raw_->ctx, static_cast<ark_log_level>(level), plugin_str(message));
  }
  void debug(std::string_view m) const { log(LogLevel::Debug, m); }
  void info(std::string_view m) const { log(LogLevel::Info, m); }
  void warn(std::string_view m) const { log(LogLevel::Warning, m); }
  void error(std::string_view m) const { log(LogLevel::Error, m); }

  uint64_t monotonic_ms() const { return raw_->monotonic_ms(raw_->ctx); }
  uint64_t wall_unix_ms() const { return raw_->wall_unix_ms(raw_->ctx); }
  void count(std::string_view metric, uint64_t delta = 1) const {
    raw_->count(raw_->ctx, plugin_str(metric), delta);
  }
  // Milliseconds until deadline_ms on the host's monotonic clock; 0 once it has passed.
  uint64_t remaining_ms(uint64_t deadline_ms) const {
    uint64_t now = monotonic_ms();
    return deadline_ms > now ? deadline_ms - now : 0;
  }
  const ark_host_v1* raw() const { return raw_; }

 private:
  const ark_host_v1* raw_;
};

// The instance's configuration: flat name/value strings from admind's config file.
class Config {
 public:
  Config(const ark_pair_host* pairs, size_t count) : pairs_(pairs), count_(count) {}

  std::optional<std::string_view> get(std::string_view key) const {
    for (size_t i = 0; i < count_; ++i) {
      if (view(pairs_[i].name) == key) {
        return view(pairs_[i].value);
      }
    }
    return std::nullopt;
  }
  std::string_view get_or(std::string_view key, std::string_view fallback) const {
    return get(key).value_or(fallback);
  }
  // Throws Failure(Invalid) when the key is absent or empty.
  std::string_view require(std::string_view key) const {
    auto v = get(key);
    if (!v || v->empty()) {
      throw Failure(Outcome::Invalid, "missing config key '" + std::string(key) + "'");
    }
    return *v;
  }
  // Accepts true/false, yes/no, on/off, 1/0. Throws Failure(Invalid) on anything else.
  bool get_bool(std::string_view key, bool fallback) const {
    auto v = get(key);
    if (!v) {
      return fallback;
    }
    for (auto [text, value] : kBoolWords) {
      if (*v == text) {
        return value;
      }
    }
    throw Failure(Outcome::Invalid, "config key '" + std::string(key) + "' is not a boolean");
  }
  // A decimal integer in [min, max]. Throws Failure(Invalid) otherwise.
  uint64_t get_uint(std::string_view key, uint64_t fallback, uint64_t min, uint64_t max) const {
    auto v = get(key);
    if (!v) {
      return fallback;
    }
    uint64_t n = 0;
    bool ok = !v->empty() && v->size() <= 19;
    for (char c : *v) {
      ok = ok && c >= '0' && c <= '9';
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!ok || n < min || n > max) {
      throw Failure(Outcome::Invalid, "config key '" + std::string(key) +
                                          "' must be an integer in [" + std::to_string(min) + ", " +
                                          std::to_string(max) + "]");
    }
    return n;
  }
  // Unknown or repeated keys are configuration errors (house rule): throws Failure(Invalid).
  void allow_only(std::initializer_list<std::string_view> known) const {
    for (size_t i = 0; i < count_; ++i) {
      std::string_view name = view(pairs_[i].name);
      bool found = false;
      for (std::string_view k : known) {
        found = found || k == name;
      }
      if (!found) {
        throw Failure(Outcome::Invalid, "unknown config key '" + std::string(name) + "'");
      }
      for (size_t j = 0; j < i; ++j) {
        if (view(pairs_[j].name) == name) {
          throw Failure(Outcome::Invalid, "config key '" + std::string(name) + "' repeated");
        }
      }
    }
  }

 private:
  static constexpr std::pair<std::string_view, bool> kBoolWords[] = {
      {"true", true},   {"yes", true}, {"on", true},   {"1", true},
      {"false", false}, {"no", false}, {"off", false}, {"0", false}};
  const ark_pair_host* pairs_;
  size_t count_;
};

struct HeaderView {
  std::string_view name;
  std::string_view value;
};

// One event (and, for HTTP transports, its target). Valid during deliver() only.
class Event {
 public:
  explicit Event(const ark_event_host_v1* raw) : raw_(raw) {}

  std::string_view name() const { return view(raw_->name); }
  std::string_view uuid() const { return view(raw_->uuid); }
  std::string_view tenant_id() const { return view(raw_->tenant_id); }
  std::string_view body() const { return view(raw_->body); }
  std::string_view url() const { return view(raw_->url); }
  uint32_t schema_version() const { return raw_->schema_version; }
  uint32_t attempt() const { return raw_->attempt; }
  uint64_t timestamp_unix_us() const { return raw_->timestamp_unix_us; }
  size_t header_count() const { return raw_->headers == nullptr ? 0 : raw_->header_count; }
  HeaderView header(size_t i) const {
    return HeaderView{view(raw_->headers[i].name), view(raw_->headers[i].value)};
  }
  const ark_event_host_v1* raw() const { return raw_; }

 private:
  const ark_event_host_v1* raw_;
};

// Where deliver() reports the response and the reason for a non-OK result.
class Report {
 public:
  explicit Report(ark_report_host_v1* raw) : raw_(raw) {}

  void set_status_code(int code) { raw_->status_code = code; }
  // Copies at most the host's capacity; longer text is truncated.
  void set_response_excerpt(std::string_view bytes) { fill(&raw_->response_excerpt, bytes); }
  void set_error(std::string_view text) { fill(&raw_->error, text); }

  static void fill(ark_buf_host* buf, std::string_view text) {
    if (buf == nullptr || buf->ptr == nullptr) {
      return;
    }
    size_t n = text.size() < buf->cap ? text.size() : buf->cap;
    if (n > 0) {
      std::memcpy(buf->ptr, text.data(), n);
    }
    buf->len = n;
  }

 private:
  ark_report_host_v1* raw_;
};

namespace detail {

template <typename T>
struct Instance {
  Instance(Host h, const Config& config) : host(h), impl(host, config) {}
  Host host;
  T impl;
};

template <typename T>
ark_result create(const ark_host_v1* host, const ark_pair_host* config, size_t count,
                  ark_instance_plugin** out, ark_buf_host* error) noexcept {
  try {
    auto instance = std::make_unique<Instance<T>>(Host(host), Config(config, count));
    *out = reinterpret_cast<ark_instance_plugin*>(instance.release());
    return ARK_RESULT_OK;
  } catch (const Failure& f) {
    Report::fill(error, f.what());
    return f.outcome() == Outcome::Ok ? ARK_RESULT_INVALID : static_cast<ark_result>(f.outcome());
  } catch (const std::exception& e) {
    Report::fill(error, e.what());
  } catch (...) {
    Report::fill(error, "unknown exception in plugin constructor");
  }
  return ARK_RESULT_INVALID;
}

template <typename T>
ark_result deliver(ark_instance_plugin* instance, const ark_event_host_v1* event,
                   uint64_t deadline_ms, ark_report_host_v1* raw_report) noexcept {
  Report report(raw_report);
  try {
    auto* self = reinterpret_cast<Instance<T>*>(instance);
    return static_cast<ark_result>(self->impl.deliver(Event(event), deadline_ms, report));
  } catch (const Failure& f) {
    report.set_error(f.what());
    return static_cast<ark_result>(f.outcome());
  } catch (const std::exception& e) {
    report.set_error(e.what());
  } catch (...) {
    report.set_error("unknown exception in plugin deliver");
  }
  return ARK_RESULT_RETRY;
}

template <typename T>
void destroy(ark_instance_plugin* instance) noexcept {
  try {
    delete reinterpret_cast<Instance<T>*>(instance);
  } catch (...) {
    // A throwing destructor has nowhere to report; swallowing keeps the host alive.
  }
}

// Builds the descriptor once; refuses a host of another ABI major. The host checks the
// minor (ours must not be newer than its own) and logs the reason for a refusal.
template <typename T>
const ark_plugin_v1* entry(const ark_host_v1* host, std::string_view name, std::string_view version,
                           ark_plugin_role role) noexcept {
  if (host == nullptr || host->abi_major != ARK_PLUGIN_ABI_MAJOR) {
    return nullptr;
  }
  static const ark_plugin_v1 descriptor = {ARK_PLUGIN_ABI_MAJOR,
                                           ARK_PLUGIN_ABI_MINOR,
                                           sizeof(ark_plugin_v1),
                                           role,
                                           plugin_str(name),
                                           plugin_str(version),
                                           &create<T>,
                                           &deliver<T>,
                                           &destroy<T>};
  return &descriptor;
}

}  // namespace detail
}  // namespace ark::plugin

// Exports ark_plugin_entry for plugin class Type. name and version must be string literals
// (the descriptor points at them for the life of the process).
#define ARK_PLUGIN_DEFINE(Type, name, version, role)                                            \
  extern "C" ARK_PLUGIN_EXPORT const ark_plugin_v1* ark_plugin_entry(const ark_host_v1* host) { \
    return ::ark::plugin::detail::entry<Type>(host, "" name, "" version, (role));               \
  }
