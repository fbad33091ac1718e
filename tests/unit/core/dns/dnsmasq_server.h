// Test support: a private dnsmasq serving fixed records on 127.0.0.53:<free port>, in the
// current network namespace (CI runs the suite in a loopback-only namespace).
//
// dnsmasq runs with --no-resolv --no-hosts and no upstream, so it never forwards: names
// inside the --local domain that it does not know are NXDOMAIN, all other names REFUSED
// (stack.md §9). start() fails with the reason (dnsmasq's own log) rather than skipping.
//
// Ownership: owns the child process and its temporary directory; the destructor stops
// the child (SIGTERM, then waits for it) and removes the directory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ark::dns::testing {

class DnsmasqServer {
 public:
  static constexpr const char* kAddress = "127.0.0.53";

  // record_args: dnsmasq options such as "--txt-record=name,text" or "--cname=a,b".
  // local_domain: names under it that dnsmasq does not know answer NXDOMAIN.
  static std::unique_ptr<DnsmasqServer> start(const std::vector<std::string>& record_args,
                                              const std::string& local_domain, std::string* error);
  ~DnsmasqServer();
  DnsmasqServer(const DnsmasqServer&) = delete;
  DnsmasqServer& operator=(const DnsmasqServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  DnsmasqServer() = default;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string dir_;
};

// A UDP port on 127.0.0.53 that nothing listens on (bound, then released).
uint16_t unused_udp_port();

}  // namespace ark::dns::testing
