// The dispatcher's hooks, driven over real HTTP in-process (port 0): rate-limit headers on
// every response and 429 with Retry-After, the around-handler step, and the request
// recorder, which runs after the response and can never change it.
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <utility>

#include "admind/http/rate_limiter.h"
#include "admind/http/server.h"

namespace ark::admind::http {
namespace {

struct Recorded {
  std::string endpoint;
  int status = 0;
  std::string body;
  bool saw_authorization = false;
  std::string key_prefix;
  std::string raw_body;
};

class HookedServer : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/v1/things/{id}", "things.get", [](Request& r) -> Outcome {
      auto d = new_object();
      d->set("id", r.params["id"]);
      return Reply::ok(d);
    });
    router_.add("POST", "/v1/things", "things.create", [](Request& r) -> Outcome {
      return Reply::ok(r.body ? r.body : new_object(), 201);
    });
    auto auth = [](const std::string& token) -> std::variant<Principal, ApiError> {
      if (token == "ark_good_key_1") {
        return Principal{1, ""};
      }
      return ApiError{401, "invalid_api_key", "unknown API key", "Authorization", {}};
    };
    dispatcher_ = std::make_unique<Dispatcher>(
        router_, auth, [] { return base::Status(); }, 1024);
  }

  void start(DispatchHooks hooks) {
    dispatcher_->set_hooks(std::move(hooks));
    ServerSettings s;
    s.port = 0;
    s.threads = 2;
    server_ = std::make_unique<ApiServer>(s, *dispatcher_);
    server_->start();
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
    }
  }

  struct Answer {
    int status = 0;
    std::string body;
    Poco::Net::HTTPResponse headers;
  };

  Answer call(const std::string& method, const std::string& path, const std::string& key,
              const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!key.empty()) {
      req.set("Authorization", "Bearer " + key);
    }
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!body.empty()) {
      req.setContentType("application/json");
    }
    session.sendRequest(req) << body;
    Answer a;
    std::istream& in = session.receiveResponse(a.headers);
    Poco::StreamCopier::copyToString(in, a.body);
    a.status = a.headers.getStatus();
    return a;
  }

  base::SystemClock clock_;
  Router router_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<ApiServer> server_;
};

// A POST with neither Content-Length nor chunked encoding has an empty body (curl -X POST
// without data sends one): answered at once, not after waiting for the client to close.
TEST_F(HookedServer, PostWithoutContentLengthHasAnEmptyBody) {
  start({});
  Poco::Net::StreamSocket sock(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server_->port())));
  sock.setReceiveTimeout(Poco::Timespan(10, 0));  // the server's own timeout is longer
  std::string request =
      "POST /v1/things HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer ark_good_key_1\r\n\r\n";
  sock.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string got;
  char buf[4096];
  while (got.find("\r\n\r\n") == std::string::npos) {
    int n = 0;
    try {
      n = sock.receiveBytes(buf, sizeof buf);
    } catch (const Poco::TimeoutException&) {
      FAIL() << "no answer: the server is still reading a body that does not exist";
    }
    if (n <= 0) {
      break;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(got.rfind("HTTP/1.1 201", 0), 0u) << "[" << got << "]";
}

TEST_F(HookedServer, RateLimitHeadersOnEveryResponseAnd429) {
  RateLimiter limiter(2, clock_);
  DispatchHooks hooks;
  hooks.rate_limit = [&](const std::string& caller) { return limiter.hit(caller); };
  start(std::move(hooks));
  Answer first = call("GET", "/v1/things/a", "ark_good_key_1");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.headers.get("X-RateLimit-Limit"), "2");
  EXPECT_EQ(first.headers.get("X-RateLimit-Remaining"), "1");
  EXPECT_FALSE(first.headers.has("Retry-After"));
  EXPECT_GT(std::stoll(first.headers.get("X-RateLimit-Reset")), 1700000000);
  call("GET", "/v1/things/b", "ark_good_key_1");
  Answer third = call("GET", "/v1/things/c", "ark_good_key_1");
  EXPECT_EQ(third.status, 429);
  EXPECT_NE(third.body.find("\"rate_limit_exceeded\""), std::string::npos) << third.body;
  EXPECT_EQ(third.headers.get("Retry-After"), "1");
  EXPECT_EQ(third.headers.get("X-RateLimit-Remaining"), "0");
  // A request without a valid key is counted per client address and still gets headers.
  Answer anonymous = call("GET", "/v1/things/a", "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.headers.get("X-RateLimit-Limit"), "2");
  EXPECT_EQ(anonymous.headers.get("X-RateLimit-Remaining"), "1");
}

TEST_F(HookedServer, RecorderSeesTheExchangeButNeverTheAuthorizationHeader) {
  std::mutex mu;
  std::vector<Recorded> seen;
  DispatchHooks hooks;
  hooks.recorder = [&](const Exchange& ex) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back({ex.request.endpoint, ex.status, ex.response_body,
                    ex.request.header("authorization").has_value(), ex.request.key_prefix,
                    ex.request.raw_body});
  };
  start(std::move(hooks));
  Answer a = call("POST", "/v1/things", "ark_good_key_1", "{\"name\":\"x\"}");
  EXPECT_EQ(a.status, 201);
  call("GET", "/v1/things/q", "ark_wrong");
  // The recorder runs after the response was written; wait until it ran (up to 10 s: a
  // loaded machine may schedule the server thread late).
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (seen.size() == 2) {
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(seen.size(), 2u);
  // Two server threads: the first exchange's recorder may run after the second's.
  if (seen[0].status != 201) {
    std::swap(seen[0], seen[1]);
  }
  EXPECT_EQ(seen[0].endpoint, "things.create");
  EXPECT_EQ(seen[0].status, 201);
  EXPECT_EQ(seen[0].body, a.body);
  EXPECT_EQ(seen[0].raw_body, "{\"name\":\"x\"}");
  EXPECT_FALSE(seen[0].saw_authorization);
  EXPECT_EQ(seen[0].key_prefix, "ark_good");
  EXPECT_EQ(seen[1].status, 401);
  EXPECT_FALSE(seen[1].saw_authorization);
}

TEST_F(HookedServer, AThrowingRecorderDoesNotChangeTheResponse) {
  DispatchHooks hooks;
  hooks.recorder = [](const Exchange&) { throw std::runtime_error("log store down"); };
  start(std::move(hooks));
  Answer a = call("GET", "/v1/things/z", "ark_good_key_1");
  EXPECT_EQ(a.status, 200);
  auto o = Poco::JSON::Parser().parse(a.body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(o->getObject("data")->getValue<std::string>("id"), "z");
  EXPECT_EQ(call("GET", "/v1/things/y", "ark_good_key_1").status, 200);  // still serving
}

TEST_F(HookedServer, AroundHandlerMayAnswerWithoutTheHandler) {
  DispatchHooks hooks;
  hooks.around_handler = [](Request& req, const Handler& h) -> Outcome {
    if (req.header("idempotency-key")) {
      Reply r = Reply::raw_body("{\"replayed\":true}", "application/json", 200);
      r.headers.emplace_back("Idempotent-Replayed", "true");
      return r;
    }
    return h(req);
  };
  start(std::move(hooks));
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
  Poco::Net::HTTPRequest req("POST", "/v1/things", Poco::Net::HTTPMessage::HTTP_1_1);
  req.set("Authorization", "Bearer ark_good_key_1");
  req.set("Idempotency-Key", "k1");
  std::string body = "{\"a\":1}";
  req.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse resp;
  std::string got;
  Poco::StreamCopier::copyToString(session.receiveResponse(resp), got);
  EXPECT_EQ(resp.getStatus(), 200);
  EXPECT_EQ(got, "{\"replayed\":true}");
  EXPECT_EQ(resp.get("Idempotent-Replayed"), "true");
  EXPECT_EQ(call("POST", "/v1/things", "ark_good_key_1", "{\"b\":2}").status, 201);
}

TEST_F(HookedServer, ErrorsMayCarryRetryAfter) {
  router_.add("POST", "/v1/busy", "busy", [](Request&) -> Outcome {
    ApiError e{409, "idempotency_in_progress", "busy", "Idempotency-Key", {}};
    e.retry_after_s = 1;
    return e;
  });
  start({});
  Answer a = call("POST", "/v1/busy", "ark_good_key_1", "{}");
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.headers.get("Retry-After"), "1");
  EXPECT_FALSE(a.headers.has("X-RateLimit-Limit"));  // no limiter installed
}

// A body over the limit is answered 413 and then read off the connection, so the client
// gets the answer instead of a reset while it is still sending.
TEST_F(HookedServer, OversizeBodyGets413NotAReset) {
  start({});
  std::string big(4 * 1024 * 1024, 'x');
  Answer a = call("POST", "/v1/things", "ark_good_key_1", big);
  EXPECT_EQ(a.status, 413);
  EXPECT_NE(a.body.find("\"payload_too_large\""), std::string::npos) << a.body;
  EXPECT_EQ(call("GET", "/v1/things/after", "ark_good_key_1").status, 200);
}

}  // namespace
}  // namespace ark::admind::http
