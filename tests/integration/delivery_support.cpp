#include "tests/integration/delivery_support.h"

#include <map>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <mysql_connection.h>

#include <array>
#include <cstdio>
#include <stdexcept>

#include "tests/integration/stack.h"

namespace ark::itest {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

storage::DbSettings settings_from_env() {
  storage::DbSettings s;
  s.host = env_get("ARK_DB_HOST");
  s.port = std::stoi(env_get("ARK_DB_PORT"));
  s.socket = env_get("ARK_DB_SOCKET");
  s.user = env_get("ARK_DB_USER");
  s.schema = env_get("ARK_DB_NAME");
  s.password = trim(read_file(env_get("ARK_DB_PASSWORD_FILE")));
  s.pool_size = 4;
  return s;
}

}  // namespace

TestDb::TestDb() : pool_(std::make_unique<storage::DbPool>(settings_from_env())) {}

std::vector<Row> TestDb::query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<Row> out;
  base::Status st = pool_->run([&](sql::Connection& c) -> base::Status {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(sql));
    for (size_t i = 0; i < params.size(); ++i) {
      ps->setString(static_cast<unsigned>(i + 1), params[i]);
    }
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    sql::ResultSetMetaData* md = rs->getMetaData();
    while (rs->next()) {
      Row r;
      for (unsigned i = 1; i <= md->getColumnCount(); ++i) {
        r[md->getColumnLabel(i)] = rs->isNull(i) ? "" : std::string(rs->getString(i));
      }
      out.push_back(std::move(r));
    }
    return {};
  });
  if (!st) {
    throw std::runtime_error("query failed: " + st.error().message + ": " + sql);
  }
  return out;
}

void TestDb::exec(const std::string& sql, const std::vector<std::string>& params) {
  base::Status st = pool_->run([&](sql::Connection& c) -> base::Status {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(sql));
    for (size_t i = 0; i < params.size(); ++i) {
      ps->setString(static_cast<unsigned>(i + 1), params[i]);
    }
    ps->executeUpdate();
    return {};
  });
  if (!st) {
    throw std::runtime_error("exec failed: " + st.error().message + ": " + sql);
  }
}

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
  auto rows = db.query("SELECT status FROM emails WHERE id = ?", {email_id});
  return rows.empty() ? "" : rows[0]["status"];
}

std::string postconf(const std::string& name) {
  std::string cmd = "postconf -c '" + env_get("ARK_PF_CONF") + "' -h " + name + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    return "";
  }
  std::array<char, 4096> buf{};
  std::string out;
  while (fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) {
    out += buf.data();
  }
  pclose(p);
  return trim(out);
}

}  // namespace ark::itest
