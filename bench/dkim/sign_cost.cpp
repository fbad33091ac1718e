// sign_cost: what DKIM signing costs ark-milter per message, next to the raw RSA-2048 signing
// rate that bounds it (compare with `openssl speed rsa2048`, which bench/dkim/run prints).
//
//   sign_cost [SECONDS]      (default 3 per case)
//
// SECONDS is CPU time per case. Cases, each signing the same ~4 KB message again and again on one
// thread:
//   rsa      body hash (streamed, as the milter does) + header hash + rsa-sha256 signature
//   ed25519  the same with ed25519-sha256
//   rsa+ed   both signatures, one body hash (what ark-milter does with an Ed25519 key)
//   hash     body and header hashing only (the part that is not the private-key operation)
// Output: one line per case: messages per second and microseconds per message in CPU time
// (what `openssl speed` reports by default, so the two compare on a loaded machine), then
// the wall-clock microseconds per message.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/dkim_keys/dkim_keys.h"
#include "milter/dkim/body_hasher.h"
#include "milter/dkim/signer.h"
#include "milter/dkim/signing_key.h"

namespace {

using namespace ark::milter::dkim;
using Clock = std::chrono::steady_clock;

std::vector<Header> headers() {
  return {{"From", "Bench <bench@bench.example>"},
          {"To", "someone@example.net"},
          {"Subject", "A benchmark message of ordinary size"},
          {"Date", "Sun, 29 Nov 2026 02:00:00 +0000"},
          {"Message-ID", "<bench-1@bench.example>"},
          {"MIME-Version", "1.0"},
          {"Content-Type", "text/plain; charset=utf-8"}};
}

std::string body() {
  std::string b;
  while (b.size() < 4000) {
    b += "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n";
  }
  return b;
}

SigningKey load(ark::dkim_keys::KeyType type) {
  auto pem = ark::dkim_keys::generate_private_key_pem(type);
  auto key = SigningKey::from_pem(*pem);
  if (!pem || !key) {
    std::fprintf(stderr, "key generation failed\n");
    std::exit(2);
  }
  return std::move(*key);
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

template <typename F>
void run(const char* name, double seconds, F&& once) {
  long n = 0;
  auto start = Clock::now();
  double cpu0 = cpu_seconds();
  while (cpu_seconds() - cpu0 < seconds) {
    once();
    ++n;
  }
  double cpu = cpu_seconds() - cpu0;
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-8s %9.1f msgs/s %9.1f us/msg (cpu)  %9.1f us/msg (wall)\n", name, n / cpu,
              cpu * 1e6 / n, wall * 1e6 / n);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::stod(argv[1]) : 3.0;
  SigningKey rsa = load(ark::dkim_keys::KeyType::Rsa);
  SigningKey ed = load(ark::dkim_keys::KeyType::Ed25519);
  std::vector<Header> h = headers();
  std::string b = body();
  SignParams p;
  p.domain = "bench.example";
  p.selector = "ark-bench";
  p.timestamp = 1795917600;
  p.eol = "\n";
  auto sign = [&](const SigningKey& key, const std::string& bh) {
    auto v = sign_with_body_hash(h, bh, key, p);
    if (!v) {
      std::fprintf(stderr, "sign failed: %s\n", v.error().message.c_str());
      std::exit(2);
    }
  };
  auto hash = [&] {
    BodyHasher hasher;
    hasher.update(b);
    return hasher.finish();
  };
  run("rsa", seconds, [&] { sign(rsa, hash()); });
  run("ed25519", seconds, [&] { sign(ed, hash()); });
  run("rsa+ed", seconds, [&] {
    std::string bh = hash();
    sign(rsa, bh);
    sign(ed, bh);
  });
  run("hash", seconds, [&] {
    std::string bh = hash();
    auto sel = select_headers(h, p.signed_headers, p.oversigned_headers);
    (void)signed_data_hash(*sel, "v=1; b=");
  });
  return 0;
}
