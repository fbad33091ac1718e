#include "tests/integration/dns_zone.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "core/dkim_keys/dkim_keys.h"
#include "core/dns/ldns_resolver.h"
#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

std::string rdata(const ZoneRecord& r) {
  if (r.type == "TXT") {
    return dkim_keys::zone_file_rdata(r.value);
  }
  if (r.type == "CNAME") {
    return r.value + ".";
  }
  return r.value + ".";  // MX: "10 host" -> "10 host."
}

bool nsd_answers() {
  return run("nsd-control -c '" + env_get("ARK_NSD_CONF") + "' status >/dev/null 2>&1") == 0;
}

}  // namespace

NsdServer::NsdServer() {
  if (nsd_answers()) {
    return;  // started by hand (dev-ctl start dns): not ours to stop
  }
  std::string conf = env_get("ARK_NSD_CONF");
  std::string log = env_get("ARK_LOG_DIR") + "/nsd-test.log";
  pid_ = fork();
  if (pid_ == 0) {
    execlp("sh", "sh", "-c", ("exec nsd -d -c '" + conf + "' >>'" + log + "' 2>&1").c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  if (!eventually(nsd_answers, std::chrono::seconds(20))) {
    throw std::runtime_error("NSD did not start (log: " + log + ")");
  }
}

NsdServer::~NsdServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    // NSD's server and xfrd children leave with it; wait until the port is free again.
    eventually([] { return !nsd_answers(); }, std::chrono::seconds(10));
  }
}

std::string dns_addr() {
  return env_get("ARK_DNS_ADDR");
}

std::string dns_port() {
  return env_get("ARK_DNS_PORT");
}

void TestZone::publish(const std::vector<ZoneRecord>& records) {
  ++serial_;
  std::string path = env_get("ARK_DNS_ZONE_DIR") + "/" + zone_ + ".zone";
  {
    std::ofstream out(path + ".tmp");
    out << "$TTL 1\n"
        << zone_ << ". IN SOA ns." << zone_ << ". hostmaster." << zone_ << ". " << serial_
        << " 60 60 60 1\n"
        << zone_ << ". IN NS ns." << zone_ << ".\n"
        << "ns." << zone_ << ". IN A " << dns_addr() << "\n"
        << "_serial." << zone_ << ". IN TXT \"" << serial_ << "\"\n";
    for (const auto& r : records) {
      out << r.name << ". IN " << r.type << " " << rdata(r) << "\n";
    }
  }
  std::rename((path + ".tmp").c_str(), path.c_str());
  std::string ctl = "nsd-control -c '" + env_get("ARK_NSD_CONF") + "' ";
  std::string cmd = added_ ? ctl + "reload " + zone_ : ctl + "addzone " + zone_ + " ark";
  if (run(cmd + " >/dev/null") != 0) {
    throw std::runtime_error("failed: " + cmd);
  }
  added_ = true;
  auto resolver =
      dns::LdnsResolver::create({dns_addr(), static_cast<uint16_t>(std::stoi(dns_port())),
                                 std::chrono::milliseconds(500), 1});
  if (!resolver) {
    throw std::runtime_error(resolver.error().message);
  }
  bool seen = eventually(
      [&] {
        auto a = resolver->txt("_serial." + zone_);
        return a.status == dns::LookupStatus::Ok && a.values.front() == std::to_string(serial_);
      },
      std::chrono::seconds(10));
  if (!seen) {
    throw std::runtime_error("NSD did not serve serial " + std::to_string(serial_) + " of " +
                             zone_);
  }
}

}  // namespace ark::itest
