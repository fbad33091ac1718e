#include "core/config/daemon_args.h"

#include <string_view>

namespace ark::config {

bool parse_daemon_args(int argc, const char* const* argv, const std::string& default_path,
                       DaemonArgs* out) {
  *out = DaemonArgs{default_path};
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      out->config_path = argv[++i];
    } else if (arg.starts_with("--config=") && arg.size() > 9) {
      out->config_path = std::string(arg.substr(9));
    } else if (arg == "--check-config") {
      out->check_config = true;
    } else if (arg == "--print-default-config") {
      out->print_default = true;
    } else {
      return false;
    }
  }
  return true;
}

std::string daemon_usage(const std::string& daemon) {
  return "usage: " + daemon + " [--config FILE] [--check-config | --print-default-config]\n";
}

}  // namespace ark::config
