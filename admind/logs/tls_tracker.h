// Which deliveries went over TLS, from the log alone (the spec's sentWithSsl).
//
// Postfix logs TLS only with smtp_tls_loglevel >= 1 (`arkctl postfix-config` sets 1): one
// "... TLS connection established to host[addr]:port ..." line per new connection, by the
// smtp process, without a queue id, just before the delivery lines that use it. A delivery
// line from the same process (service + pid) to the same relay= peer therefore used TLS.
// A reused cached connection (the line carries conn_use=N) may belong to another process:
// it is taken to be like the last new connection seen to that peer.
// Limits (documented in docs/decisions.md): with smtp_tls_loglevel = 0 everything reads as
// plain; the state lives in memory, so a TLS line read before a restart and its delivery
// lines read after it give sentWithSsl = false.
//
// Thread-safety: none; one per follower.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "admind/logs/postfix_log.h"

namespace ark::admind::logs {

class TlsTracker {
 public:
  void on_tls(const TlsConnection& t);
  // Whether the delivery line, written by service[pid], used TLS.
  bool used_tls(std::string_view service, int pid, const Delivery& d);
  void clear();

 private:
  static constexpr size_t kMaxEntries = 100000;
  std::unordered_map<std::string, std::string> by_process_;  // "service[pid]" -> peer
  std::unordered_map<std::string, bool> by_peer_;            // peer -> last new connection
};

}  // namespace ark::admind::logs
