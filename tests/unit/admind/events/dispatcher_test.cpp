// The dispatcher against an in-memory DispatchStore and fake transports: fan-out signs once
// per body, what each plugin result does to a job and its attempt record, the per-target
// cap that keeps one dead endpoint from delaying the others, and shutdown giving queued
// jobs back. The MySQL adapter is covered by tests/integration/events_test.cpp.
#include "admind/events/dispatcher.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "admind/events/envelope.h"
#include "core/crypto/crypto.h"

namespace ark::events {
namespace {

using namespace std::chrono_literals;

class FakeClock final : public base::Clock {
 public:
  int64_t now_us() const override { return now_.load(); }
  std::atomic<int64_t> now_{1700000000000000};
};

uint64_t steady_ms() {
  return PluginHostServices::defaults().monotonic_ms();
}

// An in-memory queue with the claim rules of the real one (due, kinds, per-target cap).
class FakeStore final : public DispatchStore {
 public:
  struct Entry {
    Job job;
    std::string state = "pending";
    int64_t due_us = 0;
    std::string owner;
    std::string last_error;
  };

  void add(Job j, int64_t due_us = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    j.id = ++next_id_;
    jobs_[j.id] = Entry{std::move(j), "pending", due_us, "", ""};
  }

  base::Result<int> fan_out(int, int64_t, const JobPlanner& plan) override {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const OutboxEvent& e : outbox_) {
      auto specs = plan(e, tenant_hooks_, platform_hooks_);
      if (!specs) {
        return specs.error();
      }
      for (const JobSpec& s : *specs) {
        Job j;
        j.id = ++next_id_;
        j.target = s.target;
        j.event = e.type;
        j.event_uuid = e.uuid;
        j.tenant_id = e.tenant_id;
        j.body = s.body;
        j.signature = s.signature ? s.signature->base64 : "";
        j.kid = s.signature ? s.signature->kid : "";
        jobs_[j.id] = Entry{j, "pending", 0, "", ""};
      }
      ++n;
    }
    outbox_.clear();
    return n;
  }

  base::Result<std::vector<Job>> claim(const ClaimRequest& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Entry*> due;
    std::vector<std::string> targets;
    for (auto& [id, e] : jobs_) {
      bool sink = e.job.target.rfind("sink:", 0) == 0;
      bool ours = sink ? std::count(r.sinks.begin(), r.sinks.end(), e.job.target.substr(5)) > 0
                       : r.webhooks;
      if (e.state == "pending" && e.due_us <= r.now_us && ours) {
        due.push_back(&e);
        targets.push_back(e.job.target);
      }
    }
    std::vector<Job> out;
    for (size_t i : select_claimable(targets, r)) {
      due[i]->due_us = r.lease_until_us;
      due[i]->owner = r.owner;
      out.push_back(due[i]->job);
    }
    return out;
  }

  base::Result<std::optional<WebhookEndpoint>> endpoint(const Target& t) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = endpoints_.find(t.text());
    if (it == endpoints_.end()) {
      return std::optional<WebhookEndpoint>();
    }
    return std::optional<WebhookEndpoint>(it->second);
  }

  base::Status finish(const Job& job, const std::string& owner, const JobUpdate& u,
                      const AttemptRecord* record, int64_t) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (record != nullptr) {
      records_.push_back(*record);
    }
    auto it = jobs_.find(job.id);
    if (it == jobs_.end() || it->second.owner != owner || it->second.job.attempt != job.attempt) {
      return {};
    }
    Entry& e = it->second;
    e.owner.clear();
    e.last_error = u.error;
    if (u.fate == JobFate::Delivered) {
      delivered_.push_back(job);
      jobs_.erase(it);
    } else if (u.fate == JobFate::Retry) {
      ++e.job.attempt;
      e.due_us = u.next_due_us;
    } else {
      e.state = "failed";
    }
    return {};
  }

  base::Status record(const AttemptRecord& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    records_.push_back(r);
    return {};
  }

  base::Status release(const std::vector<Job>& jobs, const std::string&, int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Job& j : jobs) {
      jobs_[j.id].owner.clear();
      jobs_[j.id].due_us = now;
      released_.push_back(j.id);
    }
    return {};
  }

  base::Result<int> reclaim_own_leases(const std::string&, int64_t) override { return 0; }
  base::Result<int64_t> purge_before(int64_t, int) override { return 0; }

  std::mutex mu_;
  int64_t next_id_ = 0;
  std::map<int64_t, Entry> jobs_;
  std::vector<OutboxEvent> outbox_;
  std::vector<std::string> tenant_hooks_;
  std::vector<std::string> platform_hooks_;
  std::map<std::string, WebhookEndpoint> endpoints_;
  std::vector<AttemptRecord> records_;
  std::vector<Job> delivered_;
  std::vector<int64_t> released_;
};

Job job_for(const std::string& target, const std::string& uuid) {
  Job j;
  j.target = target;
  j.event = "MessageSent";
  j.event_uuid = uuid;
  j.tenant_id = "t1";
  j.body = "{\"event\":\"MessageSent\",\"uuid\":\"" + uuid + "\"}";
  j.signature = "c2ln";
  j.kid = "kid1";
  j.occurred_us = 1700000000000000;
  return j;
}

DeliveryOutcome outcome(DeliveryResult r, int status = 0, std::string error = "") {
  DeliveryOutcome o;
  o.result = r;
  o.status_code = status;
  o.error = std::move(error);
  o.response_excerpt = status > 0 ? "body of " + std::to_string(status) : "";
  o.duration_ms = 12;
  return o;
}

class DispatcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pem = SigningKey::generate_private_pem(2048);
    ASSERT_TRUE(pem.ok());
    pem_ = new std::string(*pem);
  }
  static void TearDownTestSuite() {
    delete pem_;
    pem_ = nullptr;
  }

  void SetUp() override {
    auto key = SigningKey::from_private_pem(*pem_);
    ASSERT_TRUE(key.ok());
    auto signer = WebhookSigner::create(*key, {});
    ASSERT_TRUE(signer.ok());
    keys_ = std::make_unique<KeyRing>(std::make_shared<const WebhookSigner>(*signer));
    store_.endpoints_["tenant:7"] = {"7", "hook", "https://hooks.example/a", true};
    store_.endpoints_["platform:pwh_1"] = {"pwh_1", "all", "https://hooks.example/p", true};
    store_.endpoints_["tenant:8"] = {"8", "off", "https://hooks.example/off", false};
    settings_.owner = "node-a";
    settings_.schedule = *RetrySchedule::parse({"1m", "5m"});
  }

  std::unique_ptr<Dispatcher> make(Transports t) {
    return std::make_unique<Dispatcher>(settings_, store_, std::move(t), *keys_, clock_,
                                        &steady_ms);
  }

  // Runs one job as the claimer would hand it over.
  void claim_and_run(Dispatcher& d, const Job& j) {
    store_.add(j);
    ClaimRequest r;
    r.limit = 1;
    r.sinks = {"file"};
    r.now_us = clock_.now_us();
    r.lease_until_us = r.now_us + 1;
    r.owner = settings_.owner;
    auto claimed = store_.claim(r);
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 1u);
    d.run_job((*claimed)[0]);
  }

  bool verifies(const std::string& body, const std::string& b64) {
    auto sig = crypto::base64_decode(b64);
    auto key = SigningKey::from_private_pem(*pem_);
    std::string pub = key->public_pem();
    BIO* bio = BIO_new_mem_buf(pub.data(), static_cast<int>(pub.size()));
    EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    bool ok =
        sig.ok() && EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
        EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                         reinterpret_cast<const unsigned char*>(body.data()), body.size()) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    return ok;
  }

  static std::string* pem_;
  FakeClock clock_;
  FakeStore store_;
  std::unique_ptr<KeyRing> keys_;
  DispatcherSettings settings_;
};
std::string* DispatcherTest::pem_ = nullptr;

TEST_F(DispatcherTest, FanOutSignsEachBodyOnceAndSinksGetThePlatformFormUnsigned) {
  store_.outbox_.push_back({1, "uuid-1", "t1", "MessageSent", "{\"status\":\"Sent\"}", 5000000});
  store_.tenant_hooks_ = {"7", "9"};
  store_.platform_hooks_ = {"pwh_1"};
  Transports t;
  t.webhook = [](const PluginEvent&, uint64_t) { return outcome(DeliveryResult::Ok, 200); };
  t.sinks.emplace_back("file",
                       [](const PluginEvent&, uint64_t) { return outcome(DeliveryResult::Ok); });
  auto d = make(std::move(t));
  auto n = d->fan_out_once();
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  std::map<std::string, Job> by_target;
  for (const auto& [id, e] : store_.jobs_) {
    by_target[e.job.target] = e.job;
  }
  ASSERT_EQ(by_target.size(), 4u);
  const Job& t7 = by_target["tenant:7"];
  const Job& p1 = by_target["platform:pwh_1"];
  const Job& sink = by_target["sink:file"];
  EXPECT_EQ(t7.body,
            "{\"event\":\"MessageSent\",\"timestamp\":5.000000,\"uuid\":\"uuid-1\","
            "\"payload\":{\"status\":\"Sent\"}}");
  EXPECT_EQ(by_target["tenant:9"].body, t7.body);
  EXPECT_EQ(by_target["tenant:9"].signature, t7.signature) << "one signature per body";
  EXPECT_EQ(p1.body,
            "{\"event\":\"MessageSent\",\"tenant_id\":\"t1\",\"timestamp\":5.000000,"
            "\"uuid\":\"uuid-1\",\"payload\":{\"status\":\"Sent\"}}");
  EXPECT_TRUE(verifies(t7.body, t7.signature));
  EXPECT_TRUE(verifies(p1.body, p1.signature));
  EXPECT_FALSE(verifies(p1.body, t7.signature));
  EXPECT_EQ(t7.kid, keys_->current()->active_kid());
  EXPECT_EQ(sink.body, p1.body);
  EXPECT_TRUE(sink.signature.empty());
}

TEST_F(DispatcherTest, FanOutWithoutAKeyFailsAndLeavesTheOutboxAlone) {
  store_.outbox_.push_back({1, "uuid-1", "t1", "MessageSent", "{}", 0});
  store_.tenant_hooks_ = {"7"};
  keys_->set(nullptr);
  auto d = make({});
  auto n = d->fan_out_once();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, base::ErrorKind::Invalid);
  EXPECT_EQ(store_.outbox_.size(), 1u);
  EXPECT_TRUE(store_.jobs_.empty());
}

TEST_F(DispatcherTest, A2xxDeliversAndRecordsTheExactRequest) {
  PluginEvent seen;
  std::string url;
  StringPairs headers;
  std::string body;
  Transports t;
  t.webhook = [&](const PluginEvent& ev, uint64_t deadline) {
    url = std::string(ev.url);
    headers = *ev.headers;
    body = std::string(ev.body);
    EXPECT_GE(deadline, steady_ms() + 9000) << "the 10 s timeout";
    return outcome(DeliveryResult::Ok, 204);
  };
  auto d = make(std::move(t));
  claim_and_run(*d, job_for("tenant:7", "u1"));
  ASSERT_EQ(store_.delivered_.size(), 1u);
  ASSERT_EQ(store_.records_.size(), 1u);
  const AttemptRecord& r = store_.records_[0];
  EXPECT_EQ(url, "https://hooks.example/a");
  EXPECT_EQ(body, job_for("tenant:7", "u1").body);
  EXPECT_EQ(headers, webhook_headers(Signature{"c2ln", "kid1"}));
  EXPECT_EQ(r.id.rfind("whr_", 0), 0u);
  EXPECT_FALSE(r.platform);
  EXPECT_EQ(r.webhook_id, "7");
  EXPECT_EQ(r.tenant_id, std::optional<std::string>("t1"));
  EXPECT_EQ(r.kind, "event");
  EXPECT_EQ(r.attempt, 1);
  EXPECT_EQ(r.status_code, std::optional<int>(204));
  EXPECT_TRUE(r.success);
  EXPECT_FALSE(r.will_retry);
  EXPECT_EQ(r.payload, body);
  EXPECT_EQ(r.request_headers_json, headers_json(headers));
  EXPECT_EQ(r.response_body, std::optional<std::string>("body of 204"));
  EXPECT_FALSE(r.error.has_value());
  EXPECT_EQ(r.duration_ms, 12);
}

TEST_F(DispatcherTest, RetriesFollowTheScheduleThenFailForGood) {
  Transports t;
  t.webhook = [](const PluginEvent& ev, uint64_t) {
    EXPECT_EQ(ev.attempt > 0, true);
    return outcome(DeliveryResult::Retry, 503, "HTTP status 503");
  };
  auto d = make(std::move(t));
  store_.add(job_for("platform:pwh_1", "u2"));
  auto run_due = [&] {
    ClaimRequest r;
    r.limit = 5;
    r.now_us = clock_.now_us();
    r.lease_until_us = r.now_us + 1;
    r.owner = settings_.owner;
    auto claimed = store_.claim(r);
    for (const Job& j : *claimed) {
      d->run_job(j);
    }
    return claimed->size();
  };
  EXPECT_EQ(run_due(), 1u);
  const auto& e = store_.jobs_.begin()->second;
  EXPECT_EQ(e.job.attempt, 2);
  EXPECT_EQ(e.due_us, clock_.now_us() + 60 * 1000000LL) << "1m after the first failure";
  EXPECT_EQ(run_due(), 0u) << "not due yet";
  clock_.now_ += 60 * 1000000LL;
  EXPECT_EQ(run_due(), 1u);
  EXPECT_EQ(e.due_us, clock_.now_us() + 5 * 60 * 1000000LL);
  clock_.now_ += 5 * 60 * 1000000LL;
  EXPECT_EQ(run_due(), 1u);
  EXPECT_EQ(e.state, "failed");
  EXPECT_NE(e.last_error.find("gave up after 3 attempts: HTTP status 503"), std::string::npos)
      << e.last_error;
  ASSERT_EQ(store_.records_.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const AttemptRecord& r = store_.records_[static_cast<size_t>(i)];
    EXPECT_EQ(r.attempt, i + 1);
    EXPECT_EQ(r.will_retry, i < 2);
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.status_code, std::optional<int>(503));
    EXPECT_EQ(r.event_uuid, "u2") << "the uuid is stable across retries";
    EXPECT_TRUE(r.platform);
    EXPECT_EQ(r.id.rfind("pwd_", 0), 0u);
  }
  EXPECT_EQ(run_due(), 0u);
}

TEST_F(DispatcherTest, ConnectionFailureRecordsANullStatus) {
  Transports t;
  t.webhook = [](const PluginEvent&, uint64_t) {
    return outcome(DeliveryResult::Retry, 0, "connect 127.0.0.1:9: Connection refused");
  };
  auto d = make(std::move(t));
  claim_and_run(*d, job_for("tenant:7", "u3"));
  ASSERT_EQ(store_.records_.size(), 1u);
  EXPECT_FALSE(store_.records_[0].status_code.has_value());
  EXPECT_FALSE(store_.records_[0].response_body.has_value());
  EXPECT_EQ(store_.records_[0].error,
            std::optional<std::string>("connect 127.0.0.1:9: Connection refused"));
  EXPECT_TRUE(store_.records_[0].will_retry);
}

TEST_F(DispatcherTest, PermanentAndInvalidResultsFailAtOnce) {
  for (DeliveryResult r : {DeliveryResult::FailPermanent, DeliveryResult::Invalid}) {
    store_.records_.clear();
    Transports t;
    t.webhook = [r](const PluginEvent&, uint64_t) { return outcome(r, 0, "refused by policy"); };
    auto d = make(std::move(t));
    claim_and_run(*d, job_for("tenant:7", std::string("u-") + to_string(r)));
    ASSERT_EQ(store_.records_.size(), 1u);
    EXPECT_FALSE(store_.records_[0].will_retry);
    bool failed = false;
    for (const auto& [id, e] : store_.jobs_) {
      failed = failed || (e.job.event_uuid == std::string("u-") + to_string(r) &&
                          e.state == "failed" && e.last_error == "refused by policy");
    }
    EXPECT_TRUE(failed) << to_string(r);
  }
}

TEST_F(DispatcherTest, DisabledOrDeletedWebhooksAreNotSent) {
  int calls = 0;
  Transports t;
  t.webhook = [&](const PluginEvent&, uint64_t) {
    ++calls;
    return outcome(DeliveryResult::Ok, 200);
  };
  auto d = make(std::move(t));
  claim_and_run(*d, job_for("tenant:8", "off"));
  claim_and_run(*d, job_for("tenant:99", "gone"));
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(store_.records_.empty());
  std::set<std::string> errors;
  for (const auto& [id, e] : store_.jobs_) {
    EXPECT_EQ(e.state, "failed");
    errors.insert(e.last_error);
  }
  EXPECT_EQ(errors, (std::set<std::string>{"webhook disabled", "webhook no longer exists"}));
}

TEST_F(DispatcherTest, SinksGetTheBodyWithoutTargetOrRecord) {
  std::string body;
  Transports t;
  t.sinks.emplace_back("file", [&](const PluginEvent& ev, uint64_t) {
    body = std::string(ev.body);
    EXPECT_TRUE(ev.url.empty());
    EXPECT_EQ(ev.headers, nullptr);
    return outcome(DeliveryResult::Ok);
  });
  auto d = make(std::move(t));
  claim_and_run(*d, job_for("sink:file", "s1"));
  EXPECT_EQ(body, job_for("sink:file", "s1").body);
  EXPECT_EQ(store_.delivered_.size(), 1u);
  EXPECT_TRUE(store_.records_.empty());
}

// The dead endpoint's sends hang until the test releases them, after the live endpoint's
// jobs were all delivered: so those deliveries happened while dead sends held workers. No
// clock is involved; the wait below only bounds a hang.
TEST_F(DispatcherTest, OneDeadEndpointDoesNotDelayTheOthers) {
  settings_.workers = 4;
  settings_.per_target = 2;
  settings_.timeout = 60000ms;
  settings_.poll = 20ms;
  store_.endpoints_["tenant:1"] = {"1", "dead", "https://dead.example/", true};
  store_.endpoints_["tenant:2"] = {"2", "live", "https://live.example/", true};
  for (int i = 0; i < 12; ++i) {
    store_.add(job_for("tenant:1", "dead-" + std::to_string(i)));
  }
  for (int i = 0; i < 12; ++i) {
    store_.add(job_for("tenant:2", "live-" + std::to_string(i)));
  }
  std::atomic<int> dead_now{0};
  std::atomic<int> dead_max{0};
  std::atomic<bool> release{false};
  Transports t;
  t.webhook = [&](const PluginEvent& ev, uint64_t deadline) {
    if (ev.url.find("dead") == std::string_view::npos) {
      return outcome(DeliveryResult::Ok, 200);
    }
    int now = ++dead_now;
    dead_max = std::max(dead_max.load(), now);
    while (!release && steady_ms() < deadline) {  // a peer that never answers
      std::this_thread::sleep_for(5ms);
    }
    --dead_now;
    return outcome(DeliveryResult::Retry, 0, "timed out");
  };
  auto d = make(std::move(t));
  auto started = std::chrono::steady_clock::now();
  d->start();
  bool live_done = false;
  int dead_held = 0;
  while (std::chrono::steady_clock::now() - started < 50s) {
    {
      std::lock_guard<std::mutex> lock(store_.mu_);
      live_done = store_.delivered_.size() == 12;
    }
    if (live_done) {
      dead_held = dead_now.load();
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  release = true;
  d->stop();
  EXPECT_TRUE(live_done) << "the live endpoint's 12 jobs were not all delivered while the dead "
                            "one held its workers";
  EXPECT_GE(dead_held, 1) << "dead sends were still hanging when the live ones were done";
  EXPECT_LE(dead_max.load(), 2) << "events.per_endpoint caps the dead endpoint's workers";
}

TEST_F(DispatcherTest, StopLetsTheRunningSendFinishAndLeavesNoJobLeased) {
  settings_.workers = 1;
  settings_.per_target = 10;
  settings_.poll = 10ms;
  for (int i = 0; i < 5; ++i) {
    store_.add(job_for("tenant:7", "q" + std::to_string(i)));
  }
  std::atomic<int> running{0};
  std::atomic<bool> release{false};
  Transports t;
  t.webhook = [&](const PluginEvent&, uint64_t) {
    ++running;
    while (!release) {
      std::this_thread::sleep_for(2ms);
    }
    return outcome(DeliveryResult::Ok, 200);
  };
  auto d = make(std::move(t));
  d->start();
  while (running == 0) {
    std::this_thread::sleep_for(2ms);
  }
  std::thread stopper([&] { d->stop(); });
  std::this_thread::sleep_for(50ms);
  release = true;
  stopper.join();
  EXPECT_EQ(running.load(), 1) << "only the job already running was sent";
  EXPECT_EQ(store_.delivered_.size(), 1u);
  ASSERT_EQ(store_.jobs_.size(), 4u);
  for (const auto& [id, e] : store_.jobs_) {
    EXPECT_TRUE(e.owner.empty()) << "job " << id << " still leased after stop";
    EXPECT_EQ(e.state, "pending");
  }
}

TEST(Decide, MapsEveryResult) {
  RetrySchedule s = *RetrySchedule::parse({"30s"});
  DeliveryOutcome o;
  o.result = DeliveryResult::Ok;
  EXPECT_EQ(decide(o, 1, s, 100).fate, JobFate::Delivered);
  o.result = DeliveryResult::Retry;
  o.error = "HTTP status 500";
  JobUpdate u = decide(o, 1, s, 100);
  EXPECT_EQ(u.fate, JobFate::Retry);
  EXPECT_EQ(u.next_due_us, 100 + 30000000);
  EXPECT_EQ(u.error, "HTTP status 500");
  u = decide(o, 2, s, 100);
  EXPECT_EQ(u.fate, JobFate::Failed);
  EXPECT_EQ(u.error, "gave up after 2 attempts: HTTP status 500");
  o.result = DeliveryResult::Invalid;
  o.error.clear();
  u = decide(o, 1, s, 100);
  EXPECT_EQ(u.fate, JobFate::Failed);
  EXPECT_EQ(u.error, "plugin result invalid");
}

TEST(SelectClaimable, CapsPerTargetAndInAll) {
  ClaimRequest r;
  r.limit = 4;
  r.per_target_max = 2;
  r.in_flight = {{"a", 1}};
  std::vector<std::string> targets = {"a", "a", "a", "b", "b", "b", "c", "d"};
  EXPECT_EQ(select_claimable(targets, r), (std::vector<size_t>{0, 3, 4, 6}));
  r.limit = 10;
  EXPECT_EQ(select_claimable(targets, r), (std::vector<size_t>{0, 3, 4, 6, 7}));
}

}  // namespace
}  // namespace ark::events
