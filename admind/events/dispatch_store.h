// DispatchStore: the database side of event dispatch (sql/004 events, sql/007
// dispatch_jobs, sql/002 webhook delivery records). MysqlDispatchStore is the adapter; the
// dispatcher's unit tests use a fake.
//
// Protocol (at-least-once, nothing lost by a crash at any point):
//   fan_out   one transaction: claim pending outbox rows (FOR UPDATE SKIP LOCKED, so
//             several admind instances share the outbox), read the subscribed webhooks,
//             insert one job per target (INSERT IGNORE on (event_uuid, target)), mark the
//             rows dispatched. A crash before the commit leaves the events pending.
//   claim     one transaction: due pending jobs (FOR UPDATE SKIP LOCKED) of the kinds this
//             process can send, at most per_target_max in flight per target, leased until
//             lease_until (due_at moves there too, so a job whose worker died becomes due
//             again by itself).
//   finish    one transaction: the attempt record (webhooks) plus the job's next state —
//             deleted when delivered, rescheduled for a retry, `failed` when given up. The
//             job update is conditional on our lease (id, attempt, claimed_by), so a worker
//             that lost its lease cannot move a job another instance already moved.
//   reclaim_own_leases  at startup: jobs leased by this node's earlier life are due now.
//   purge_before        retention of attempt records and failed jobs (short statements,
//                       so the deliveries lists and the claims are never blocked for long).
//
// Errors: Transient (database unavailable; callers retry later), Internal.
// Thread-safety: MysqlDispatchStore is stateless over the pool; safe from every thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "admind/events/fanout.h"
#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/storage/db.h"

namespace ark::events {

struct Job {
  int64_t id = 0;
  int attempt = 1;
  std::string target;
  std::string event;
  std::string event_uuid;
  std::string tenant_id;
  std::string body;
  std::string signature;  // "" for sinks
  std::string kid;
  int64_t occurred_us = 0;
};

struct WebhookEndpoint {
  std::string id;
  std::string name;
  std::string url;
  bool enabled = true;
};

// One attempt to POST to a webhook, as the deliveries endpoints show it (api.md §3.13-3.14).
struct AttemptRecord {
  std::string id;  // whr_… / pwd_…
  bool platform = false;
  std::string webhook_id;
  std::optional<std::string> tenant_id;  // null: a platform test send
  std::string kind = "event";            // event | test | replay
  std::optional<std::string> replay_of;
  std::string event;
  std::string event_uuid;
  std::string url;
  int attempt = 1;
  std::optional<int> status_code;  // null: no HTTP response
  bool success = false;
  bool will_retry = false;
  std::string request_headers_json = "{}";
  std::string payload;  // the exact body sent
  std::optional<std::string> response_body;
  std::optional<std::string> error;
  int64_t duration_ms = 0;
  int64_t attempted_us = 0;
};

enum class JobFate { Delivered, Retry, Failed };

struct JobUpdate {
  JobFate fate = JobFate::Retry;
  int64_t next_due_us = 0;  // Retry only
  std::string error;        // Retry and Failed
};

struct ClaimRequest {
  int limit = 16;                        // jobs wanted at most
  int per_target_max = 2;                // in flight per target, this process included
  std::map<std::string, int> in_flight;  // this process's jobs per target now
  bool webhooks = true;                  // claim tenant:/platform: jobs
  std::vector<std::string> sinks;        // claim these sink:<name> jobs
  int64_t now_us = 0;
  int64_t lease_until_us = 0;
  std::string owner;  // claimed_by
};

// Fan-out callback: the jobs of one event, given its subscribers.
using JobPlanner = std::function<base::Result<std::vector<JobSpec>>(
    const OutboxEvent&, const std::vector<std::string>& tenant_hooks,
    const std::vector<std::string>& platform_hooks)>;

class DispatchStore {
 public:
  virtual ~DispatchStore() = default;
  // Returns the number of outbox rows handled (0: nothing pending).
  virtual base::Result<int> fan_out(int limit, int64_t now_us, const JobPlanner& plan) = 0;
  virtual base::Result<std::vector<Job>> claim(const ClaimRequest& request) = 0;
  // The webhook behind a tenant:/platform: target; nullopt when it no longer exists.
  virtual base::Result<std::optional<WebhookEndpoint>> endpoint(const Target& target) = 0;
  // record: the attempt to store with the job's new state (nullptr for sinks).
  virtual base::Status finish(const Job& job, const std::string& owner, const JobUpdate& update,
                              const AttemptRecord* record, int64_t now_us) = 0;
  // A delivery outside the job queue (test, replay).
  virtual base::Status record(const AttemptRecord& record) = 0;
  // Gives claimed jobs back unsent (shutdown): due now, no lease.
  virtual base::Status release(const std::vector<Job>& jobs, const std::string& owner,
                               int64_t now_us) = 0;
  virtual base::Result<int> reclaim_own_leases(const std::string& owner, int64_t now_us) = 0;
  // Retention (behaviour.md C.11): deletes attempt records made before before_us and jobs
  // that failed for good before it, `batch` rows per statement; the number deleted.
  virtual base::Result<int64_t> purge_before(int64_t before_us, int batch) = 0;
};

class MysqlDispatchStore final : public DispatchStore {
 public:
  explicit MysqlDispatchStore(storage::DbPool& db) : db_(db) {}

  base::Result<int> fan_out(int limit, int64_t now_us, const JobPlanner& plan) override;
  base::Result<std::vector<Job>> claim(const ClaimRequest& request) override;
  base::Result<std::optional<WebhookEndpoint>> endpoint(const Target& target) override;
  base::Status finish(const Job& job, const std::string& owner, const JobUpdate& update,
                      const AttemptRecord* record, int64_t now_us) override;
  base::Status record(const AttemptRecord& record) override;
  base::Status release(const std::vector<Job>& jobs, const std::string& owner,
                       int64_t now_us) override;
  base::Result<int> reclaim_own_leases(const std::string& owner, int64_t now_us) override;
  base::Result<int64_t> purge_before(int64_t before_us, int batch) override;

 private:
  storage::DbPool& db_;
};

// Keeps the jobs a claim may take: at most per_target_max in flight per target (counting
// `in_flight`), at most `limit` in all, in the given order. Pure; exposed for tests.
std::vector<size_t> select_claimable(const std::vector<std::string>& targets,
                                     const ClaimRequest& request);

// "whr_…" (tenant) or "pwd_…" (platform) delivery ids.
std::string new_delivery_id(bool platform);

}  // namespace ark::events
