#include "core/config/daemon_args.h"

#include <iostream>
#include <string_view>

#include "core/base/exit_codes.h"

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

std::variant<Config, int> load_daemon_config(int argc, const char* const* argv,
                                             const std::string& daemon,
                                             const std::string& default_path, const Schema& schema,
                                             DaemonArgs* args) {
  if (!parse_daemon_args(argc, argv, default_path, args)) {
    std::cerr << daemon_usage(daemon);
    return base::kExitUsage;
  }
  if (args->print_default) {
    std::cout << render_sample(schema);
    return base::kExitOk;
  }
  auto cfg = load_config(schema, args->config_path);
  if (!cfg) {
    std::cerr << daemon << ": " << cfg.error().message << "\n";
    return base::kExitConfig;
  }
  return std::move(*cfg);
}

}  // namespace ark::config
