// Test doubles for ark-policyd: a settable clock and a credential store holding the
// credentials the transcripts use (tests/fixtures/policyd/README.md).
//
// Thread-safety: single-threaded tests only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/crypto/crypto.h"
#include "policy/policyd/authenticator.h"

namespace ark::policyd::testing {

class FakeClock final : public base::Clock {
 public:
  int64_t now_us() const override { return now_us_; }
  void advance_ms(int64_t ms) { now_us_ += ms * 1000; }

 private:
  int64_t now_us_ = 1700000000LL * 1000000;
};

inline constexpr const char* kTenant = "cmtenant0000001";

class FakeCredentialStore final : public CredentialStore {
 public:
  FakeCredentialStore() {
    add("cred_good", {1, kTenant, "app", "smtp", false, "active"});
    add("cred_held", {2, kTenant, "held-app", "smtp", true, "active"});
    add("cred_susp", {3, "cmsuspended0001", "app", "smtp", false, "suspended"});
    add("ark_live_apikey", {4, kTenant, "api-key", "api", false, "active"});
  }
  void add(const std::string& key, CredentialRecord r) { by_hash_[crypto::sha256_hex(key)] = r; }

  base::Result<std::optional<CredentialRecord>> find_by_key_hash(const std::string& h) override {
    ++lookups;
    if (h == crypto::sha256_hex("cred_down")) {
      return base::Error::transient("database is down");
    }
    auto it = by_hash_.find(h);
    if (it == by_hash_.end()) {
      return std::optional<CredentialRecord>();
    }
    return std::optional<CredentialRecord>(it->second);
  }
  void touch(int64_t id) override { touched.push_back(id); }

  int lookups = 0;
  std::vector<int64_t> touched;

 private:
  std::map<std::string, CredentialRecord> by_hash_;
};

}  // namespace ark::policyd::testing
