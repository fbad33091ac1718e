// Test-side helpers for the delivery tests (issue 6): read the dev stack's MariaDB directly
// (attempts, events, bounces, checkpoints are not all visible through the API), send API
// mail, and find the Postfix instance's files.
//
// Thread-safety: TestDb is safe to share (DbPool); the rest is single-threaded test code.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/storage/db.h"

namespace ark::itest {

using Row = std::map<std::string, std::string>;  // column -> value ("" for NULL)

class TestDb {
 public:
  TestDb();  // from the dev env (ARK_DB_*); throws if the env is incomplete
  // Runs a prepared query with string parameters; every column comes back as text.
  std::vector<Row> query(const std::string& sql, const std::vector<std::string>& params = {});
  void exec(const std::string& sql, const std::vector<std::string>& params = {});
  storage::DbPool& pool() { return *pool_; }

 private:
  std::unique_ptr<storage::DbPool> pool_;
};

// POST /v1/emails for the tenant; returns the email ids of all recipients, in order.
// Creates the tenant's sender domain and marks it verified; returns its name.
std::string tenant_sender_domain(const std::string& tenant);
std::vector<std::string> send_api_email(TestDb& db, const std::string& tenant,
                                        const std::vector<std::string>& to,
                                        const std::string& subject);

// The email's current status ("" when unknown).
std::string email_status(TestDb& db, const std::string& email_id);

// `postconf -c <dev Postfix conf> -h <name>` ("" on failure).
std::string postconf(const std::string& name);

}  // namespace ark::itest
