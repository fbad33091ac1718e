// Dispatcher: admind's `events` role. Moves events from the outbox to their targets
// (tenant webhooks, platform webhooks, SINK plugins) with per-target retries.
//
// Threads (all owned here, started by start(), joined by stop()):
//   fan-out   claims pending outbox rows and turns each into one job per subscribed
//             target, signing each body once (DispatchStore::fan_out, fanout.h);
//   claimer   claims due jobs while workers are free, leased for 2 × timeout + 30 s;
//   workers   a bounded pool (events.workers): each job is one call into its transport
//             plugin with a hard deadline (events.timeout, 10 s), then one transaction that
//             records the attempt and deletes, reschedules (events.retry_schedule) or
//             retires the job.
// One dead endpoint never delays the others: a job is claimed for itself, every send has a
// deadline, and at most events.per_endpoint jobs of one target are in flight per process,
// so a slow target can hold only that many workers; its other jobs wait in the database
// while the rest of the queue moves on.
//
// Results (ark_plugin.h): OK -> delivered (job deleted); RETRY -> the next delay of the
// schedule, or failed once it is used up; FAIL_PERMANENT and INVALID -> failed at once.
// A failed job keeps its last error; endpoints are never disabled automatically (C.2).
// Delivery is at least once: a crash between a send and its record re-sends the same bytes
// (same uuid) when the lease runs out, or at once when this node restarts.
//
// Ownership: borrows the store, key ring, clock and transports, which must outlive it.
// Thread-safety: start()/stop() from one thread; the rest is internal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "admind/events/dispatch_store.h"
#include "admind/events/plugin_host.h"
#include "admind/events/retry_schedule.h"
#include "admind/events/signing_keys.h"
#include "core/base/clock.h"

namespace ark::events {

// One call into a plugin instance (PluginInstance::deliver, or a fake in tests).
using DeliverFn = std::function<DeliveryOutcome(const PluginEvent&, uint64_t deadline_ms)>;

struct Transports {
  DeliverFn webhook;                                     // empty: this process sends no webhooks
  std::vector<std::pair<std::string, DeliverFn>> sinks;  // instance name -> plugin
};

struct DispatcherSettings {
  int workers = 16;
  int per_target = 2;
  int fanout_batch = 100;
  std::chrono::milliseconds poll{500};
  std::chrono::milliseconds timeout{10000};
  RetrySchedule schedule = RetrySchedule::standard();
  std::string owner = "admind";  // claimed_by: this node's name
};

// What a delivery outcome means for its job (pure; exposed for tests).
JobUpdate decide(const DeliveryOutcome& outcome, int attempt, const RetrySchedule& schedule,
                 int64_t now_us);

// The outcome half of an attempt record (status, success, response excerpt, error,
// duration, time of the attempt) from what the transport reported. Pure.
void fill_outcome(const DeliveryOutcome& outcome, int64_t now_us, AttemptRecord* record);

class Dispatcher {
 public:
  Dispatcher(DispatcherSettings settings, DispatchStore& store, Transports transports,
             const KeyRing& keys, const base::Clock& clock, std::function<uint64_t()> monotonic_ms);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void start();
  // Stops claiming, gives queued jobs back, lets running sends finish (bounded by the
  // timeout) and joins every thread.
  void stop();

  // One fan-out pass on the caller's thread; the number of outbox rows handled.
  base::Result<int> fan_out_once();
  // Sends one claimed job and records the outcome, on the caller's thread.
  void run_job(const Job& job);

 private:
  void fan_out_loop();
  void claim_loop();
  void worker_loop();
  bool claim_some();
  void send_webhook(const Job& job, const Target& target);
  void send_sink(const Job& job, const DeliverFn& sink);
  void finish(const Job& job, const JobUpdate& update, const AttemptRecord* record);
  uint64_t deadline() const;
  std::vector<std::string> sink_names() const;

  DispatcherSettings settings_;
  DispatchStore& store_;
  Transports transports_;
  const KeyRing& keys_;
  const base::Clock& clock_;
  std::function<uint64_t()> monotonic_ms_;

  std::mutex mu_;
  std::condition_variable work_cv_;   // workers: a job was queued, or stop
  std::condition_variable claim_cv_;  // claimer and fan-out: capacity, new jobs, or stop
  std::deque<Job> queue_;
  std::map<std::string, int> in_flight_;  // queued + running, per target
  int busy_ = 0;                          // queued + running
  bool new_jobs_ = false;                 // fan-out made jobs since the last claim
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ark::events
