// The command line every ark daemon accepts:
//   <daemon> [--config FILE | --config=FILE] [--check-config | --print-default-config]
// One parser, so ark-admind, ark-milter and ark-policyd cannot drift apart.
#pragma once

#include <string>
#include <variant>

#include "core/config/config.h"

namespace ark::config {

struct DaemonArgs {
  std::string config_path;     // the daemon's default unless --config names another
  bool check_config = false;   // validate the file, print "<path>: OK", exit
  bool print_default = false;  // print the sample file rendered from the schema, exit
};

// False on an unknown argument or a --config without a value; *out is then unspecified.
bool parse_daemon_args(int argc, const char* const* argv, const std::string& default_path,
                       DaemonArgs* out);

// "usage: <daemon> [--config FILE] [--check-config | --print-default-config]\n"
std::string daemon_usage(const std::string& daemon);

// The start every daemon shares: parses the command line into *args, prints the usage line
// (bad arguments) or the sample file (--print-default-config), or loads the config file.
// Returns the loaded Config, or the exit code to leave with at once (kExitUsage, kExitOk,
// or kExitConfig after "<daemon>: <message>" on stderr).
std::variant<Config, int> load_daemon_config(int argc, const char* const* argv,
                                             const std::string& daemon,
                                             const std::string& default_path, const Schema& schema,
                                             DaemonArgs* args);

}  // namespace ark::config
