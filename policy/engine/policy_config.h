// The send-policy config keys, shared by every daemon that enforces the engine (milter.yaml
// and admind.yaml carry the same keys; keep the values equal on every node, as with the
// database settings):
//   limits.hourly / limits.daily / limits.monthly  default per-tenant send limits per window
//                                                  (emails = recipients; 0 = unlimited);
//                                                  a tenant's row in tenant_send_limits wins
//   limits.max_message_size                        whole message, bytes with a unit
//   sandbox.sender / sandbox.recipients / sandbox.daily_limit   behaviour.md §1.5
//
// Thread-safety: pure functions; the result is a value.
#pragma once

#include "core/base/result.h"
#include "core/config/config.h"
#include "policy/engine/limits.h"
#include "policy/engine/rules.h"

namespace ark::policy {

struct SendPolicy {
  Limits default_limits;
  SendRules rules;
};

void add_send_policy_keys(config::Schema& schema);
// Errors: Invalid naming the key (a sandbox recipient that is neither an address nor @domain).
base::Result<SendPolicy> send_policy_settings(const config::Config& cfg);

}  // namespace ark::policy
