#include "admind/ctl/dns_commands.h"

#include <iostream>

#include "admind/admind_config.h"
#include "admind/dns_monitor/dkim_admin.h"
#include "admind/dns_monitor/monitor_module.h"
#include "core/base/exit_codes.h"

namespace ark::admind::ctl {
namespace {

using dns_monitor::CheckReport;
using dns_monitor::MonitorModule;

int fail(const std::string& what, const base::Error& e) {
  std::cerr << "arkctl: " << what << ": " << e.message << "\n";
  if (e.kind == base::ErrorKind::NotFound) {
    return base::kExitUsage;
  }
  return e.kind == base::ErrorKind::Invalid ? base::kExitConfig : base::kExitUnavailable;
}

std::string status_of(const dns::RecordCheck& r) {
  return dns::api_status(r.status).value_or(std::string("LookupFailed(") +
                                            dns::to_string(r.lookup) + ")");
}

void print_report(const std::string& uuid, const CheckReport& r) {
  std::cout << uuid << " spf=" << status_of(r.check.spf) << " dkim=" << status_of(r.check.dkim)
            << " return_path=" << status_of(r.check.return_path)
            << " verified=" << (r.verified ? "yes" : "no")
            << " alert=" << (r.alert_state ? "\"" + *r.alert_state + "\"" : "none")
            << " event=" << (r.event_recorded ? "DomainDNSError" : "none");
  if (r.ed25519) {
    std::cout << " ed25519=" << status_of(*r.ed25519);
  }
  if (r.next_key) {
    std::cout << " next_key=" << status_of(*r.next_key)
              << " rotated=" << (r.rotated ? "yes" : "no");
  }
  std::cout << "\n";
}

int dns_check(MonitorModule& m, const std::map<std::string, std::string>& opts) {
  auto it = opts.find("domain");
  if (it == opts.end()) {
    auto n = m.monitor().run_once(true);
    if (!n) {
      return fail("dns-check", n.error());
    }
    std::cout << "checked " << *n << " domain(s)\n";
    return base::kExitOk;
  }
  auto report = m.monitor().check_now(it->second);
  if (!report) {
    return fail("dns-check", report.error());
  }
  print_report(it->second, *report);
  return base::kExitOk;
}

int new_key(MonitorModule& m, const std::string& command,
            const std::map<std::string, std::string>& opts) {
  auto it = opts.find("domain");
  if (it == opts.end()) {
    std::cerr << "arkctl: " << command << " needs --domain UUID\n";
    return base::kExitUsage;
  }
  auto rec = command == "dkim-rotate"
                 ? dns_monitor::start_rotation(m.store(), m.seal_key(), m.naming(), it->second)
                 : dns_monitor::add_ed25519_key(m.store(), m.seal_key(), m.naming(), it->second);
  if (!rec) {
    return fail(command, rec.error());
  }
  std::cerr << "Publish this TXT record; signing with the new key starts once a DNS check "
               "(arkctl dns-check, or the periodic re-check) finds it.\n";
  std::cout << rec->name << " TXT " << rec->value << "\n";
  return base::kExitOk;
}

}  // namespace

bool is_dns_command(const std::string& command) {
  return command == "dns-check" || command == "dkim-rotate" || command == "dkim-ed25519";
}

int run_dns_command(const std::string& config_path, const std::string& command,
                    const std::map<std::string, std::string>& opts) {
  auto cfg = config::load_config(admind_schema(), config_path);
  if (!cfg) {
    std::cerr << "arkctl: " << cfg.error().message << "\n";
    return base::kExitConfig;
  }
  auto settings = storage::database_settings(*cfg);
  if (!settings) {
    std::cerr << "arkctl: " << settings.error().message << "\n";
    return base::kExitConfig;
  }
  settings->pool_size = 1;
  storage::DbPool db(*settings);
  auto module = MonitorModule::create(*cfg, db, base::SystemClock::instance());
  if (!module) {
    return fail(command, module.error());
  }
  if (command == "dns-check") {
    return dns_check(**module, opts);
  }
  return new_key(**module, command, opts);
}

}  // namespace ark::admind::ctl
