// Direct reads and writes of the dev stack's MariaDB for integration tests (outbox rows,
// attempts, events, bounces and checkpoints are not all visible through the API), and the
// dev Postfix's settings.
//
// Thread-safety: TestDb is safe to share (DbPool); postconf is single-threaded test code.
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
  // A prepared query with string parameters; every column comes back as text.
  std::vector<Row> query(const std::string& sql, const std::vector<std::string>& params = {});
  void exec(const std::string& sql, const std::vector<std::string>& params = {});
  // The email's current status ("" when unknown).
  std::string email_status(const std::string& email_id);
  storage::DbPool& pool() { return *pool_; }

 private:
  std::unique_ptr<storage::DbPool> pool_;
};

// `postconf -c <dev Postfix conf> -h <name>` ("" on failure).
std::string postconf(const std::string& name);

}  // namespace ark::itest
