#include "admind/http/server.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <chrono>
#include <sstream>

#include "core/base/log.h"
#include "core/base/metrics.h"
#include "core/domain/ids.h"

namespace ark::admind::http {
namespace {

std::string stringify(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

Poco::JSON::Object::Ptr meta(const std::string& request_id) {
  auto m = new_object();
  m->set("requestId", request_id);
  return m;
}

// Reads at most limit+1 bytes so an oversize chunked body is detected without
// buffering all of it.
// A request with neither Content-Length nor chunked encoding has no body (RFC 9112 §6.3):
// reading would wait for the client to close (curl -X POST without data does this).
bool read_body(Poco::Net::HTTPServerRequest& in, int64_t limit, std::string* body) {
  if (in.hasContentLength() && in.getContentLength64() > limit) {
    return false;
  }
  if (!in.hasContentLength() && !in.getChunkedTransferEncoding()) {
    return true;
  }
  std::istream& s = in.stream();
  char buf[16384];
  while (s) {
    s.read(buf, sizeof buf);
    body->append(buf, static_cast<size_t>(s.gcount()));
    if (static_cast<int64_t>(body->size()) > limit) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string render_body(const Outcome& outcome, const std::string& request_id, int* status) {
  auto env = new_object();
  if (const auto* err = std::get_if<ApiError>(&outcome)) {
    *status = err->status;
    env->set("success", false);
    auto e = new_object();
    e->set("code", err->code);
    e->set("message", err->message);
    if (!err->field.empty()) {
      e->set("field", err->field);
    }
    if (!err->suggestion.empty()) {
      e->set("suggestion", err->suggestion);
    }
    env->set("error", e);
    env->set("meta", meta(request_id));
    return stringify(env);
  }
  const auto& reply = std::get<Reply>(outcome);
  *status = reply.status;
  if (reply.raw) {
    return *reply.raw;
  }
  env->set("success", true);
  env->set("data", reply.data);
  if (reply.page) {
    const Page& p = *reply.page;
    env->set("page", p.page);
    env->set("perPage", p.per_page);
    env->set("total", p.total);
    env->set("totalPages", p.total == 0 ? 0 : (p.total + p.per_page - 1) / p.per_page);
    for (const auto& [name, value] : reply.page_extras) {
      env->set(name, value);
    }
  }
  env->set("meta", meta(request_id));
  return stringify(env);
}

Outcome Dispatcher::dispatch(Poco::Net::HTTPServerRequest& in, Request& req) const {
  Poco::URI uri;
  try {
    uri = Poco::URI(in.getURI());
    req.path = uri.getPath();
    for (const auto& [k, v] : uri.getQueryParameters()) {
      req.query[k] = v;
    }
  } catch (const Poco::Exception&) {
    return ApiError::validation("malformed request URI");
  }
  for (const auto& [k, v] : in) {
    std::string lower = k;
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    req.headers[lower] = v;
  }
  if (req.method == "GET" && req.path == "/healthz") {
    base::Status st = health_();
    if (!st) {
      return ApiError::unavailable(st.error().message);
    }
    auto d = new_object();
    d->set("status", "ok");
    return Reply::ok(d);
  }
  if (req.method == "GET" && req.path == "/.well-known/jwks.json" && jwks_) {
    Reply keys = Reply::raw_body(jwks_(), "application/json");
    keys.headers.emplace_back("Cache-Control", "public, max-age=300");
    return keys;
  }
  std::string raw = in.getURI();
  raw = raw.substr(0, raw.find_first_of("?#"));
  RouteMatch m = router_.match(req.method, raw, &req.params);
  if (m.handler == nullptr) {
    if (auto limited = count_rate(req, "ip:" + req.client_ip)) {
      return *limited;
    }
    if (m.path_known) {
      return ApiError{
          405, "method_not_allowed", req.method + " is not allowed on this path", {}, {}};
    }
    return ApiError::not_found("route " + req.path);
  }
  if (auto refused = authenticate(req)) {
    return *refused;
  }
  bool fits = read_body(in, max_body_, &req.raw_body);
  req.body_consumed = fits;
  if (!fits) {
    return ApiError{413,
                    "payload_too_large",
                    "request body exceeds " + std::to_string(max_body_) + " bytes",
                    {},
                    {}};
  }
  if (req.method == "POST" || req.method == "PATCH" || req.method == "PUT") {
    if (!req.raw_body.empty()) {
      try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var v = parser.parse(req.raw_body);
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
          return ApiError::validation("request body must be a JSON object");
        }
        req.body = v.extract<Poco::JSON::Object::Ptr>();
      } catch (const Poco::Exception& e) {
        return ApiError::validation("malformed JSON body: " + e.message(), {},
                                    "Send a valid JSON object");
      }
    }
  }
  req.endpoint = m.name;
  if (hooks_.around_handler) {
    return hooks_.around_handler(req, *m.handler);
  }
  return (*m.handler)(req);
}

std::optional<ApiError> Dispatcher::authenticate(Request& req) const {
  auto auth = req.header("authorization");
  req.headers.erase("authorization");  // never seen by handlers or the request log
  std::string token;
  if (auth && auth->size() > 7 && strncasecmp(auth->c_str(), "Bearer ", 7) == 0) {
    token = auth->substr(7);
  }
  req.key_prefix = token.substr(0, 8);
  std::optional<ApiError> failure;
  if (!auth || auth->empty()) {
    failure = ApiError{401, "authentication_required", "An API key is required", "Authorization",
                       "Send Authorization: Bearer <your API key>"};
  } else {
    auto who = auth_(token);
    if (auto* e = std::get_if<ApiError>(&who)) {
      failure = *e;
    } else {
      req.principal = std::get<Principal>(who);
    }
  }
  std::string caller =
      failure ? "ip:" + req.client_ip : "key:" + std::to_string(req.principal.key_id);
  if (auto limited = count_rate(req, caller)) {
    return limited;
  }
  return failure;
}

std::optional<ApiError> Dispatcher::count_rate(Request& req, const std::string& caller) const {
  if (!hooks_.rate_limit) {
    return std::nullopt;
  }
  req.rate = hooks_.rate_limit(caller);
  if (!req.rate->limited) {
    return std::nullopt;
  }
  return ApiError{429, "rate_limit_exceeded", "Rate limit exceeded", {}, "Wait before retrying"};
}

void Dispatcher::record(const Exchange& exchange) const {
  try {
    hooks_.recorder(exchange);
  } catch (const std::exception& e) {
    base::log_error("request_record_failed",
                    {{"request", exchange.request.request_id}, {"what", e.what()}});
  } catch (...) {
    base::log_error("request_record_failed", {{"request", exchange.request.request_id}});
  }
}

namespace {
// Reads and drops what is left of a refused request body (413, or refused before the body
// was read), up to kDrainCap bytes, before the connection closes: closing a socket with
// unread input resets it, and the client would lose the response it has not read yet.
constexpr int64_t kDrainCap = 256LL * 1024 * 1024;

void drain_body(Poco::Net::HTTPServerRequest& in) {
  std::istream& s = in.stream();
  char buf[65536];
  int64_t total = 0;
  while (s && total < kDrainCap) {
    s.read(buf, sizeof buf);
    total += s.gcount();
  }
}

void set_rate_headers(const Request& req, int status, Poco::Net::HTTPServerResponse& out) {
  if (!req.rate) {
    return;
  }
  out.set("X-RateLimit-Limit", std::to_string(req.rate->limit));
  out.set("X-RateLimit-Remaining", std::to_string(req.rate->remaining));
  out.set("X-RateLimit-Reset", std::to_string(req.rate->reset_s));
  if (status == 429) {
    out.set("Retry-After", std::to_string(req.rate->retry_after_s));
  }
}
}  // namespace

void Dispatcher::handle(Poco::Net::HTTPServerRequest& in,
                        Poco::Net::HTTPServerResponse& out) const {
  auto started = std::chrono::steady_clock::now();
  Request req;
  req.method = in.getMethod();
  req.request_id = domain::new_request_id();
  req.received_us = (hooks_.clock ? *hooks_.clock : base::SystemClock::instance()).now_us();
  req.client_ip = in.clientAddress().host().toString();
  Outcome outcome = ApiError::internal("unhandled");
  try {
    outcome = dispatch(in, req);
  } catch (const std::exception& e) {
    base::log_error("handler_exception", {{"request", req.request_id}, {"what", e.what()}});
    outcome = ApiError::internal("internal error; request " + req.request_id);
  } catch (...) {
    base::log_error("handler_exception", {{"request", req.request_id}});
    outcome = ApiError::internal("internal error; request " + req.request_id);
  }
  int status = 500;
  std::string body = render_body(outcome, req.request_id, &status);
  out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  const auto* raw_reply = std::get_if<Reply>(&outcome);
  out.setContentType(raw_reply && raw_reply->raw ? raw_reply->content_type : "application/json");
  out.set("X-Request-Id", req.request_id);
  set_rate_headers(req, status, out);
  if (const auto* reply = std::get_if<Reply>(&outcome)) {
    for (const auto& [k, v] : reply->headers) {
      out.set(k, v);
    }
  } else if (std::get<ApiError>(outcome).retry_after_s > 0) {
    out.set("Retry-After", std::to_string(std::get<ApiError>(outcome).retry_after_s));
  } else if (status == 503) {
    out.set("Retry-After", "5");
  }
  bool has_body =
      in.hasContentLength() ? in.getContentLength64() > 0 : in.getChunkedTransferEncoding();
  if (has_body && !req.body_consumed) {
    out.setKeepAlive(false);  // unread request bytes would be taken for the next request
  }
  out.setContentLength64(static_cast<Poco::Int64>(body.size()));
  std::ostream& sent = out.send();
  sent << body;
  sent.flush();
  if (has_body && !req.body_consumed) {
    drain_body(in);
  }
  auto ms = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count() /
            1000.0;
  base::log_info("request", {{"id", req.request_id},
                             {"method", req.method},
                             {"path", req.path},
                             {"status", status},
                             {"ms", std::to_string(ms)}});
  const std::string endpoint = req.endpoint.empty() ? "other" : req.endpoint;
  base::Metrics::global().add(
      "ark_http_requests_total",
      {{"endpoint", endpoint}, {"code", std::to_string(status / 100) + "xx"}});
  base::Metrics::global().observe("ark_http_request_duration_seconds", {{"endpoint", endpoint}},
                                  ms / 1000.0);
  if (hooks_.recorder) {
    record(Exchange{req, outcome, status, body,
                    std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count()});
  }
}

namespace {
class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(const Dispatcher& d) : d_(d) {}
  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    d_.handle(in, out);
  }

 private:
  const Dispatcher& d_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(const Dispatcher& d) : d_(d) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(d_);  // Poco takes ownership
  }

 private:
  const Dispatcher& d_;
};
}  // namespace

ApiServer::ApiServer(const ServerSettings& s, const Dispatcher& dispatcher) {
  auto* params = new Poco::Net::HTTPServerParams;  // Poco takes ownership
  params->setMaxThreads(s.threads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  Poco::Net::ServerSocket socket(
      Poco::Net::SocketAddress(s.host, static_cast<Poco::UInt16>(s.port)), 256);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(dispatcher), socket, params);
}

ApiServer::~ApiServer() {
  stop();
}
void ApiServer::start() {
  server_->start();
}
void ApiServer::stop() {
  if (server_) {
    server_->stopAll(true);
  }
}
int ApiServer::port() const {
  return server_->port();
}

ApiError api_error_from(const base::Error& error) {
  switch (error.kind) {
    case base::ErrorKind::Invalid:
      return ApiError::validation(error.message, error.field);
    case base::ErrorKind::NotFound:
      return {404, "not_found", error.message, {}, {}};
    case base::ErrorKind::Conflict:
      return {409, "conflict", error.message, {}, {}};
    case base::ErrorKind::Transient:
      return ApiError::unavailable("a backing service is unavailable; try again");
    case base::ErrorKind::Permanent:
    case base::ErrorKind::Internal:
      break;
  }
  return ApiError::internal("internal error");
}

}  // namespace ark::admind::http
