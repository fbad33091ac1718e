// The command line every ark daemon accepts:
//   <daemon> [--config FILE | --config=FILE] [--check-config | --print-default-config]
// One parser, so ark-admind, ark-milter and ark-policyd cannot drift apart.
#pragma once

#include <string>

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

}  // namespace ark::config
