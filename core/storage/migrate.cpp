#include "core/storage/migrate.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_connection.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/base/log.h"

namespace ark::storage {

using base::Error;
using base::Result;
using base::Status;

Result<std::vector<Migration>> list_migrations(const std::string& dir) {
  std::vector<Migration> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() < 9 || name.substr(name.size() - 4) != ".sql" || name[3] != '_' ||
        !std::all_of(name.begin(), name.begin() + 3, ::isdigit)) {
      continue;
    }
    out.push_back({std::stoi(name.substr(0, 3)), name, entry.path().string()});
  }
  if (ec) {
    return Error::invalid("cannot read migrations directory " + dir + ": " + ec.message());
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return Error::invalid("two migrations numbered " + std::to_string(out[i].version));
    }
  }
  return out;
}

std::vector<std::string> split_sql(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  std::istringstream in(text);
  std::string line;
  char quote = 0;
  while (std::getline(in, line)) {
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
      trimmed.remove_prefix(1);
    }
    if (quote == 0 && trimmed.substr(0, 2) == "--") {
      continue;
    }
    for (char c : line) {
      if (quote != 0 && c == quote) {
        quote = 0;
      } else if (quote == 0 && (c == '\'' || c == '"' || c == '`')) {
        quote = c;
      }
    }
    current += line;
    current += '\n';
    std::string_view end = line;
    while (!end.empty() && (end.back() == ' ' || end.back() == '\t' || end.back() == '\r')) {
      end.remove_suffix(1);
    }
    if (quote == 0 && !end.empty() && end.back() == ';') {
      current.erase(current.find_last_of(';'));
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) {
    out.push_back(current);
  }
  return out;
}

namespace {

void exec(sql::Connection& c, const std::string& stmt) {
  std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(stmt));
  ps->execute();
}

Result<int> current_version(sql::Connection& c) {
  exec(c,
       "CREATE TABLE IF NOT EXISTS schema_version ("
       " version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,"
       " applied_at DATETIME(6) NOT NULL) ENGINE=InnoDB");
  std::unique_ptr<sql::PreparedStatement> ps(
      c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  return rs->next() ? rs->getInt(1) : 0;
}

}  // namespace

Result<int> schema_version(DbPool& db) {
  int v = 0;
  Status st = db.run([&](sql::Connection& c) -> Status {
    auto r = current_version(c);
    if (!r) {
      return r.error();
    }
    v = *r;
    return {};
  });
  if (!st) {
    return st.error();
  }
  return v;
}

Result<int> migrate(DbPool& db, const std::string& dir) {
  auto files = list_migrations(dir);
  if (!files) {
    return files.error();
  }
  int applied = 0;
  Status st = db.run([&](sql::Connection& c) -> Status {
    {
      std::unique_ptr<sql::PreparedStatement> lock(
          c.prepareStatement("SELECT GET_LOCK('ark_migrate', 30)"));
      std::unique_ptr<sql::ResultSet> rs(lock->executeQuery());
      if (!rs->next() || rs->getInt(1) != 1) {
        return Error::transient("another migration is running");
      }
    }
    auto release = [&] {
      std::unique_ptr<sql::PreparedStatement> ps(
          c.prepareStatement("SELECT RELEASE_LOCK('ark_migrate')"));
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    };
    auto version = current_version(c);
    if (!version) {
      release();
      return version.error();
    }
    for (const auto& m : *files) {
      if (m.version <= *version) {
        continue;
      }
      std::ifstream in(m.path);
      std::stringstream ss;
      ss << in.rdbuf();
      for (const auto& stmt : split_sql(ss.str())) {
        try {
          exec(c, stmt);
        } catch (const sql::SQLException& e) {
          release();
          return Error::permanent("migration " + m.name + " failed: " + e.what() +
                                  "\nstatement:\n" + stmt);
        }
      }
      std::unique_ptr<sql::PreparedStatement> rec(c.prepareStatement(
          "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP(6))"));
      rec->setInt(1, m.version);
      rec->setString(2, m.name);
      rec->executeUpdate();
      base::log_info("migration_applied", {{"version", m.version}, {"name", m.name}});
      ++applied;
    }
    release();
    return {};
  });
  if (!st) {
    return st.error();
  }
  return applied;
}

}  // namespace ark::storage
