// webhook_bench: webhook deliveries per second through admind's send path (envelope, RSA
// signature, the webhook.so transport over a real HTTP connection) to a receiver on
// loopback, signed against unsigned in the same run, and the raw signing rate next to it.
//
//   webhook_bench [COUNT [THREADS [PAIRS]]]      (default 2000 deliveries, 8 threads, 2)
//
// Rounds alternate unsigned, signed (PAIRS times); the best round of each is reported. A
// delivery is what a dispatcher worker does per job minus the database: build the envelope
// of a ~0.8 KB MessageSent event with a fresh uuid, sign it (signed rounds: RSA-2048,
// PKCS#1 v1.5, SHA-256, as admind does once per body), and hand body and headers to the
// webhook plugin (one POST, one connection, 10 s deadline) against a Poco HTTP server in
// this process that answers 200 and checks the signature header is there when expected.
// Then the signing step alone on one thread for 3 s of CPU time, to compare with
// `openssl speed rsa2048` (bench/webhooks/run prints both).
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "admind/events/envelope.h"
#include "admind/events/plugin_host.h"
#include "admind/events/signer.h"
#include "bench/webhooks/receiver.h"
#include "core/base/log.h"
#include "core/crypto/crypto.h"

namespace {

using namespace ark::events;
using Clock = std::chrono::steady_clock;

const std::string kPayload =
    "{\"message\":{\"id\":12345,\"token\":\"eml_2b6c0a3e9f1d4c7b\",\"direction\":\"outgoing\","
    "\"message_id\":\"<msgXcuaRTFbUWICMiq4ypSNl@mx.example.net>\",\"to\":\"customer@example.com\","
    "\"from\":\"Shop <orders@shop.example>\",\"subject\":\"Your order #100234 has shipped\","
    "\"timestamp\":1764380000.123456,\"spam_status\":\"NotChecked\",\"tag\":\"shipping\","
    "\"metadata\":{\"order_id\":\"100234\",\"customer\":\"c_88213\"}},\"status\":\"Sent\","
    "\"details\":\"Message for customer@example.com accepted by mx.example.com\","
    "\"output\":\"250 2.0.0 Ok: queued as 4jcXM23XHLz1dSdh\",\"sent_with_ssl\":true,"
    "\"timestamp\":1764380001.654321,\"time\":0.53}";

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// One delivery: envelope, optional signature, transport.
bool deliver_one(const PluginInstance& webhook, const WebhookSigner* signer,
                 const std::string& url) {
  std::string uuid = ark::crypto::hex(ark::crypto::random_bytes(16));
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  std::string body = build_envelope({"MessageSent", std::nullopt, us, uuid, kPayload});
  StringPairs headers = {{"Content-Type", "application/json"},
                         {"User-Agent", std::string(kUserAgent)}};
  if (signer != nullptr) {
    auto sig = signer->sign(body);
    if (!sig) {
      return false;
    }
    headers = webhook_headers(*sig);
  }
  PluginEvent ev{"MessageSent", uuid, "ten_bench", body, url, &headers};
  uint64_t deadline = PluginHostServices::defaults().monotonic_ms() + 10000;
  return webhook.deliver(ev, deadline).result == DeliveryResult::Ok;
}

// COUNT deliveries over THREADS threads; deliveries per second (wall clock).
double round(ark::bench::BenchReceiver& receiver, const PluginInstance& webhook,
             const WebhookSigner* signer, int count, int threads, long* failures) {
  receiver.counts().expect_signature = signer != nullptr;
  const std::string url = receiver.url();
  std::atomic<int> next{0};
  std::atomic<long> failed{0};
  auto started = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (next.fetch_add(1) < count) {
        if (!deliver_one(webhook, signer, url)) {
          ++failed;
        }
      }
    });
  }
  for (auto& t : pool) {
    t.join();
  }
  double secs = std::chrono::duration<double>(Clock::now() - started).count();
  *failures += failed;
  return count / secs;
}

void sign_only(const WebhookSigner& signer) {
  std::string body = build_envelope({"MessageSent", std::nullopt, 1764380000123456,
                                     "2b6c0a3e-1111-4222-8333-444455556666", kPayload});
  long n = 0;
  double cpu0 = cpu_seconds();
  auto wall0 = Clock::now();
  while (cpu_seconds() - cpu0 < 3.0) {
    if (signer.sign(body)) {
      ++n;
    }
  }
  double cpu = cpu_seconds() - cpu0;
  double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
  std::printf(
      "sign only (1 thread, %zu-byte body): %.0f signatures/s CPU (%.1f us each), "
      "%.0f/s wall\n",
      body.size(), n / cpu, cpu * 1e6 / n, n / wall);
}

}  // namespace

int main(int argc, char** argv) {
  ark::base::log_init("webhook_bench", ark::base::LogLevel::Warning, false);
  int count = argc > 1 ? std::atoi(argv[1]) : 2000;
  int threads = argc > 2 ? std::atoi(argv[2]) : 8;
  int pairs = argc > 3 ? std::atoi(argv[3]) : 2;
  ark::bench::BenchReceiver receiver(threads * 2);

  PluginHost host(ARK_PLUGIN_BUILD_DIR, PluginHostServices::defaults());
  auto plugin = host.load("webhook.so");
  if (!plugin) {
    std::fprintf(stderr, "%s\n", plugin.error().message.c_str());
    return 1;
  }
  auto webhook =
      host.instantiate(**plugin, "bench", {{"allow_http", "true"}, {"allow_loopback", "true"}});
  auto pem = SigningKey::generate_private_pem(2048);
  auto key = pem ? SigningKey::from_private_pem(*pem) : ark::base::Result<SigningKey>(pem.error());
  if (!webhook || !key) {
    std::fprintf(stderr, "setup failed\n");
    return 1;
  }
  auto signer = WebhookSigner::create(*key, {});

  double best_unsigned = 0;
  double best_signed = 0;
  long failures = 0;
  for (int p = 0; p < pairs; ++p) {
    double u = round(receiver, **webhook, nullptr, count, threads, &failures);
    double s = round(receiver, **webhook, &*signer, count, threads, &failures);
    std::printf("round %d: unsigned %.0f deliveries/s, signed %.0f deliveries/s\n", p + 1, u, s);
    best_unsigned = std::max(best_unsigned, u);
    best_signed = std::max(best_signed, s);
  }
  std::printf(
      "best of %d: unsigned %.0f/s, signed %.0f/s, signed/unsigned %.2f "
      "(%d deliveries per round, %d threads, failures %ld, missing signatures %ld, "
      "received %ld)\n",
      pairs, best_unsigned, best_signed, best_signed / best_unsigned, count, threads, failures,
      receiver.counts().missing_signature.load(), receiver.counts().received.load());
  std::printf(
      "machine time per delivery (wall / deliveries): unsigned %.0f us, signed %.0f us; "
      "signing adds %.0f us\n",
      1e6 / best_unsigned, 1e6 / best_signed, 1e6 / best_signed - 1e6 / best_unsigned);
  sign_only(*signer);
  return failures == 0 && receiver.counts().missing_signature == 0 ? 0 : 1;
}
