#include "milter/store/mysql_message_store.h"

#include <cppconn/prepared_statement.h>
#include <mysql_connection.h>

#include <memory>

namespace ark::milter {

namespace {
// One statement, so the check "not recorded yet" and the write cannot be split by a
// concurrent replay of the same binding.
constexpr const char* kRecordSql =
    "UPDATE messages SET queue_id = ?, node = ?, queued_at = UTC_TIMESTAMP(6) "
    "WHERE id = ? AND tenant_id = ? AND queue_id IS NULL";
}  // namespace

base::Result<bool> MySqlMessageStore::record_queue_id(const QueueRecord& record) {
  bool updated = false;
  base::Status status = pool_.run([&](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> st(c.prepareStatement(kRecordSql));
    st->setString(1, record.queue_id);
    st->setString(2, record.node);
    st->setString(3, record.message_id);
    st->setString(4, record.tenant_id);
    updated = st->executeUpdate() > 0;
    return base::Status();
  });
  if (!status) {
    return status.error();
  }
  return updated;
}

}  // namespace ark::milter
