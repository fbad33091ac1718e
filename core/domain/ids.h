// Identifier formats (spec api.md §2.10). All are random, from the OS CSPRNG.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace ark::domain {

std::string new_tenant_id();   // "cm" + 13 lowercase alphanumerics, cuid-like
std::string new_email_id();    // 16 mixed-case alphanumerics (the API's message token)
std::string new_message_id();  // "msg" + 21 mixed-case alphanumerics (internal submission id)
std::string new_request_id();  // "req_" + 16 URL-safe characters

}  // namespace ark::domain
