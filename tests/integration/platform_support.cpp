#include "tests/integration/platform_support.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/integration/stack.h"

namespace ark::itest {

using namespace std::chrono_literals;

TestTenant new_tenant(const std::string& name, const std::string& metadata) {
  auto r = call("POST", "/v1/tenants", org_key(),
                "{\"name\":" + json_str(name) + ",\"metadata\":" + metadata + "}");
  if (r.status != 201 || r.data().isNull()) {
    throw std::runtime_error("tenant create failed: " + r.body);
  }
  TestTenant t;
  t.id = r.data()->getValue<std::string>("id");
  t.key = tenant_key(t.id);
  t.domain = add_verified_domain(t.id);
  return t;
}

std::string add_verified_domain(const std::string& tenant_id) {
  std::string name = unique_name("mail") + ".platform.test";
  auto d = call("POST", "/v1/tenants/" + tenant_id + "/domains", org_key(),
                "{\"name\":" + json_str(name) + "}");
  if (d.status != 201) {
    throw std::runtime_error("domain create failed: " + d.body);
  }
  sql_value(
      "UPDATE domains SET verified_at = UTC_TIMESTAMP(6), spf_status = 'OK', "
      "dkim_status = 'OK', return_path_status = 'OK' WHERE tenant_id = '" +
      tenant_id + "' AND name = '" + name + "'");
  return name;
}

ApiResult send_email(const TestTenant& t, const std::vector<std::string>& to,
                     const std::string& subject, const std::string& extra_json,
                     const std::map<std::string, std::string>& headers) {
  std::string list;
  for (const auto& a : to) {
    list += (list.empty() ? "" : ",") + json_str(a);
  }
  std::string body = "{\"from\":\"Platform <" + t.from() + ">\",\"to\":[" + list +
                     "],\"subject\":" + json_str(subject) +
                     ",\"text\":\"platform text body\",\"html\":\"<p>platform html body</p>\"" +
                     ",\"tenantId\":" + json_str(t.id) + extra_json + "}";
  return call("POST", "/v1/emails", org_key(), body, headers);
}

std::string sent_id(const ApiResult& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.data().isNull() || !r.data()->has("id")) {
    ADD_FAILURE() << "no email id in " << r.body;
    return "";
  }
  return r.data()->getValue<std::string>("id");
}

std::string wait_status(const std::string& email_id, const std::string& status) {
  std::string last;
  eventually(
      [&] {
        auto r = call("GET", "/v1/emails/" + email_id, org_key());
        last = r.data().isNull() ? "<" + std::to_string(r.status) + ">"
                                 : r.data()->getValue<std::string>("status");
        return last == status;
      },
      60s);
  return last;
}

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ark::itest
