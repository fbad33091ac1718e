// JSON views of emails shared by the email endpoints (api.md §4.1, §3.9, §3.10): one
// delivery attempt, the retry state, and the expand items of GET /emails/{id} that come
// from the stored MIME message (content, headers, attachments, raw) or from tracking
// (activity).
//
// Thread-safety: pure functions apart from the store read in add_expansions.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <set>
#include <string>

#include "admind/api/queue_state.h"
#include "admind/http/api_error.h"
#include "admind/store/email_store.h"

namespace ark::admind::api {

Poco::JSON::Object::Ptr attempt_json(const store::AttemptView& a);
// null JSON when the email is no longer queued.
Poco::Dynamic::Var retry_state_json(const std::optional<RetryState>& r);

// Adds htmlBody/plainBody (content), headers, attachments, rawMessage (raw) and activity
// for the requested items ("full" = all). Items that need the stored message are left
// out once retention removed it. `raw` is the stored message or nullopt.
void add_expansions(Poco::JSON::Object::Ptr email, const std::set<std::string>& expand,
                    const std::optional<std::string>& raw);

// Removes the internal X-Ark-Binding header from a composed message (CRLF or LF lines,
// folded continuation lines included) so the stored copy carries no live credential.
std::string strip_binding_header(const std::string& message);

}  // namespace ark::admind::api
