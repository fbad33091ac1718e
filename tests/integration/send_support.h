// Test-side helpers for the tenant-sending tests (issue 4): a tenant with a verified sending
// domain and an SMTP credential made through the API, swaks runs against the dev stack's
// submission listener (STARTTLS + AUTH, ark-policyd), and the queue id of an accepted
// message.
//
// The domain is marked verified in the database directly: DNS verification is issue 5's
// subject and has its own tests; these tests are about what a verified domain allows.
// Thread-safety: single-threaded test code.
#pragma once

#include <string>
#include <vector>

#include "tests/integration/outbox_db.h"
#include "tests/integration/stack.h"

namespace ark::itest {

struct SmtpTenant {
  std::string id;
  std::string domain;   // verified unless asked otherwise
  std::string cred_id;  // numeric, as the API returns it
  std::string cred_name;
  std::string key;  // the credential's secret (SMTP password)
};

// itest::http with the organisation key (key "" = it), waiting out the API rate limit (429).
HttpResult api(const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& key = "");

// A fresh lower-case alphanumeric label (unique per call within the run).
std::string unique_label(const std::string& prefix);

// Creates tenant, domain <label>.send.test and smtp credential "app". Throws on failure.
SmtpTenant make_smtp_tenant(OutboxDb& db, const std::string& label, bool verified = true);

struct SwaksRun {
  int exit_code = -1;
  std::string output;  // the whole transcript
  // Whether a server reply line carries `text` (e.g. "535 5.7.8").
  bool replied(const std::string& text) const;
  // The queue id of "250 2.0.0 Ok: queued as X", or "".
  std::string queue_id() const;
};

// swaks with the given arguments (values must not contain a single quote).
SwaksRun swaks(const std::vector<std::string>& args);
// swaks to the submission listener with STARTTLS and AUTH (mech PLAIN unless given).
SwaksRun submit(const std::string& user, const std::string& password, const std::string& from,
                const std::vector<std::string>& to, const std::vector<std::string>& extra = {},
                const std::string& mech = "PLAIN");

// The email ids of the message Postfix queued as `queue_id`, in recipient order ("" none).
std::vector<Row> emails_of_queue_id(OutboxDb& db, const std::string& queue_id);

}  // namespace ark::itest
