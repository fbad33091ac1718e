#include "tests/integration/api_call.h"

#include <Poco/String.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

ApiResult once(const std::string& method, const std::string& path, const std::string& key,
               const std::string& body, const std::map<std::string, std::string>& headers,
               const std::string& base_url) {
  HttpResult h = http_exchange(method, path, key, body, headers, base_url, 60);
  ApiResult r;
  r.status = h.status;
  r.body = std::move(h.body);
  r.json = h.json;
  r.headers = std::move(h.headers);
  return r;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::string run_capture(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (p && fgets(buf, sizeof buf, p.get()) != nullptr) {
    out += buf;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

}  // namespace

std::string ApiResult::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (Poco::icompare(k, name) == 0) {
      return v;
    }
  }
  return "";
}

Poco::JSON::Object::Ptr ApiResult::data() const {
  if (json.isNull() || !json->has("data") ||
      json->get("data").type() != typeid(Poco::JSON::Object::Ptr)) {
    return nullptr;
  }
  return json->getObject("data");
}

std::string ApiResult::error_code() const {
  if (json.isNull() || json->getObject("error").isNull()) {
    return "";
  }
  return json->getObject("error")->optValue<std::string>("code", "");
}

std::string ApiResult::error_field() const {
  if (json.isNull() || json->getObject("error").isNull()) {
    return "";
  }
  return json->getObject("error")->optValue<std::string>("field", "");
}

ApiResult call(const std::string& method, const std::string& path, const std::string& key,
               const std::string& body, const std::map<std::string, std::string>& headers,
               bool retry_429, const std::string& base_url) {
  for (int attempt = 0;; ++attempt) {
    ApiResult r = once(method, path, key, body, headers, base_url);
    if (r.status != 429 || !retry_429 || attempt >= 20) {
      return r;
    }
    int wait_s = std::max(1, std::atoi(r.header("Retry-After").c_str()));
    std::this_thread::sleep_for(std::chrono::seconds(wait_s));
  }
}

std::string org_key() {
  return env_get("ARK_ORG_API_KEY");
}

std::string sql_value(const std::string& query) {
  return run_capture("mariadb --defaults-file=" + shell_quote(env_get("ARK_DB_ROOT_CNF")) +
                     " -u root -N -B " + shell_quote(env_get("ARK_DB_NAME")) + " -e " +
                     shell_quote(query) + " 2>&1");
}

int64_t sql_count(const std::string& query) {
  std::string v = sql_value(query);
  try {
    return std::stoll(v);
  } catch (const std::exception&) {
    throw std::runtime_error("not a count: " + query + " -> " + v);
  }
}

std::string tenant_key(const std::string& tenant_id) {
  std::string out = run_capture(shell_quote(env_get("ARK_ARKCTL")) + " --config " +
                                shell_quote(env_get("ARK_ADMIND_CONFIG")) +
                                " create-api-key --name itest --tenant " + shell_quote(tenant_id) +
                                " 2>/dev/null");
  if (out.rfind("ark_", 0) != 0) {
    throw std::runtime_error("arkctl create-api-key failed: " + out);
  }
  return out;
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + std::to_string(getpid()) + "x" + std::to_string(++n) + "x" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

std::string json_str(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace ark::itest
