// DnsMonitor: the periodic DNS re-check of sending domains (behaviour.md §9.2 and
// Appendix C.9) and the step of DKIM key rotation that needs DNS.
//
// Every tick (one minute, or the interval if shorter) it takes the domains that are due
// (MonitorStore::due: verified, in an alert state, or with a DKIM key change pending, last
// checked more than dns.recheck_interval ago — 6 h by default), claims each one (so several
// admind instances share the work without checking a domain twice), and:
//   1. checks SPF, DKIM, return path (and DMARC, MX for the report) through the resolver
//      and stores the per-record statuses and verified_at with DomainStore::save_check,
//      exactly like POST …/verify does;
//   2. when the result is conclusive (no lookup failed: a DNS outage never raises an alert
//      nor un-verifies a domain), compares its alert fingerprint (nullopt when verified,
//      else "spf=OK dkim=Missing return_path=OK") with the stored one; a change to a new
//      non-null fingerprint records DomainDNSError in the outbox, in the same transaction
//      as the new state. So an alert is recorded once per change of state, not per check;
//   3. Ed25519: its selector's TXT found -> dkim_ed25519_verified_at set (ark-milter then
//      adds the second signature); conclusively gone -> cleared;
//   4. rotation: the next selector's TXT found -> the next key becomes the current one.
//
// DomainDNSError payload (Appendix C.2): {"domain": {id, uuid, name, tenant_id},
// "dns_checked_at": <unix seconds, float>, "spf_status", "spf_error", "dkim_status",
// "dkim_error", "return_path_status", "return_path_error", "mx_status", "mx_error"}.
//
// Ownership: borrows the stores, the resolver and the clock (they outlive it); owns its
// thread. Thread-safety: run_once()/check_now() may be called from any thread (arkctl calls
// them directly); start()/stop() from the owner only.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "admind/dns_monitor/monitor_store.h"
#include "admind/store/domain_store.h"
#include "core/base/clock.h"
#include "core/base/periodic.h"
#include "core/base/result.h"
#include "core/dns/records.h"
#include "core/dns/resolver.h"

namespace ark::admind::dns_monitor {

struct MonitorSettings {
  int64_t interval_ms = 6LL * 3600 * 1000;  // dns.recheck_interval; 0: no background checks
  int64_t tick_ms = 60000;
  int batch = 200;
};

// What one check found and did (for arkctl's output and the tests).
struct CheckReport {
  dns::DomainCheck check;
  bool verified = false;
  bool conclusive = false;
  std::optional<std::string> alert_state;  // after the check
  bool event_recorded = false;
  std::optional<dns::RecordCheck> ed25519;   // when the domain has an Ed25519 key
  std::optional<dns::RecordCheck> next_key;  // when a rotation is pending
  bool rotated = false;
};

// nullopt when SPF, DKIM and return path are all OK; else "spf=… dkim=… return_path=…".
// Precondition: check.conclusive().
std::optional<std::string> alert_fingerprint(const dns::DomainCheck& check);
std::string dns_error_payload(const MonitoredDomain& d, const dns::DomainCheck& check,
                              int64_t checked_us);

class DnsMonitor {
 public:
  // naming: the platform's record names (dns.*); its selector prefix is not used, as the
  // stored selectors carry theirs.
  DnsMonitor(MonitorStore& store, store::DomainStore& domains, const dns::Resolver& resolver,
             dns::RecordNaming naming, const base::Clock& clock, MonitorSettings settings);
  ~DnsMonitor();

  // One pass over the due domains. Returns how many were checked. `force`: ignore the
  // interval (every monitored domain is due).
  base::Result<int> run_once(bool force = false);
  // Checks one domain now, monitored or not (arkctl dns-check --domain UUID).
  base::Result<CheckReport> check_now(const std::string& uuid);

  void start();
  void stop();

 private:
  base::Result<CheckReport> check(const MonitoredDomain& d);
  base::Status update_alert(const MonitoredDomain& d, CheckReport& report, int64_t now_us);
  void check_extra_keys(const MonitoredDomain& d, CheckReport& report);

  MonitorStore& store_;
  store::DomainStore& domains_;
  const dns::Resolver& resolver_;
  dns::RecordNaming naming_;
  const base::Clock& clock_;
  MonitorSettings settings_;
  base::Periodic loop_;
};

}  // namespace ark::admind::dns_monitor
