// MySqlMessageStore: MessageStore over core/storage's DbPool (prepared statements only).
//
// The pool connects lazily and drops broken connections, so a database that is down at
// startup or goes away later only turns calls into Transient errors; calls succeed again
// once it is back, without a restart.
//
// Ownership: borrows the pool, which must outlive the store.
// Thread-safety: safe to call from many threads (DbPool is).
#pragma once

#include "core/storage/db.h"
#include "milter/store/message_store.h"

namespace ark::milter {

class MySqlMessageStore final : public MessageStore {
 public:
  explicit MySqlMessageStore(storage::DbPool& pool) : pool_(pool) {}

  base::Result<bool> record_queue_id(const QueueRecord& record) override;

 private:
  storage::DbPool& pool_;
};

}  // namespace ark::milter
