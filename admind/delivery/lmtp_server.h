// The LMTP server (RFC 2033) through which Postfix hands over mail for the return-path
// host: main.cf routes that domain with `relay_transport = lmtp:unix:<socket>` (printed by
// `arkctl postfix-config`), and each recipient's report goes to BounceIntake, which decides
// that recipient's reply (250 / 451 / 550; bounce_intake.h).
//
// Why LMTP and not a pipe(8) service: pipe runs its command as an unprivileged user that
// would need the database credentials and a process per report; LMTP keeps the reports
// inside the daemon that already holds them, gives one reply per recipient, and a 4xx
// makes Postfix keep and retry the report (nothing is lost while admind is down).
//
// Protocol subset: LHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; PIPELINING (commands are
// answered in order), ENHANCEDSTATUSCODES, 8BITMIME, SIZE. Messages larger than
// max_message_bytes are refused per recipient with 552 after DATA.
// The socket is a UNIX socket created with socket_mode and socket_group (Postfix's lmtp
// client runs as user postfix); a stale socket file is replaced at start.
//
// Ownership: borrows the intake, which must outlive the server.
// Thread-safety: start/stop from one thread; sessions run on Poco's TCPServer threads.
#pragma once

#include <memory>
#include <string>

#include "admind/delivery/bounce_intake.h"
#include "core/base/result.h"

namespace Poco::Net {
class TCPServer;
}  // namespace Poco::Net

namespace ark::admind::delivery {

struct LmtpSettings {
  std::string socket_path;
  std::string socket_group = "postfix";  // "" leaves the group alone
  int socket_mode = 0660;
  std::string hostname = "localhost";
  size_t max_message_bytes = 20 * 1024 * 1024;
  int threads = 4;
  int timeout_s = 300;
};

class LmtpServer {
 public:
  LmtpServer(LmtpSettings s, BounceIntake& intake);
  ~LmtpServer();
  // Errors: Invalid (bad group), Internal (cannot bind or set permissions).
  base::Status start();
  void stop();

 private:
  LmtpSettings s_;
  BounceIntake& intake_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace ark::admind::delivery
