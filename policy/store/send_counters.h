// The shared send counters (sql/005 send_counters, tenant_send_limits) as SQL steps inside a
// caller's transaction: ark-milter's admission and admind's release of mail held over the
// limit both count through here, so every node and both daemons lock the same rows in the
// same order (hour, day, month, then sandbox_day) and never wait on each other crosswise.
//
// Thread-safety: free functions over the caller's connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "policy/engine/limits.h"

namespace sql {
class Connection;
}

namespace ark::policy {

// The tenant's limits: its tenant_send_limits row over `defaults` (effective_limits).
Limits tenant_limits(sql::Connection& c, const std::string& tenant, const Limits& defaults);

// Fills each window's `used`. With lock, the missing counter rows are created first and all
// of them are locked (FOR UPDATE) until the transaction ends.
void read_counters(sql::Connection& c, const std::string& tenant,
                   const std::vector<Window*>& windows, bool lock);

// Adds n to every window's counter (rows that read_counters(lock = true) created).
void add_to_counters(sql::Connection& c, const std::string& tenant,
                     const std::vector<Window*>& windows, int64_t n);

}  // namespace ark::policy
