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

namespace {

// Issue 6: what the log follower and the bounce intake need from Postfix.
std::string render_delivery_main_cf(const PostfixWiring& w) {
  std::string out;
  out += "# ark-postfix: one log line per outgoing TLS connection, so each delivery attempt\n";
  out += "# can report sentWithSsl.\n";
  out += "smtp_tls_loglevel = 1\n";
  out += "# ark-postfix: retries close to Ark's schedule (behaviour.md Appendix C.5). Kept as\n";
  out += "# comments so an existing schedule stays; admind's postfix.* keys must match main.cf.\n";
  out += "#minimal_backoff_time = 5m\n";
  out += "#maximal_backoff_time = 4h\n";
  out += "#maximal_queue_lifetime = 2d\n";
  out += "#bounce_queue_lifetime = 2d\n";
  if (w.return_path_host.empty() || w.bounce_lmtp_socket.empty()) {
    out += "# ark-postfix: no bounce intake (admind bounces.lmtp_socket is not set).\n";
    return out;
  }
  out += "# ark-postfix: non-delivery reports for outgoing mail come back to the return-path\n";
  out += "# host and are handed to ark-admind over LMTP. If relay_domains is already in use,\n";
  out += "# add the host to it and map it in transport_maps to the same lmtp: next hop instead.\n";
  out += "relay_domains = " + w.return_path_host + "\n";
  out += "relay_transport = lmtp:unix:" + w.bounce_lmtp_socket + "\n";
  return out;
}

// Issue 4: tenants' SMTP AUTH answered by ark-policyd.
std::string render_sasl_main_cf(const PostfixWiring& w) {
  if (w.sasl_socket.empty()) {
    return "# ark-postfix: no SMTP AUTH wiring (no policyd.yaml given).\n";
  }
  std::string out;
  out += "# ark-postfix: tenants log in with SMTP AUTH (PLAIN, LOGIN) checked by ark-policyd\n";
  out += "# over the Dovecot protocol. AUTH is enabled per listener (submission, see master.cf)\n";
  out += "# and only after STARTTLS; ark-milter binds the mail to the login's tenant.\n";
  out += "smtpd_sasl_type = dovecot\n";
  out += "smtpd_sasl_path = " + w.sasl_socket + "\n";
  out += "smtpd_sasl_security_options = noanonymous\n";
  out += "smtpd_sasl_tls_security_options = noanonymous\n";
  out += "smtpd_sasl_authenticated_header = no\n";
  out += "smtpd_tls_auth_only = yes\n";
  return out;
}

}  // namespace

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
  out += render_delivery_main_cf(w);
  out += render_sasl_main_cf(w);
  return out;
}

std::string render_master_cf(const PostfixWiring& w) {
  if (w.sasl_socket.empty()) {
    return "# ark-postfix: no master.cf services are needed.\n";
  }
  return "# ark-postfix: tenants submit on a submission listener with STARTTLS and AUTH, e.g.\n"
         "#   submission inet n - n - - smtpd\n"
         "#     -o syslog_name=postfix/submission\n"
         "#     -o smtpd_tls_security_level=encrypt\n"
         "#     -o smtpd_sasl_auth_enable=yes\n"
         "#     -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n"
         "#     -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n"
         "# (smtpd needs chroot = n there to reach an absolute smtpd_sasl_path.)\n";
}

}  // namespace ark::admind::ctl
