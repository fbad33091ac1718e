// Test-side helpers for the delivery tests (issue 6): send API mail and read its records
// (TestDb, tests/integration/test_db.h).
//
// Thread-safety: single-threaded test code.
#pragma once

#include <string>
#include <vector>

#include "tests/integration/test_db.h"

namespace ark::itest {

// POST /v1/emails for the tenant; returns the email ids of all recipients, in order.
// Creates the tenant's sender domain and marks it verified; returns its name.
std::string tenant_sender_domain(const std::string& tenant);
std::vector<std::string> send_api_email(TestDb& db, const std::string& tenant,
                                        const std::vector<std::string>& to,
                                        const std::string& subject);

// The email's current status ("" when unknown).
std::string email_status(TestDb& db, const std::string& email_id);

}  // namespace ark::itest
