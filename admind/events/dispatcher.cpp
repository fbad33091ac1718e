#include "admind/events/dispatcher.h"

#include "admind/events/envelope.h"
#include "core/base/log.h"
#include "core/base/metrics.h"

namespace ark::events {

namespace {

int64_t lease_ms(const DispatcherSettings& s) {
  return 2 * s.timeout.count() + 30000;
}

std::string attempt_error(const DeliveryOutcome& o) {
  if (!o.error.empty()) {
    return o.error;
  }
  return o.result == DeliveryResult::Ok ? "" : std::string("plugin result ") + to_string(o.result);
}

void log_attempt(const Job& job, const DeliveryOutcome& o, const JobUpdate& u) {
  const char* next = u.fate == JobFate::Delivered ? "delivered"
                     : u.fate == JobFate::Retry   ? "retry"
                                                  : "failed";
  // Webhooks by kind (tenant, platform), sinks by name: a bounded label set.
  std::string kind = job.target.substr(0, job.target.find(':'));
  base::Metrics::global().add("ark_event_attempts_total",
                              {{"target", kind == "sink" ? job.target : kind}, {"next", next}});
  base::log(o.result == DeliveryResult::Ok ? base::LogLevel::Info : base::LogLevel::Warning,
            "event_attempt",
            {{"uuid", job.event_uuid},
             {"event", job.event},
             {"target", job.target},
             {"attempt", job.attempt},
             {"result", to_string(o.result)},
             {"status", o.status_code},
             {"duration_ms", o.duration_ms},
             {"next", next},
             {"error", o.error}});
}

}  // namespace

JobUpdate decide(const DeliveryOutcome& o, int attempt, const RetrySchedule& schedule,
                 int64_t now_us) {
  JobUpdate u;
  if (o.result == DeliveryResult::Ok) {
    u.fate = JobFate::Delivered;
    return u;
  }
  u.error = attempt_error(o);
  if (o.result == DeliveryResult::Retry) {
    if (auto delay = schedule.delay_after_ms(attempt)) {
      u.fate = JobFate::Retry;
      u.next_due_us = now_us + *delay * 1000;
      return u;
    }
    u.error = "gave up after " + std::to_string(attempt) + " attempts: " + u.error;
  }
  u.fate = JobFate::Failed;
  return u;
}

void fill_outcome(const DeliveryOutcome& o, int64_t now_us, AttemptRecord* r) {
  bool answered = o.status_code > 0;
  r->status_code = answered ? std::optional<int>(o.status_code) : std::nullopt;
  r->success = o.result == DeliveryResult::Ok;
  r->response_body = answered ? std::optional<std::string>(o.response_excerpt) : std::nullopt;
  r->error = r->success ? std::nullopt : std::optional<std::string>(attempt_error(o));
  r->duration_ms = static_cast<int64_t>(o.duration_ms);
  r->attempted_us = now_us - r->duration_ms * 1000;
}

Dispatcher::Dispatcher(DispatcherSettings settings, DispatchStore& store, Transports transports,
                       const KeyRing& keys, const base::Clock& clock,
                       std::function<uint64_t()> monotonic_ms)
    : settings_(std::move(settings)),
      store_(store),
      transports_(std::move(transports)),
      keys_(keys),
      clock_(clock),
      monotonic_ms_(std::move(monotonic_ms)) {}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::start() {
  auto reclaimed = store_.reclaim_own_leases(settings_.owner, clock_.now_us());
  if (reclaimed && *reclaimed > 0) {
    base::log_info("event_leases_reclaimed", {{"owner", settings_.owner}, {"jobs", *reclaimed}});
  }
  threads_.emplace_back([this] { fan_out_loop(); });
  threads_.emplace_back([this] { claim_loop(); });
  for (int i = 0; i < settings_.workers; ++i) {
    threads_.emplace_back([this] { worker_loop(); });
  }
  base::log_info("events_dispatcher_started",
                 {{"workers", settings_.workers},
                  {"per_endpoint", settings_.per_target},
                  {"timeout_ms", static_cast<int64_t>(settings_.timeout.count())},
                  {"max_attempts", settings_.schedule.max_attempts()},
                  {"webhooks", transports_.webhook ? "on" : "off"},
                  {"sinks", static_cast<int64_t>(transports_.sinks.size())}});
}

void Dispatcher::stop() {
  std::vector<Job> unsent;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (threads_.empty()) {
      return;
    }
    stopping_ = true;
    unsent.assign(queue_.begin(), queue_.end());
    queue_.clear();
  }
  work_cv_.notify_all();
  claim_cv_.notify_all();
  for (std::thread& t : threads_) {
    t.join();
  }
  threads_.clear();
  base::Status st = store_.release(unsent, settings_.owner, clock_.now_us());
  if (!st) {
    base::log_warn("event_release_failed",
                   {{"jobs", static_cast<int64_t>(unsent.size())}, {"error", st.error().message}});
  }
}

base::Result<int> Dispatcher::fan_out_once() {
  std::shared_ptr<const WebhookSigner> signer = keys_.current();
  std::vector<std::string> sinks = sink_names();
  return store_.fan_out(settings_.fanout_batch, clock_.now_us(),
                        [&](const OutboxEvent& e, const std::vector<std::string>& tenant,
                            const std::vector<std::string>& platform) {
                          return plan_jobs(e, tenant, platform, sinks, signer.get());
                        });
}

void Dispatcher::fan_out_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto handled = fan_out_once();
    lock.lock();
    if (!handled) {
      base::log_warn("event_fan_out_failed", {{"error", handled.error().message}});
    } else if (*handled > 0) {
      new_jobs_ = true;
      claim_cv_.notify_all();
      continue;
    }
    claim_cv_.wait_for(lock, settings_.poll, [this] { return stopping_; });
  }
}

bool Dispatcher::claim_some() {
  ClaimRequest r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r.limit = settings_.workers - busy_;
    r.in_flight = in_flight_;
    new_jobs_ = false;
  }
  r.per_target_max = settings_.per_target;
  r.webhooks = static_cast<bool>(transports_.webhook);
  r.sinks = sink_names();
  r.now_us = clock_.now_us();
  r.lease_until_us = r.now_us + lease_ms(settings_) * 1000;
  r.owner = settings_.owner;
  auto jobs = store_.claim(r);
  if (!jobs) {
    base::log_warn("event_claim_failed", {{"error", jobs.error().message}});
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (Job& j : *jobs) {
    ++in_flight_[j.target];
    ++busy_;
    queue_.push_back(std::move(j));
  }
  work_cv_.notify_all();
  // A full batch means more may be due right now.
  return !jobs->empty() && static_cast<int>(jobs->size()) == r.limit;
}

void Dispatcher::claim_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (busy_ >= settings_.workers) {
      claim_cv_.wait(lock, [this] { return stopping_ || busy_ < settings_.workers; });
      continue;
    }
    lock.unlock();
    bool more = claim_some();
    lock.lock();
    if (!more && !stopping_) {
      // Woken early by fan-out (new jobs) or by a worker (capacity for a busy target's
      // next job); otherwise the poll interval finds retries that became due.
      claim_cv_.wait_for(lock, settings_.poll, [this] { return stopping_ || new_jobs_; });
    }
  }
}

void Dispatcher::worker_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;  // stopping
    }
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      run_job(job);
    } catch (const std::exception& e) {
      base::log_error("event_job_exception", {{"uuid", job.event_uuid}, {"what", e.what()}});
    }
    lock.lock();
    if (--in_flight_[job.target] <= 0) {
      in_flight_.erase(job.target);
    }
    --busy_;
    new_jobs_ = true;  // a busy target may take its next job now
    claim_cv_.notify_all();
  }
}

uint64_t Dispatcher::deadline() const {
  return monotonic_ms_() + static_cast<uint64_t>(settings_.timeout.count());
}

std::vector<std::string> Dispatcher::sink_names() const {
  std::vector<std::string> names;
  for (const auto& [name, fn] : transports_.sinks) {
    names.push_back(name);
  }
  return names;
}

void Dispatcher::run_job(const Job& job) {
  auto target = Target::parse(job.target);
  if (!target) {
    finish(job, {JobFate::Failed, 0, "unknown target " + job.target}, nullptr);
    return;
  }
  if (target->is_webhook()) {
    if (transports_.webhook) {
      send_webhook(job, *target);
    }
    return;
  }
  for (const auto& [name, fn] : transports_.sinks) {
    if (name == target->id) {
      send_sink(job, fn);
      return;
    }
  }
}

void Dispatcher::send_webhook(const Job& job, const Target& target) {
  auto endpoint = store_.endpoint(target);
  if (!endpoint) {
    base::log_warn("event_endpoint_lookup_failed",
                   {{"target", job.target}, {"error", endpoint.error().message}});
    return;  // the lease runs out and the job comes back
  }
  if (!*endpoint || !(*endpoint)->enabled) {
    std::string why = *endpoint ? "webhook disabled" : "webhook no longer exists";
    base::log_info("event_dropped",
                   {{"uuid", job.event_uuid}, {"target", job.target}, {"reason", why}});
    finish(job, {JobFate::Failed, 0, why}, nullptr);
    return;
  }
  StringPairs headers = webhook_headers(Signature{job.signature, job.kid});
  PluginEvent ev{job.event,
                 job.event_uuid,
                 job.tenant_id,
                 job.body,
                 (*endpoint)->url,
                 &headers,
                 1,
                 static_cast<uint32_t>(job.attempt),
                 static_cast<uint64_t>(job.occurred_us)};
  DeliveryOutcome o = transports_.webhook(ev, deadline());
  int64_t now = clock_.now_us();
  JobUpdate u = decide(o, job.attempt, settings_.schedule, now);
  bool platform = target.kind == Target::Kind::Platform;
  AttemptRecord r{new_delivery_id(platform), platform, target.id, job.tenant_id};
  r.event = job.event;
  r.event_uuid = job.event_uuid;
  r.url = (*endpoint)->url;
  r.attempt = job.attempt;
  r.will_retry = u.fate == JobFate::Retry;
  r.request_headers_json = headers_json(headers);
  r.payload = job.body;
  fill_outcome(o, now, &r);
  log_attempt(job, o, u);
  finish(job, u, &r);
}

void Dispatcher::send_sink(const Job& job, const DeliverFn& sink) {
  PluginEvent ev{job.event,
                 job.event_uuid,
                 job.tenant_id,
                 job.body,
                 {},
                 nullptr,
                 1,
                 static_cast<uint32_t>(job.attempt),
                 static_cast<uint64_t>(job.occurred_us)};
  DeliveryOutcome o = sink(ev, deadline());
  JobUpdate u = decide(o, job.attempt, settings_.schedule, clock_.now_us());
  log_attempt(job, o, u);
  finish(job, u, nullptr);
}

void Dispatcher::finish(const Job& job, const JobUpdate& update, const AttemptRecord* record) {
  base::Status st = store_.finish(job, settings_.owner, update, record, clock_.now_us());
  if (!st) {
    // The job keeps its lease and is sent again when it runs out: at least once.
    base::log_warn(
        "event_finish_failed",
        {{"uuid", job.event_uuid}, {"target", job.target}, {"error", st.error().message}});
  }
}

}  // namespace ark::events
