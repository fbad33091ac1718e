// Test-side API calls for the issue-3 suites (contract_test, platform_test): requests with
// any headers, the SDK's 429 behaviour (wait Retry-After, retry), SQL through the dev
// stack's root client, and tenant-scoped keys made with arkctl.
//
// Thread-safety: call() may run on several threads at once (one HTTP session per call).
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace ark::itest {

struct ApiResult {
  int status = 0;
  std::string body;
  Poco::JSON::Object::Ptr json;                       // null when the body is not a JSON object
  std::map<std::string, std::string> headers;         // as sent (names in the server's case)
  std::string header(const std::string& name) const;  // "" when absent (case-insensitive)
  Poco::JSON::Object::Ptr data() const;               // json.data as an object, or null
  std::string error_code() const;                     // json.error.code or ""
  std::string error_field() const;                    // json.error.field or ""
};

// base_url: "" = the dev stack's ARK_API_URL. A 429 is retried after its Retry-After (at
// most 20 times), as the SDKs do, unless retry_429 is false.
ApiResult call(const std::string& method, const std::string& path, const std::string& key,
               const std::string& body = "", const std::map<std::string, std::string>& headers = {},
               bool retry_429 = true, const std::string& base_url = "");

std::string org_key();
// One value (first column of the first row) from the dev stack's MariaDB, as root.
std::string sql_value(const std::string& query);
int64_t sql_count(const std::string& query);
// A new tenant-scoped API key (arkctl create-api-key --tenant).
std::string tenant_key(const std::string& tenant_id);
// A name that differs in every call of every run.
std::string unique_name(const std::string& prefix);
// JSON string literal.
std::string json_str(const std::string& s);

}  // namespace ark::itest
