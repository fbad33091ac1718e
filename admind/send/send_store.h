// SendStore: what admind's send path reads and writes in MySQL (prepared statements only):
// the facts the policy engine decides on before a message is submitted, and the records of
// a submission.
//
//   tenant_status      NotFound when the tenant does not exist
//   domain_owner       the tenant whose verified domain this is (Appendix C.15), or nullopt
//   domain             is the domain the tenant's, and verified?
//   suppressed         which of the addresses the tenant suppresses, with the reason ("" when
//                      none was given), keyed by the lower-cased address
//   usage              the tenant's hour/day/month windows now: effective limits (its own row
//                      in tenant_send_limits over the defaults) and counts (not locked: the
//                      milter counts atomically; this is for headers and pre-checks)
//   sandbox_used       sandbox mail counted today
//   create             one messages row (source api, the stored MIME) and one pending emails
//                      row per recipient, a recipient kept by the policy carrying its
//                      held_reason/held_detail, in one transaction; the new email ids in order
//   discard            removes a message that Postfix did not take (its emails go with it)
// Every tenant-owned query filters on the tenant.
//
// Errors: Transient (database unreachable or busy), Internal otherwise.
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"
#include "policy/engine/limits.h"
#include "policy/engine/rules.h"

namespace ark::admind::send {

struct NewRecipient {
  std::string address;
  std::string held_reason;  // "" when deliverable
  std::string held_detail;
};

struct NewSubmission {
  std::string message_id;
  std::string tenant_id;
  std::string envelope_from;
  std::string from_header;
  std::string subject;
  std::string message_id_hdr;
  std::optional<std::string> tag;
  std::optional<std::string> metadata_json;
  std::string raw_message;  // the MIME text without the binding header
  std::vector<NewRecipient> rcpts;
};

class SendStore {
 public:
  SendStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  base::Result<policy::TenantStatus> tenant_status(const std::string& tenant_id);
  base::Result<std::optional<std::string>> domain_owner(const std::string& domain);
  base::Result<policy::DomainFacts> domain(const std::string& tenant_id, const std::string& domain);
  base::Result<std::map<std::string, std::string>> suppressed(
      const std::string& tenant_id, const std::vector<std::string>& addresses);
  base::Result<std::vector<policy::Window>> usage(const std::string& tenant_id, int64_t now_s,
                                                  const policy::Limits& defaults);
  base::Result<int64_t> sandbox_used(const std::string& tenant_id, int64_t now_s);
  base::Result<std::vector<std::string>> create(const NewSubmission& s);
  base::Status discard(const std::string& message_id);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::send
