// MessageStore: the milter's only window onto the database (style.md §7: storage behind
// a small interface, a MySQL adapter in production and a fake in unit tests).
//
// record_queue_id ties the Postfix queue id (and the node that queued it) to the message
// row named by a verified binding, once: a row that already has a queue id is left alone,
// which is what stops a captured binding header from being replayed.
//
// Thread-safety: implementations are called concurrently from libmilter's worker threads
// and must be safe for that.
#pragma once

#include <string>

#include "core/base/result.h"

namespace ark::milter {

struct QueueRecord {
  std::string message_id;  // messages.id, from the binding
  std::string tenant_id;   // messages.tenant_id, from the binding
  std::string queue_id;    // Postfix queue id, macro {i}
  std::string node;        // this Postfix node's name
};

class MessageStore {
 public:
  virtual ~MessageStore() = default;
  // true: the row was found for that tenant, had no queue id yet, and now has this one.
  // false: no such row for that tenant, or it was already recorded (a replay).
  // Errors: Transient when the database is unreachable or busy (the caller tempfails);
  // any other kind is an internal error.
  virtual base::Result<bool> record_queue_id(const QueueRecord& record) = 0;
};

}  // namespace ark::milter
