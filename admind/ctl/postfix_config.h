// The Postfix settings that wire a Postfix instance to the ark daemons, printed by
// `arkctl postfix-config` and applied verbatim by scripts/dev-up, so the dev stack and a
// sysadmin's main.cf come from the same text.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "core/base/result.h"

namespace ark::admind::ctl {

struct PostfixWiring {
  std::string milter_socket;  // libmilter form: unix:/path or inet:PORT@HOST
  // Bounce intake (admind bounces.lmtp_socket, dns.return_path_host): when both are set,
  // mail for the return-path host is relayed to admind's LMTP socket.
  std::string return_path_host;
  std::string bounce_lmtp_socket;
  // SMTP AUTH (issue 4): ark-policyd's socket (policyd.socket, an absolute path). When set,
  // smtpd asks ark-policyd over the Dovecot protocol; listeners enable AUTH themselves.
  std::string sasl_socket;
};

// Translates libmilter's socket syntax to Postfix's (inet:PORT@HOST -> inet:HOST:PORT).
base::Result<std::string> postfix_milter_address(const std::string& libmilter_socket);

// main.cf lines ("name = value" and "# comment" lines only).
base::Result<std::string> render_main_cf(const PostfixWiring& w);
// master.cf lines (services our daemons need); may be only comments.
std::string render_master_cf(const PostfixWiring& w);

}  // namespace ark::admind::ctl
