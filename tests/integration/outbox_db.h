// Direct reads of the dev stack's MariaDB for the events tests (issue 7): outbox rows,
// email statuses, dispatch jobs and attempt records are not all visible through the API.
// Also the dev Postfix's settings (postconf) and the VERP return path an NDR is sent to.
//
// Thread-safety: OutboxDb is safe to share (DbPool); the rest is single-threaded test code.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/storage/db.h"

namespace ark::itest {

using Row = std::map<std::string, std::string>;  // column -> value ("" for NULL)

class OutboxDb {
 public:
  OutboxDb();  // from the dev env (ARK_DB_*); throws if the env is incomplete
  // A prepared query with string parameters; every column comes back as text.
  std::vector<Row> query(const std::string& sql, const std::vector<std::string>& params = {});
  void exec(const std::string& sql, const std::vector<std::string>& params = {});
  // The email's status ("" when unknown).
  std::string email_status(const std::string& email_id);

 private:
  std::unique_ptr<storage::DbPool> pool_;
};

// `postconf -c <dev Postfix conf> -h <name>` ("" on failure).
std::string postconf(const std::string& name);

// The return path admind gives the message (format of core/mail/return_path.h:
// <message id>.<first 10 hex of HMAC-SHA256(secret, "ark-rp|" + lower-case id)>@<host>).
std::string return_path(const std::string& message_id, const std::string& host,
                        const std::string& secret);

}  // namespace ark::itest
