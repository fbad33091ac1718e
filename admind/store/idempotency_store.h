// Idempotency-Key records (table `idempotency_keys`, behaviour.md Appendix C.1).
//
// The primary key (owner, key) is the lock: claim() inserts the row in state in_flight,
// and a concurrent duplicate fails that insert, so exactly one request runs the handler
// (also across admind instances sharing the database). An expired row, or an in_flight
// row older than `stale_us` (its process died), is replaced by the next claim.
//
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>

#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct IdempotencyRecord {
  std::string request_hash;
  bool done = false;  // false: in flight
  int status = 0;
  std::string body;
  std::string content_type;
};

class IdempotencyStore {
 public:
  explicit IdempotencyStore(storage::DbPool& db) : db_(db) {}

  // nullopt: claimed by this call (the caller runs the request, then complete()s or
  // release()s). Otherwise the live record another request holds.
  base::Result<std::optional<IdempotencyRecord>> claim(const std::string& owner,
                                                       const std::string& key,
                                                       const std::string& request_hash,
                                                       int64_t now_us, int64_t ttl_us,
                                                       int64_t stale_us);
  base::Status complete(const std::string& owner, const std::string& key, int status,
                        const std::string& body, const std::string& content_type);
  base::Status release(const std::string& owner, const std::string& key);
  base::Result<int64_t> purge_expired(int64_t now_us, int limit);

 private:
  storage::DbPool& db_;
};

}  // namespace ark::admind::store
