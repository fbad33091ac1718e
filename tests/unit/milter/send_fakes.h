// A SendStore for the send-policy tests: tenants, logins, domains, suppressions and
// counters in memory. admit() follows send_store.h's transaction: claim (API), read the
// windows, ask `decide`, then apply the plan (counters, events, rows), remembering it all.
//
// Thread-safety: single-threaded tests only.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "milter/store/send_store.h"

namespace ark::milter::testing {

class FakeSendStore final : public SendStore {
 public:
  struct Row {
    AdmitRequest request;
    AdmitPlan plan;
  };

  std::map<std::string, policy::TenantStatus> tenants;
  std::map<std::string, LoginFacts> logins;            // "tenant/name"
  std::map<std::string, policy::DomainFacts> domains;  // "tenant|domain"
  std::map<std::string, std::string> suppressed;       // "tenant|address" -> reason
  std::map<std::string, policy::LimitOverrides> overrides;
  std::map<std::tuple<std::string, policy::Period, int64_t>, int64_t> counters;
  std::set<std::string> api_waiting;  // API message ids without queue id
  std::map<std::string, std::pair<int64_t, int64_t>> api_emails;  // id -> pending, held
  std::vector<Row> admitted;
  std::vector<LimitEvent> events;
  base::ErrorKind fail_kind = base::ErrorKind::Transient;
  bool fail_lookups = false;
  bool fail_admit = false;
  int lookups = 0;

  base::Result<std::optional<LoginFacts>> find_login(const std::string& t,
                                                     const std::string& name) override {
    if (auto e = failure()) {
      return *e;
    }
    auto it = logins.find(t + "/" + name);
    return it == logins.end() ? std::optional<LoginFacts>() : std::optional(it->second);
  }
  base::Result<policy::TenantStatus> tenant_status(const std::string& t) override {
    if (auto e = failure()) {
      return *e;
    }
    auto it = tenants.find(t);
    if (it == tenants.end()) {
      return base::Error::not_found("tenant " + t);
    }
    return it->second;
  }
  base::Result<policy::DomainFacts> domain(const std::string& t, const std::string& d) override {
    if (auto e = failure()) {
      return *e;
    }
    auto it = domains.find(t + "|" + d);
    return it == domains.end() ? policy::DomainFacts{} : it->second;
  }
  base::Result<std::optional<std::string>> suppression(const std::string& t,
                                                       const std::string& a) override {
    if (auto e = failure()) {
      return *e;
    }
    auto it = suppressed.find(t + "|" + a);
    return it == suppressed.end() ? std::optional<std::string>() : std::optional(it->second);
  }
  base::Result<policy::Limits> limits(const std::string& t,
                                      const policy::Limits& defaults) override {
    if (auto e = failure()) {
      return *e;
    }
    ++limit_lookups;
    return policy::effective_limits(defaults, overrides[t]);
  }
  int limit_lookups = 0;
  int usage_lookups = 0;
  base::Result<std::vector<policy::Window>> usage(const std::string& t, int64_t now_s,
                                                  const policy::Limits& defaults) override {
    if (auto e = failure()) {
      return *e;
    }
    ++usage_lookups;
    return windows(t, now_s, defaults);
  }
  base::Result<Admission> admit(const AdmitRequest& r, const AdmitDecider& decide) override {
    if (fail_admit) {
      return base::Error{fail_kind, "admit failed", {}};
    }
    Admission out;
    int64_t pending = 0;
    int64_t held = 0;
    if (r.api) {
      if (api_waiting.erase(r.message_id) == 0) {
        out.unknown_binding = true;
        return out;
      }
      std::tie(pending, held) = api_emails[r.message_id];
    } else {
      for (const auto& e : r.emails) {
        (e.status == "held" ? held : pending) += 1;
      }
    }
    int64_t now_s = r.now_us / 1000000;
    auto w = windows(r.tenant_id, now_s, r.default_limits);
    std::optional<policy::Window> sandbox;
    if (r.sandbox) {
      policy::Window sb{policy::Period::SandboxDay,
                        policy::window_start(policy::Period::SandboxDay, now_s), 0, r.sandbox_limit,
                        0};
      sb.used = counters[{r.tenant_id, sb.period, sb.start_s}];
      sandbox = sb;
    }
    out.plan = decide(w, sandbox, pending, held);
    if (out.plan.reject) {
      return out;
    }
    for (const auto& win : w) {
      counters[{r.tenant_id, win.period, win.start_s}] += out.plan.counted;
    }
    if (sandbox) {
      counters[{r.tenant_id, sandbox->period, sandbox->start_s}] += out.plan.counted;
    }
    for (const auto& e : out.plan.events) {
      events.push_back(e);
    }
    admitted.push_back({r, out.plan});
    return out;
  }

 private:
  std::optional<base::Error> failure() {
    ++lookups;
    if (fail_lookups) {
      return base::Error{fail_kind, "lookup failed", {}};
    }
    return std::nullopt;
  }
  std::vector<policy::Window> windows(const std::string& t, int64_t now_s,
                                      const policy::Limits& defaults) {
    auto w = policy::send_windows(now_s, policy::effective_limits(defaults, overrides[t]));
    for (auto& win : w) {
      win.used = counters[{t, win.period, win.start_s}];
    }
    return w;
  }
};

}  // namespace ark::milter::testing
