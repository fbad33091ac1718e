// SendStore: what the milter's send-policy stages read and write (issue 4): the facts the
// policy engine decides on, and the one transaction that admits a message.
//
// Lookups (MAIL and RCPT stages; the MAIL ones are cached by CachedSendStore):
//   find_login    the smtp credential named by policyd's login "{tenantId}/{name}", with
//                 its tenant's status (nullopt: no such smtp credential any more)
//   tenant_status the tenant of the trusted relay listener
//   domain        is this domain the tenant's, and verified?
//   suppression   the reason the address is suppressed for the tenant, if it is
//   limits        the tenant's effective limits (its tenant_send_limits row over the defaults)
//   usage         the tenant's windows now, with limits and counts (not locked)
// Admission (end of message), all in ONE database transaction:
//   1. The rows, before any lock on a counter (so those locks are held briefly). SMTP: the
//      messages row (source 'smtp') and one pending emails row per recipient, those kept at
//      RCPT with their held_reason. API: the message row named by the binding gets this
//      queue id and node, unless it already has one (then: UnknownBinding, nothing else
//      happens; the replay guard of RecordQueueId). Pending emails without a held_reason
//      are the count; those with one were kept by the RCPT stage or by admind's send path.
//   2. The tenant's counter rows for the windows of this instant are created if missing
//      and locked (one multi-row INSERT ... ON DUPLICATE KEY UPDATE, then SELECT ... FOR
//      UPDATE, always in the order hour, day, month, sandbox_day), with the tenant's limits.
//   3. `decide` (the stage's pure function) gets the windows and the counts and returns
//      the plan: reject (the whole transaction rolls back), or counted n and held or not,
//      and which limit events to record.
//   4. Counters += n; events are inserted into the outbox (sql/004 `events`) with a
//      once-per-window source_key; when the plan holds, the emails not kept yet get its
//      held_reason/held_detail and messages.held_at is set (the hold queue).
// Held mail keeps status `pending` here: the email becomes `held` (with MessageHeld and a
// held attempt) when admind's log follower sees Postfix put the queue file on hold — the
// follower is the one writer of delivery statuses (admind/delivery/transitions.h).
// Because every node locks the same counter rows, any number of Postfix nodes share one
// tenant's limit exactly.
//
// Errors: Transient when the database is unreachable or busy (deadlocks are retried by the
// adapter first); anything else is internal. On any error nothing is written.
// Thread-safety: implementations are called from many libmilter threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "policy/engine/decision.h"
#include "policy/engine/limits.h"
#include "policy/engine/rules.h"

namespace ark::milter {

struct LoginFacts {
  policy::CredentialFacts credential;
  policy::TenantStatus tenant_status = policy::TenantStatus::Active;
};

struct LimitEvent {
  std::string type;  // "SendLimitApproaching" | "SendLimitExceeded"
  policy::Window window;
};

// What `decide` returns.
struct AdmitPlan {
  bool reject = false;             // refuse the message (sandbox allowance): write nothing
  policy::Decision decision;       // the reject, the hold (when held) or Allow
  bool held = false;               // the message goes to the hold queue
  int64_t counted = 0;             // emails added to every window's counter
  std::vector<LimitEvent> events;  // to record (each once per window)
};

// windows: hour, day, month with used and the tenant's effective limits; sandbox: the
// sandbox_day window (limit = sandbox.daily_limit) when the message is sandbox mail;
// pending: emails that would be counted; held: emails already held before (suppressed
// recipients, held by admind or at RCPT).
using AdmitDecider = std::function<AdmitPlan(const std::vector<policy::Window>& windows,
                                             const std::optional<policy::Window>& sandbox,
                                             int64_t pending, int64_t held)>;

struct NewEmail {
  std::string id;
  std::string rcpt;
  std::string status;       // pending | held: the class decided at RCPT (stored as pending
                            // with the held_reason; the plan may still hold pending ones)
  std::string held_reason;  // engine token when held at RCPT
  std::string held_detail;
};

struct AdmitRequest {
  bool api = false;  // true: record an API message; false: insert an SMTP message
  std::string message_id;
  std::string tenant_id;
  std::string node;
  std::string queue_id;
  int64_t size_bytes = 0;
  int64_t now_us = 0;
  policy::Limits default_limits;
  bool sandbox = false;
  int64_t sandbox_limit = 0;
  // SMTP only:
  std::string envelope_from;
  std::string from_header;
  std::string subject;
  std::string message_id_hdr;
  std::optional<std::string> tag;
  std::optional<std::string> metadata_json;
  std::vector<NewEmail> emails;
};

struct Admission {
  bool unknown_binding = false;  // API: no such message waiting for its queue id
  AdmitPlan plan;
};

class SendStore {
 public:
  virtual ~SendStore() = default;
  virtual base::Result<std::optional<LoginFacts>> find_login(const std::string& tenant_id,
                                                             const std::string& name) = 0;
  // NotFound when the tenant does not exist.
  virtual base::Result<policy::TenantStatus> tenant_status(const std::string& tenant_id) = 0;
  virtual base::Result<policy::DomainFacts> domain(const std::string& tenant_id,
                                                   const std::string& domain) = 0;
  virtual base::Result<std::optional<std::string>> suppression(const std::string& tenant_id,
                                                               const std::string& address) = 0;
  virtual base::Result<policy::Limits> limits(const std::string& tenant_id,
                                              const policy::Limits& defaults) = 0;
  virtual base::Result<std::vector<policy::Window>> usage(const std::string& tenant_id,
                                                          int64_t now_s,
                                                          const policy::Limits& defaults) = 0;
  virtual base::Result<Admission> admit(const AdmitRequest& request,
                                        const AdmitDecider& decide) = 0;
};

}  // namespace ark::milter
