// Test zones on the dev stack's authoritative DNS server (NSD, scripts/lib/dns.sh): a test
// writes the whole zone file and waits until the server answers with it.
//
// NsdServer starts NSD (nsd -d -c $ARK_NSD_CONF, on 127.0.0.54, the address admind's
// dns.resolver names) for the test's lifetime, unless one already answers there (started
// by hand with dev-ctl), which it then leaves alone. Other tests start their own DNS
// server on that address, so tests run one at a time (RUN_SERIAL).
//
// Each publish() writes $ARK_DNS_ZONE_DIR/<zone>.zone with a new SOA serial and a marker
// TXT record "_serial.<zone>" holding it, adds the zone (nsd-control addzone) or reloads it,
// then polls the server through core/dns's LdnsResolver until the marker shows the new
// serial. TXT values longer than 255 bytes are split into character-strings.
//
// Thread-safety: test code, one thread.
#pragma once

#include <sys/types.h>
#include <string>
#include <vector>

namespace ark::itest {

struct ZoneRecord {
  std::string name;   // FQDN, no trailing dot
  std::string type;   // "TXT", "CNAME" or "MX"
  std::string value;  // TXT text, CNAME target, "10 mx.example" for MX
};

class NsdServer {
 public:
  NsdServer();  // throws when NSD does not come up
  ~NsdServer();
  NsdServer(const NsdServer&) = delete;
  NsdServer& operator=(const NsdServer&) = delete;

 private:
  int pid_ = -1;
};

class TestZone {
 public:
  explicit TestZone(std::string zone) : zone_(std::move(zone)) {}
  const std::string& name() const { return zone_; }

  // Replaces the zone's records. Throws when the server does not pick it up in time.
  void publish(const std::vector<ZoneRecord>& records);

 private:
  std::string zone_;
  int serial_ = 0;
  bool added_ = false;
};

// The dev stack's DNS server, for the verifier tools.
std::string dns_addr();
std::string dns_port();

}  // namespace ark::itest
