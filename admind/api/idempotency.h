// Idempotency-Key on every POST (api.md §2.7, behaviour.md Appendix C.1), as the
// dispatcher's around-handler step.
//
// Scope: the key's owner (the organisation for org-level keys, the tenant for
// tenant-scoped keys) plus the key string. Fingerprint: SHA-256 of the method, the path
// and the canonical JSON body (members sorted, no whitespace). The first request claims
// the key (a unique insert: concurrent duplicates never run the handler twice); a 2xx or
// 207 response is stored for 24 h and replayed byte for byte with
// `Idempotent-Replayed: true`; any other outcome releases the key. Same key with another
// fingerprint: 422 idempotency_key_reused. Same key still running: 409
// idempotency_in_progress with Retry-After: 1.
//
// Thread-safety: safe to share; state lives in the store.
#pragma once

#include <string>

#include "admind/http/request.h"
#include "admind/http/router.h"
#include "admind/store/idempotency_store.h"
#include "core/base/clock.h"

namespace ark::admind::api {

struct IdempotencySettings {
  int64_t ttl_us = 24LL * 3600 * 1000000;
  int64_t stale_us = 5LL * 60 * 1000000;  // an in-flight claim older than this is abandoned
};

// ^[\w\-_.~]+$, 1 to 255 characters.
bool valid_idempotency_key(const std::string& key);
// SHA-256 hex of method, path and the canonical body.
std::string request_fingerprint(const http::Request& req);

class Idempotency {
 public:
  Idempotency(store::IdempotencyStore& store, const base::Clock& clock, IdempotencySettings s)
      : store_(store), clock_(clock), s_(s) {}
  http::Outcome run(http::Request& req, const http::Handler& handler) const;

 private:
  http::Outcome run_claimed(http::Request& req, const http::Handler& handler,
                            const std::string& owner, const std::string& key) const;
  store::IdempotencyStore& store_;
  const base::Clock& clock_;
  IdempotencySettings s_;
};

}  // namespace ark::admind::api
