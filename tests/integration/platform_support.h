// Shared steps of the platform integration tests (platform_*_test.cpp): tenants with their
// own scoped key, sends, and waiting for an email's status.
//
// Thread-safety: test code.
#pragma once

#include <string>
#include <vector>

#include "tests/integration/api_call.h"

namespace ark::itest {

struct TestTenant {
  std::string id;
  std::string key;     // tenant-scoped
  std::string domain;  // a verified sending domain of the tenant
  std::string from() const { return "platform@" + domain; }
};

// A fresh tenant (metadata JSON object text), a key scoped to it, and a sending domain
// created through the API and marked verified in the database (DNS verification has its
// own tests; API sends need a verified domain, behaviour.md C.15).
TestTenant new_tenant(const std::string& name, const std::string& metadata = "{}");
// Adds a verified sending domain to a tenant; returns its name.
std::string add_verified_domain(const std::string& tenant_id);

// Sends through the API with the org key for `t` from t.from(); returns the response.
ApiResult send_email(const TestTenant& t, const std::vector<std::string>& to,
                     const std::string& subject, const std::string& extra_json = "",
                     const std::map<std::string, std::string>& headers = {});
// The id of an accepted send (fails the test otherwise, returns "").
std::string sent_id(const ApiResult& r);
// Waits up to 60 s for the email status; returns the last status seen.
std::string wait_status(const std::string& email_id, const std::string& status);

int64_t now_s();

}  // namespace ark::itest
