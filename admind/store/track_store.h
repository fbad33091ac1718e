// Track domains (table `track_domains`, api.md §4.10): `<name>.<sending domain>` CNAMEd to
// the platform's tracking host, with the click/open switches and the last CNAME check.
//
// Every method takes the tenant and filters on it. Errors: NotFound (no such track domain,
// or on create no such sending domain, for the tenant), Conflict (the sending domain has a
// track domain of that name already), Transient/Internal (database).
// Thread-safety: stateless apart from the borrowed pool; safe to share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::admind::store {

struct TrackRow {
  int64_t id = 0;
  std::string tenant_id;
  int64_t domain_id = 0;
  std::string zone;  // of the parent sending domain
  std::string name;
  std::string full_name;
  bool ssl_enabled = true;
  bool track_clicks = true;
  bool track_opens = true;
  std::optional<std::string> excluded_click_domains;
  std::optional<std::string> dns_status;  // ok | missing | invalid; null = never checked
  std::optional<std::string> dns_error;
  std::optional<int64_t> checked_us;
  int64_t created_us = 0;
  int64_t updated_us = 0;
};

struct TrackPatch {
  std::optional<std::string> excluded_click_domains;  // "" clears
  std::optional<bool> ssl_enabled;
  std::optional<bool> track_clicks;
  std::optional<bool> track_opens;
};

class TrackStore {
 public:
  TrackStore(storage::DbPool& db, const base::Clock& clock) : db_(db), clock_(clock) {}

  // row: tenant_id, domain_id, name and the switches; full_name is derived here.
  base::Result<TrackRow> create(const TrackRow& row);
  base::Result<TrackRow> get(const std::string& tenant_id, const std::string& id);
  base::Result<TrackRow> update(const std::string& tenant_id, const std::string& id,
                                const TrackPatch& patch);
  // Oldest first.
  base::Result<std::vector<TrackRow>> list(const std::string& tenant_id);
  base::Status remove(const std::string& tenant_id, const std::string& id);
  // Stores a CNAME check: status (nullopt keeps the stored one: the lookup failed), the
  // error text (nullopt clears it) and dns_checked_at.
  base::Result<TrackRow> save_check(const std::string& tenant_id, int64_t id,
                                    const std::optional<std::string>& status,
                                    const std::optional<std::string>& error);

 private:
  storage::DbPool& db_;
  const base::Clock& clock_;
};

}  // namespace ark::admind::store
