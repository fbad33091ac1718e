// Shared pieces of the send-policy stages (bind_login, check_recipient, check_content,
// admit_message): their settings, and the one place where an engine decision or a store
// failure becomes a milter Decision.
//
// Mapping: a policy Reject becomes Verdict::Reject with the engine's reply (code, enhanced
// code, fixed text) and its reason token; Allow and Hold go on (holds are applied at end of
// message). A Transient store error tempfails "451 4.3.0 temporary storage failure"; any
// other store error gives the configured on_internal_error action.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/base/result.h"
#include "milter/decision.h"
#include "policy/engine/decision.h"
#include "policy/engine/policy_config.h"

namespace ark::milter {

struct SendPolicySettings {
  policy::SendPolicy policy;
  std::string relay_daemon_name;  // master.cf -o milter_macro_daemon_name=...; "" = off
  std::string relay_tenant;       // the tenant its unauthenticated mail is sent as
  std::string node;
  Verdict on_internal_error = Verdict::Tempfail;
};

Decision from_policy(const policy::Decision& d);
Decision store_failure(const base::Error& error, Verdict on_internal_error, std::string_view stage);

}  // namespace ark::milter
