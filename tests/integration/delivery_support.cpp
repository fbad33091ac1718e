#include "tests/integration/delivery_support.h"

#include <map>
#include <stdexcept>

#include "tests/integration/stack.h"

namespace ark::itest {

// API mail must come from a verified domain of the tenant (the send policy): each test
// tenant gets "d<tenant>.delivery.test", marked verified in the database.
std::string tenant_sender_domain(const std::string& tenant) {
  std::string name = "d" + tenant + ".delivery.test";
  auto d = http("POST", "/v1/tenants/" + tenant + "/domains", env_get("ARK_ORG_API_KEY"),
                "{\"name\":\"" + name + "\"}");
  if (d.status != 201 && d.status != 409) {
    throw std::runtime_error("domain create failed: " + d.body);
  }
  if (run("mariadb --defaults-file=" + env_get("ARK_DB_ROOT_CNF") + " " + env_get("ARK_DB_NAME") +
          " -e \"UPDATE domains SET verified_at = UTC_TIMESTAMP(6) WHERE tenant_id = '" + tenant +
          "' AND name = '" + name + "'\"") != 0) {
    throw std::runtime_error("cannot mark " + name + " verified");
  }
  return name;
}

std::vector<std::string> send_api_email(TestDb& db, const std::string& tenant,
                                        const std::vector<std::string>& to,
                                        const std::string& subject) {
  static std::map<std::string, std::string> domains;
  if (!domains.count(tenant)) {
    domains[tenant] = tenant_sender_domain(tenant);
  }
  std::string list;
  for (const auto& t : to) {
    list += (list.empty() ? "\"" : ",\"") + t + "\"";
  }
  auto r = http("POST", "/v1/emails", env_get("ARK_ORG_API_KEY"),
                "{\"from\":\"Deliveries <sender@" + domains[tenant] + ">\",\"to\":[" + list +
                    "],\"subject\":\"" + subject + "\",\"text\":\"hello\",\"tenantId\":\"" +
                    tenant + "\"}");
  if (r.status != 200 || r.json.isNull()) {
    throw std::runtime_error("send failed: " + std::to_string(r.status) + " " + r.body);
  }
  std::string first = r.json->getObject("data")->getValue<std::string>("id");
  std::vector<std::string> ids;
  for (const auto& t : to) {
    auto rows = db.query(
        "SELECT e2.id FROM emails e JOIN emails e2 ON e2.message_id = e.message_id "
        "WHERE e.id = ? AND e2.rcpt = ?",
        {first, t});
    ids.push_back(rows.empty() ? "" : rows[0]["id"]);
  }
  return ids;
}

std::string email_status(TestDb& db, const std::string& email_id) {
  return db.email_status(email_id);
}

}  // namespace ark::itest
