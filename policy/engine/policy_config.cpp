#include "policy/engine/policy_config.h"

namespace ark::policy {

using config::KeyType;

void add_send_policy_keys(config::Schema& s) {
  constexpr int64_t kMaxLimit = 1000000000;
  s.add({"limits.hourly",
         KeyType::Int,
         "100",
         "default emails (recipients) per tenant per clock hour; 0 = unlimited",
         {},
         0,
         kMaxLimit});
  s.add({"limits.daily",
         KeyType::Int,
         "0",
         "default emails per tenant per UTC day; 0 = unlimited",
         {},
         0,
         kMaxLimit});
  s.add({"limits.monthly",
         KeyType::Int,
         "0",
         "default emails per tenant per UTC calendar month; 0 = unlimited",
         {},
         0,
         kMaxLimit});
  s.add({"limits.max_message_size",
         KeyType::Size,
         "14MB",
         "largest message a tenant may send (headers and body); 0 = no own limit",
         {},
         0,
         INT64_MAX});
  s.add({"sandbox.sender", KeyType::String, "sandbox@arkhq.io",
         "sender address that needs no verified domain; empty disables sandbox sending"});
  s.add({"sandbox.recipients", KeyType::List, "",
         "the organisation's own addresses sandbox mail may go to (a@b.example or @b.example)"});
  s.add({"sandbox.daily_limit",
         KeyType::Int,
         "10",
         "sandbox emails per tenant per UTC day",
         {},
         0,
         kMaxLimit});
}

base::Result<SendPolicy> send_policy_settings(const config::Config& cfg) {
  SendPolicy p;
  p.default_limits.hourly = cfg.get_int("limits.hourly");
  p.default_limits.daily = cfg.get_int("limits.daily");
  p.default_limits.monthly = cfg.get_int("limits.monthly");
  p.rules.max_message_size = cfg.get_size("limits.max_message_size");
  p.rules.sandbox.sender = cfg.get_string("sandbox.sender");
  p.rules.sandbox.daily_limit = cfg.get_int("sandbox.daily_limit");
  for (const std::string& r : cfg.get_list("sandbox.recipients")) {
    size_t at = r.find('@');
    if (at == std::string::npos || at + 1 == r.size() || r.find('@', at + 1) != std::string::npos) {
      return base::Error::invalid(
          "sandbox.recipients: '" + r + "' is neither an address nor @domain",
          "sandbox.recipients");
    }
    p.rules.sandbox.recipients.push_back(r);
  }
  return p;
}

}  // namespace ark::policy
