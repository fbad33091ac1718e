#include "admind/api/idempotency.h"

#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "admind/http/server.h"
#include "core/base/log.h"
#include "core/crypto/crypto.h"

namespace ark::admind::api {

using http::ApiError;
using http::Outcome;
using http::Reply;

bool valid_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > 255) {
    return false;
  }
  for (unsigned char c : key) {
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.' && c != '~') {
      return false;
    }
  }
  return true;
}

std::string request_fingerprint(const http::Request& req) {
  std::string body;
  if (!req.body.isNull()) {
    // The parser's default objects keep members sorted by name: a canonical form.
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(req.body, out);
    body = out.str();
  } else {
    body = req.raw_body;
  }
  return crypto::sha256_hex(req.method + "\n" + req.path + "\n" + body);
}

Outcome Idempotency::run(http::Request& req, const http::Handler& handler) const {
  auto key = req.header("idempotency-key");
  if (req.method != "POST" || !key) {
    return handler(req);
  }
  if (!valid_idempotency_key(*key)) {
    return ApiError::validation(
        "Idempotency-Key must be 1 to 255 characters of letters, "
        "digits, '_', '-', '.' or '~'",
        "Idempotency-Key");
  }
  std::string owner = req.principal.org_level() ? "org" : "t:" + req.principal.tenant_id;
  std::string hash = request_fingerprint(req);
  auto held = store_.claim(owner, *key, hash, clock_.now_us(), s_.ttl_us, s_.stale_us);
  if (!held) {
    return http::api_error_from(held.error());
  }
  if (!*held) {
    return run_claimed(req, handler, owner, *key);
  }
  const store::IdempotencyRecord& rec = **held;
  if (rec.request_hash != hash) {
    return ApiError::unprocessable("idempotency_key_reused",
                                   "this Idempotency-Key was used with a different request",
                                   "Idempotency-Key");
  }
  if (!rec.done) {
    ApiError e{409, "idempotency_in_progress",
               "a request with this Idempotency-Key is still being processed", "Idempotency-Key",
               "Retry after a second"};
    e.retry_after_s = 1;
    return e;
  }
  Reply replay = Reply::raw_body(rec.body, rec.content_type, rec.status);
  replay.headers.emplace_back("Idempotent-Replayed", "true");
  return replay;
}

Outcome Idempotency::run_claimed(http::Request& req, const http::Handler& handler,
                                 const std::string& owner, const std::string& key) const {
  Outcome outcome = ApiError::internal("unhandled");
  try {
    outcome = handler(req);
  } catch (...) {
    base::Status st = store_.release(owner, key);
    if (!st) {
      base::log_error("idempotency_release_failed", {{"reason", st.error().message}});
    }
    throw;
  }
  int status = 500;
  std::string body = http::render_body(outcome, req.request_id, &status);
  if ((status < 200 || status > 299)) {
    base::Status st = store_.release(owner, key);
    if (!st) {
      base::log_error("idempotency_release_failed", {{"reason", st.error().message}});
    }
    return outcome;
  }
  const auto& reply = std::get<Reply>(outcome);
  std::string content_type = reply.raw ? reply.content_type : "application/json";
  base::Status st = store_.complete(owner, key, status, body, content_type);
  if (!st) {
    base::log_error("idempotency_store_failed",
                    {{"request", req.request_id}, {"reason", st.error().message}});
  }
  Reply first = Reply::raw_body(std::move(body), content_type, status);
  first.headers = reply.headers;
  return first;
}

}  // namespace ark::admind::api
