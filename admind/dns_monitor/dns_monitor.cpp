#include "admind/dns_monitor/dns_monitor.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "admind/api/resource_common.h"
#include "core/base/log.h"

namespace ark::admind::dns_monitor {
namespace {

using Obj = Poco::JSON::Object::Ptr;

void set_status(Poco::JSON::Object& o, const std::string& prefix, const dns::RecordCheck& r) {
  auto status = dns::api_status(r.status);
  status ? o.set(prefix + "_status", *status) : o.set(prefix + "_status", Poco::Dynamic::Var());
  if (r.status == dns::RecordStatus::Ok || r.error.empty()) {
    o.set(prefix + "_error", Poco::Dynamic::Var());
  } else {
    o.set(prefix + "_error", r.error);
  }
}

std::string api_or_failed(const dns::RecordCheck& r) {
  return dns::api_status(r.status).value_or("LookupFailed");
}

}  // namespace

std::optional<std::string> alert_fingerprint(const dns::DomainCheck& check) {
  if (check.verified()) {
    return std::nullopt;
  }
  return "spf=" + api_or_failed(check.spf) + " dkim=" + api_or_failed(check.dkim) +
         " return_path=" + api_or_failed(check.return_path);
}

std::string dns_error_payload(const MonitoredDomain& d, const dns::DomainCheck& check,
                              int64_t checked_us) {
  Obj domain = new Poco::JSON::Object;
  domain->set("id", d.id);
  domain->set("uuid", d.uuid);
  domain->set("name", d.name);
  domain->set("tenant_id", d.tenant_id);
  Obj o = new Poco::JSON::Object;
  o->set("domain", domain);
  o->set("dns_checked_at", static_cast<double>(checked_us) / 1e6);
  set_status(*o, "spf", check.spf);
  set_status(*o, "dkim", check.dkim);
  set_status(*o, "return_path", check.return_path);
  set_status(*o, "mx", check.mx);
  std::ostringstream out;
  o->stringify(out);
  return out.str();
}

DnsMonitor::DnsMonitor(MonitorStore& store, store::DomainStore& domains,
                       const dns::Resolver& resolver, dns::RecordNaming naming,
                       const base::Clock& clock, MonitorSettings settings)
    : store_(store),
      domains_(domains),
      resolver_(resolver),
      naming_(std::move(naming)),
      clock_(clock),
      settings_(settings) {
  naming_.dkim_selector_prefix.clear();  // stored selectors already carry it
}

DnsMonitor::~DnsMonitor() {
  stop();
}

base::Result<int> DnsMonitor::run_once(bool force) {
  int64_t before = force ? clock_.now_us() + 1 : clock_.now_us() - settings_.interval_ms * 1000;
  auto due = store_.due(before, settings_.batch);
  if (!due) {
    return due.error();
  }
  int checked = 0;
  for (const MonitoredDomain& d : *due) {
    auto claimed = store_.claim(d.id, before);
    if (!claimed) {
      return claimed.error();
    }
    if (!*claimed) {
      continue;  // another instance is on it
    }
    auto report = check(d);
    if (!report) {
      base::log_warn("dns_recheck_failed", {{"domain", d.name}, {"error", report.error().message}});
      continue;
    }
    ++checked;
  }
  return checked;
}

base::Result<CheckReport> DnsMonitor::check_now(const std::string& uuid) {
  auto d = store_.by_uuid(uuid);
  if (!d) {
    return d.error();
  }
  return check(*d);
}

base::Result<CheckReport> DnsMonitor::check(const MonitoredDomain& d) {
  auto records = dns::build_records(d.name, naming_, d.selector, d.public_txt);
  if (!records) {
    return base::Error::internal("cannot build the records of " + d.name + ": " +
                                 records.error().message);
  }
  CheckReport report;
  report.check = dns::check_domain(resolver_, *records, naming_);
  report.verified = report.check.verified();
  report.conclusive = report.check.conclusive();
  report.alert_state = d.alert_state;
  int64_t now = clock_.now_us();
  store::DomainCheckUpdate u;
  u.spf_status = dns::api_status(report.check.spf.status);
  u.dkim_status = dns::api_status(report.check.dkim.status);
  u.return_path_status = dns::api_status(report.check.return_path.status);
  u.verified = report.verified;
  u.conclusive = report.conclusive;
  auto saved = domains_.save_check(d.tenant_id, d.id, u);
  if (!saved) {
    return saved.error();
  }
  if (report.conclusive) {
    if (base::Status st = update_alert(d, report, now); !st) {
      return st.error();
    }
  }
  check_extra_keys(d, report);
  base::log_info("dns_recheck", {{"domain", d.name},
                                 {"tenant", d.tenant_id},
                                 {"verified", report.verified ? "yes" : "no"},
                                 {"conclusive", report.conclusive ? "yes" : "no"},
                                 {"alert", report.alert_state.value_or("")},
                                 {"event", report.event_recorded ? "DomainDNSError" : ""},
                                 {"rotated", report.rotated ? "yes" : "no"}});
  return report;
}

base::Status DnsMonitor::update_alert(const MonitoredDomain& d, CheckReport& report,
                                      int64_t now_us) {
  std::optional<std::string> next = alert_fingerprint(report.check);
  if (next == d.alert_state) {
    return {};
  }
  std::optional<OutboxEvent> event;
  if (next) {
    event = OutboxEvent{api::new_uuid(), "DomainDNSError",
                        "dns:" + d.uuid + ":" + std::to_string(now_us),
                        dns_error_payload(d, report.check, now_us), now_us};
  }
  auto changed = store_.change_alert(d.id, d.alert_state, next, event, d.tenant_id);
  if (!changed) {
    return changed.error();
  }
  if (*changed) {
    report.alert_state = next;
    report.event_recorded = event.has_value();
  }
  return {};
}

void DnsMonitor::check_extra_keys(const MonitoredDomain& d, CheckReport& report) {
  auto check_key = [&](const std::string& selector, const std::string& txt) {
    auto rec = dns::build_records(d.name, naming_, selector, txt);
    return rec ? dns::check_dkim(resolver_, *rec) : dns::RecordCheck{};
  };
  if (!d.ed25519_selector.empty()) {
    report.ed25519 = check_key(d.ed25519_selector, d.ed25519_public_txt);
    bool ok = report.ed25519->status == dns::RecordStatus::Ok;
    bool gone = report.ed25519->status == dns::RecordStatus::Missing ||
                report.ed25519->status == dns::RecordStatus::Invalid;
    if ((ok && !d.ed25519_verified) || (gone && d.ed25519_verified)) {
      if (base::Status st = store_.set_ed25519_verified(d.id, ok); !st) {
        base::log_warn("dns_recheck_failed", {{"domain", d.name}, {"error", st.error().message}});
      }
    }
  }
  if (!d.next_selector.empty()) {
    report.next_key = check_key(d.next_selector, d.next_public_txt);
    if (report.next_key->status == dns::RecordStatus::Ok) {
      auto promoted = store_.promote_next_key(d.id, d.next_selector);
      report.rotated = promoted && *promoted;
    }
  }
}

void DnsMonitor::start() {
  if (settings_.interval_ms <= 0 || loop_.running()) {
    return;
  }
  // Wakes every tick (at most the interval) and re-checks the domains that are due.
  auto tick = std::chrono::milliseconds(std::min(settings_.tick_ms, settings_.interval_ms));
  loop_.start("dns_recheck", tick, [this] {
    auto n = run_once();
    if (!n) {
      base::log_warn("dns_recheck_failed", {{"error", n.error().message}});
    }
  });
}

void DnsMonitor::stop() {
  loop_.stop();
}

}  // namespace ark::admind::dns_monitor
