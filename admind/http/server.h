// The HTTP front: Poco's HTTPServer feeding one dispatcher that reads the body (with the
// size limit), authenticates the Bearer key, parses JSON, routes, runs the handler inside
// a catch-all, and writes the spec's envelope (api.md §2.3, §2.5, §2.6).
//
// Ownership: ApiServer owns the Poco server; the Router and Authenticator are borrowed
// and must outlive it.
// Thread-safety: handlers run on Poco's worker threads; everything shared is immutable
// or internally synchronised.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "admind/http/router.h"
#include "core/base/clock.h"
#include "core/base/result.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace ark::admind::http {

// Resolves a Bearer token to a Principal, or an ApiError (401 codes, or 503 when the
// key store is unreachable).
using Authenticator = std::function<std::variant<Principal, ApiError>(const std::string& token)>;
// Health probe: ok, or why not.
using HealthCheck = std::function<base::Status()>;

// What the request recorder sees once the response has been written.
struct Exchange {
  const Request& request;
  const Outcome& outcome;
  int status = 0;
  const std::string& response_body;
  int64_t duration_us = 0;
};
// Called after the response is written (api.md §3.15: every request is logged). It must
// not block for long: it runs on the request's worker thread. Exceptions are caught and
// logged; nothing it does can change the response.
using RequestRecorder = std::function<void(const Exchange&)>;

// Optional steps around the handler, installed by the composition root.
struct DispatchHooks {
  // Counts the request of a caller ("key:<id>" or "ip:<address>") in the API rate limit;
  // a limited state answers 429 rate_limit_exceeded before the body is read.
  std::function<RateState(const std::string& caller)> rate_limit;
  // Runs the matched handler, or answers without it (Idempotency-Key replay).
  std::function<Outcome(Request&, const Handler&)> around_handler;
  RequestRecorder recorder;
  const base::Clock* clock = nullptr;  // for Request::received_us; null: the system clock
};

struct ServerSettings {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 16;
  int64_t max_body_bytes = 20 * 1024 * 1024;
};

class Dispatcher {
 public:
  Dispatcher(const Router& router, Authenticator auth, HealthCheck health, int64_t max_body)
      : router_(router), auth_(std::move(auth)), health_(std::move(health)), max_body_(max_body) {}
  // Install before the server starts; not synchronised with running requests.
  void set_hooks(DispatchHooks hooks) { hooks_ = std::move(hooks); }
  // Serves GET /.well-known/jwks.json without authentication (the webhook signing keys,
  // behaviour.md §3.6). Install before the server starts.
  void set_jwks(std::function<std::string()> jwks) { jwks_ = std::move(jwks); }
  void handle(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) const;

 private:
  Outcome dispatch(Poco::Net::HTTPServerRequest& in, Request& req) const;
  std::optional<ApiError> authenticate(Request& req) const;  // also counts the rate limit
  std::optional<ApiError> count_rate(Request& req, const std::string& caller) const;
  void record(const Exchange& exchange) const;
  const Router& router_;
  Authenticator auth_;
  HealthCheck health_;
  int64_t max_body_;
  DispatchHooks hooks_;
  std::function<std::string()> jwks_;
};

class ApiServer {
 public:
  ApiServer(const ServerSettings& settings, const Dispatcher& dispatcher);
  ~ApiServer();
  void start();
  void stop();
  int port() const;

 private:
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// Serialises a reply or error into the envelope; exposed for tests.
std::string render_body(const Outcome& outcome, const std::string& request_id, int* status);

}  // namespace ark::admind::http
