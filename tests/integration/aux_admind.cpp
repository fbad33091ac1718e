#include "tests/integration/aux_admind.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "tests/integration/api_call.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) {
    out.push_back(l);
  }
  return out;
}

// Index of the top-level "section:" line, or -1.
int section_at(const std::vector<std::string>& lines, const std::string& section) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == section + ":") {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void set_key(std::vector<std::string>* lines, const std::string& dotted, const std::string& value) {
  size_t dot = dotted.find('.');
  if (dot == std::string::npos) {  // a top-level scalar such as roles
    for (auto& l : *lines) {
      if (l.rfind(dotted + ":", 0) == 0) {
        l = dotted + ": " + value;
        return;
      }
    }
    lines->push_back(dotted + ": " + value);
    return;
  }
  std::string section = dotted.substr(0, dot);
  std::string key = "  " + dotted.substr(dot + 1) + ":";
  int at = section_at(*lines, section);
  if (at < 0) {
    lines->push_back(section + ":");
    lines->push_back(key + " " + value);
    return;
  }
  for (size_t i = static_cast<size_t>(at) + 1; i < lines->size() && (*lines)[i].rfind("  ", 0) == 0;
       ++i) {
    if ((*lines)[i].rfind(key, 0) == 0) {
      (*lines)[i] = key + " " + value;
      return;
    }
  }
  lines->insert(lines->begin() + at + 1, key + " " + value);
}

}  // namespace

std::string admind_yaml_with(const std::string& yaml,
                             const std::map<std::string, std::string>& overrides) {
  auto lines = lines_of(yaml);
  for (const auto& [k, v] : overrides) {
    set_key(&lines, k, v);
  }
  std::string out;
  for (const auto& l : lines) {
    out += l + "\n";
  }
  return out;
}

AuxAdmind::AuxAdmind(const std::map<std::string, std::string>& overrides) {
  static int seq = 0;
  int port = std::stoi(env_get("ARK_API_PORT")) + 40 + (getpid() % 50) + (++seq);
  std::map<std::string, std::string> all = overrides;
  all["roles"] = "[api]";
  all["api.port"] = std::to_string(port);
  std::string dir = env_get("ARK_LOG_DIR");
  config_ = dir + "/aux-admind-" + std::to_string(port) + ".yaml";
  log_ = dir + "/aux-admind-" + std::to_string(port) + ".log";
  std::ofstream(config_) << admind_yaml_with(read_file(env_get("ARK_ADMIND_CONFIG")), all);
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::string bin = env_get("ARK_ADMIND_BIN");
    execl(bin.c_str(), bin.c_str(), "--config", config_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  url_ = "http://127.0.0.1:" + std::to_string(port);
  bool up = eventually(
      [&] {
        try {
          return call("GET", "/healthz", "", "", {}, false, url_).status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      20s);
  if (!up) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    throw std::runtime_error("aux admind did not come up; see " + log_ + ":\n" + read_file(log_));
  }
}

AuxAdmind::~AuxAdmind() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

}  // namespace ark::itest
