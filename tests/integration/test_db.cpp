#include "tests/integration/test_db.h"

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

void bind(sql::PreparedStatement& ps, const std::vector<std::string>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    ps.setString(static_cast<unsigned>(i + 1), params[i]);
  }
}

}  // namespace

TestDb::TestDb() : pool_(std::make_unique<storage::DbPool>(settings_from_env())) {}

std::vector<Row> TestDb::query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<Row> out;
  base::Status st = pool_->run([&](sql::Connection& c) -> base::Status {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(sql));
    bind(*ps, params);
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
    bind(*ps, params);
    ps->executeUpdate();
    return {};
  });
  if (!st) {
    throw std::runtime_error("exec failed: " + st.error().message + ": " + sql);
  }
}

std::string TestDb::email_status(const std::string& email_id) {
  auto rows = query("SELECT status FROM emails WHERE id = ?", {email_id});
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
