#include "admind/ctl/postfix_config.h"

namespace ark::admind::ctl {

base::Result<std::string> postfix_milter_address(const std::string& s) {
  if (s.rfind("unix:", 0) == 0 || s.rfind("local:", 0) == 0) {
    return "unix:" + s.substr(s.find(':') + 1);
  }
  if (s.rfind("inet:", 0) == 0) {
    std::string rest = s.substr(5);
    size_t at = rest.find('@');
    if (at == std::string::npos) {
      return base::Error::invalid("inet socket needs PORT@HOST: " + s);
    }
    return "inet:" + rest.substr(at + 1) + ":" + rest.substr(0, at);
  }
  return base::Error::invalid("unsupported milter socket: " + s);
}

base::Result<std::string> render_main_cf(const PostfixWiring& w) {
  auto addr = postfix_milter_address(w.milter_socket);
  if (!addr) {
    return addr.error();
  }
  std::string out;
  out += "# ark-postfix: every message received by smtpd passes ark-milter; if it cannot be\n";
  out += "# reached, mail is deferred (4xx), never accepted unchecked.\n";
  out += "smtpd_milters = " + *addr + "\n";
  out += "milter_default_action = tempfail\n";
  out += "milter_protocol = 6\n";
  out += "milter_connect_timeout = 10s\n";
  out += "milter_command_timeout = 30s\n";
  out += "milter_content_timeout = 60s\n";
  out += "# ark-postfix: long queue ids are never reused, so a log line names one message.\n";
  out += "enable_long_queue_ids = yes\n";
  return out;
}

std::string render_master_cf(const PostfixWiring&) {
  return "# ark-postfix: no master.cf services are needed yet.\n";
}

}  // namespace ark::admind::ctl
