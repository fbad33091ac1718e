// Helpers for the plugin host, signer and plugin tests: a temporary directory, running a
// command, small file I/O, and PluginHostServices that record what plugins log and count.
//
// Ownership: TempDir removes its directory tree when destroyed.
// Thread-safety: RecordingServices may be called from any thread (one mutex).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "admind/events/plugin_host.h"

namespace ark::events::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ark-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs cmd with /bin/sh; the caller quotes arguments.
inline CommandResult run_command(const std::string& cmd) {
  CommandResult r;
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return r;
  }
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) {
    r.output.append(buf, n);
  }
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// Services that record plugin log lines ("plugin/instance: message") and counters.
class RecordingServices {
 public:
  struct State {
    std::mutex mu;
    std::vector<std::string> lines;
    std::map<std::string, uint64_t> counters;
  };

  RecordingServices() : state_(std::make_shared<State>()) {}

  PluginHostServices services() const {
    PluginHostServices s = PluginHostServices::defaults();
    auto state = state_;
    s.log = [state](base::LogLevel, std::string_view plugin, std::string_view instance,
                    std::string_view message) {
      std::lock_guard<std::mutex> lock(state->mu);
      state->lines.push_back(std::string(plugin) + "/" + std::string(instance) + ": " +
                             std::string(message));
    };
    s.count = [state](std::string_view metric, uint64_t delta) {
      std::lock_guard<std::mutex> lock(state->mu);
      state->counters[std::string(metric)] += delta;
    };
    return s;
  }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->lines;
  }
  uint64_t counter(const std::string& name) const {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->counters.find(name);
    return it == state_->counters.end() ? 0 : it->second;
  }

 private:
  std::shared_ptr<State> state_;
};

// The function symbols a shared object exports (nm -D): T, W and i entries.
inline std::vector<std::string> exported_functions(const std::filesystem::path& file) {
  auto nm = run_command("nm -D --defined-only " + shell_quote(file.string()));
  std::vector<std::string> functions;
  if (nm.exit_code != 0) {
    return {"nm failed: " + nm.output};
  }
  std::istringstream lines(nm.output);
  std::string address, type, symbol;
  while (lines >> address >> type >> symbol) {
    if (type == "T" || type == "W" || type == "i") {
      functions.push_back(symbol);
    }
  }
  return functions;
}

inline uint64_t deadline_in_ms(uint64_t ms) {
  return PluginHostServices::defaults().monotonic_ms() + ms;
}

}  // namespace ark::events::testing
