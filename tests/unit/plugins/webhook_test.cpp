// The webhook plugin through the real plugin host against receivers on 127.0.0.1 (port 0):
// a Poco HTTPServer (status codes, exact body and headers, chunked replies, a receiver that
// never answers), a raw socket that trickles its reply, a refused port, and a TLS receiver
// (OpenSSL) with a certificate made by the openssl CLI. Also the URL and address policy.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "admind/events/plugin_host.h"
#include "tests/unit/admind/events/test_support.h"
#include "tls_receiver.h"

namespace ark::events {
namespace {

using Clock = std::chrono::steady_clock;

struct SeenRequest {
  std::string method;
  std::string uri;
  std::string body;
  std::map<std::string, std::string> headers;  // as Poco reports them
};

// What the HTTPServer receiver answers and what it saw; shared with its handlers.
struct ReceiverState {
  std::mutex mu;
  std::condition_variable cv;
  int status = 200;
  std::string reply_body;
  bool chunked = false;
  bool hold = false;  // handlers wait until released
  std::vector<SeenRequest> seen;
};

class RecordingHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RecordingHandler(std::shared_ptr<ReceiverState> s) : s_(std::move(s)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    SeenRequest seen{req.getMethod(), req.getURI(), {}, {}};
    Poco::StreamCopier::copyToString(req.stream(), seen.body);
    for (const auto& [name, value] : req) {
      seen.headers[name] = value;
    }
    std::unique_lock<std::mutex> lock(s_->mu);
    s_->seen.push_back(std::move(seen));
    s_->cv.notify_all();
    s_->cv.wait(lock, [this] { return !s_->hold; });
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(s_->status));
    resp.setChunkedTransferEncoding(s_->chunked);
    if (!s_->chunked) {
      resp.setContentLength(static_cast<std::streamsize>(s_->reply_body.size()));
    }
    resp.send() << s_->reply_body;
  }

 private:
  std::shared_ptr<ReceiverState> s_;
};

class Receiver {
 public:
  Receiver() : state_(std::make_shared<ReceiverState>()) {
    struct Factory : Poco::Net::HTTPRequestHandlerFactory {
      explicit Factory(std::shared_ptr<ReceiverState> s) : s_(std::move(s)) {}
      Poco::Net::HTTPRequestHandler* createRequestHandler(
          const Poco::Net::HTTPServerRequest&) override {
        return new RecordingHandler(s_);
      }
      std::shared_ptr<ReceiverState> s_;
    };
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~Receiver() {
    release();
    server_->stopAll(true);
  }
  void answer(int status, std::string body, bool chunked = false) {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->status = status;
    state_->reply_body = std::move(body);
    state_->chunked = chunked;
  }
  void hold() {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->hold = true;
  }
  void release() {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->hold = false;
    state_->cv.notify_all();
  }
  std::vector<SeenRequest> seen() {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->seen;
  }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  std::shared_ptr<ReceiverState> state_;
  uint16_t port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

const std::string kBody =
    "{\"event\":\"MessageSent\",\"timestamp\":1704672000.123456,\"uuid\":\"9f1c\","
    "\"payload\":{\"subject\":\"h\xc3\xa9llo\\nworld\"}}";
const StringPairs kHeaders = {{"Content-Type", "application/json"},
                              {"User-Agent", "ark-postfix-test"},
                              {"X-Ark-Signature", "c2lnbmF0dXJl+/=="},
                              {"X-Ark-Signature-KID", "2a9fb525bafa5a29858b7e1b4a1c5455"}};

class Webhook : public ::testing::Test {
 protected:
  Webhook() : host_(ARK_PLUGIN_BUILD_DIR, PluginHostServices::defaults()) {}

  std::unique_ptr<PluginInstance> make(StringPairs config = {{"allow_http", "true"},
                                                             {"allow_loopback", "true"}}) {
    auto plugin = host_.load("webhook.so");
    EXPECT_TRUE(plugin.ok()) << plugin.error().message;
    EXPECT_EQ((*plugin)->role(), PluginRole::HttpTransport);
    auto instance = host_.instantiate(**plugin, "hooks", config);
    EXPECT_TRUE(instance.ok()) << instance.error().message;
    return instance.ok() ? std::move(*instance) : nullptr;
  }
  static DeliveryOutcome post(const PluginInstance& instance, const std::string& url,
                              uint64_t budget_ms = 5000, const StringPairs& headers = kHeaders) {
    PluginEvent ev;
    ev.name = "MessageSent";
    ev.uuid = "9f1c";
    ev.body = kBody;
    ev.url = url;
    ev.headers = &headers;
    return instance.deliver(ev, testing::deadline_in_ms(budget_ms));
  }

  PluginHost host_;
};

TEST_F(Webhook, Ok200AndTheReceiverSeesTheExactBodyAndHeaders) {
  Receiver receiver;
  receiver.answer(200, "thanks");
  auto hook = make();
  ASSERT_NE(hook, nullptr);
  DeliveryOutcome out = post(*hook, receiver.url("/hooks/ark?tenant=7"));
  EXPECT_EQ(out.result, DeliveryResult::Ok) << out.error;
  EXPECT_EQ(out.status_code, 200);
  EXPECT_EQ(out.response_excerpt, "thanks");
  auto seen = receiver.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].uri, "/hooks/ark?tenant=7");
  EXPECT_EQ(seen[0].body, kBody);
  for (const auto& [name, value] : kHeaders) {
    EXPECT_EQ(seen[0].headers[name], value) << name;
  }
  EXPECT_EQ(seen[0].headers["Content-Length"], std::to_string(kBody.size()));
  EXPECT_EQ(seen[0].headers["Host"], receiver.url("").substr(7));
}

TEST_F(Webhook, Any2xxIsOkAndChunkedRepliesAreRead) {
  Receiver receiver;
  receiver.answer(204, "");
  auto hook = make();
  ASSERT_NE(hook, nullptr);
  EXPECT_EQ(post(*hook, receiver.url()).result, DeliveryResult::Ok);
  receiver.answer(202, "accepted, chunked", true);
  DeliveryOutcome out = post(*hook, receiver.url());
  EXPECT_EQ(out.result, DeliveryResult::Ok) << out.error;
  EXPECT_EQ(out.status_code, 202);
  EXPECT_EQ(out.response_excerpt, "accepted, chunked");
}

TEST_F(Webhook, Status500IsRetryWithTheStatusAndAnExcerpt) {
  Receiver receiver;
  receiver.answer(500, std::string(5000, 'e'));
  auto hook =
      make({{"allow_http", "true"}, {"allow_loopback", "true"}, {"response_excerpt_bytes", "100"}});
  ASSERT_NE(hook, nullptr);
  DeliveryOutcome out = post(*hook, receiver.url());
  EXPECT_EQ(out.result, DeliveryResult::Retry);
  EXPECT_EQ(out.status_code, 500);
  EXPECT_EQ(out.response_excerpt, std::string(100, 'e'));
  EXPECT_EQ(out.error, "HTTP status 500");
  receiver.answer(404, "nope", true);
  out = post(*hook, receiver.url());
  EXPECT_EQ(out.result, DeliveryResult::Retry);
  EXPECT_EQ(out.status_code, 404);
}

TEST_F(Webhook, AReceiverThatNeverAnswersIsRetryAtTheDeadline) {
  Receiver receiver;
  receiver.hold();
  auto hook = make();
  ASSERT_NE(hook, nullptr);
  auto start = Clock::now();
  DeliveryOutcome out = post(*hook, receiver.url(), 300);
  auto took = Clock::now() - start;
  EXPECT_EQ(out.result, DeliveryResult::Retry);
  EXPECT_EQ(out.status_code, 0);
  EXPECT_NE(out.error.find("deadline"), std::string::npos) << out.error;
  // The receiver never answers, so returning at all (with "deadline") is the deadline
  // firing; it must not fire early.
  EXPECT_GE(took, std::chrono::milliseconds(280));
  EXPECT_EQ(receiver.seen().size(), 1u);  // it did get the request
}

// A peer that answers one byte every 50 ms: per-read timeouts would never fire; the
// absolute deadline must.
TEST_F(Webhook, ATricklingReceiverIsCutOffAtTheDeadline) {
  Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::atomic<bool> stop{false};
  std::atomic<int> trickled{0};
  std::thread peer([&] {
    Poco::Net::StreamSocket conn = listener.acceptConnection();
    char buf[4096];
    conn.receiveBytes(buf, sizeof buf);
    std::string head = "HTTP/1.1 200 OK\r\nX-Slow: ";
    conn.sendBytes(head.data(), static_cast<int>(head.size()));
    for (int i = 0; i < 100 && !stop; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the behaviour under test
      try {
        if (conn.sendBytes("a", 1) != 1) {
          break;
        }
      } catch (const Poco::Exception&) {
        break;  // the client hung up
      }
      ++trickled;
    }
  });
  auto hook = make();
  ASSERT_NE(hook, nullptr);
  DeliveryOutcome out =
      post(*hook, "http://127.0.0.1:" + std::to_string(listener.address().port()) + "/", 400);
  int when_cut = trickled.load();
  stop = true;
  peer.join();
  EXPECT_EQ(out.result, DeliveryResult::Retry);
  EXPECT_NE(out.error.find("deadline"), std::string::npos) << out.error;
  // The peer would trickle for 100 bytes (5 s); the client gave up while it still was.
  EXPECT_LT(when_cut, 100);
}

TEST_F(Webhook, ConnectionRefusedIsRetry) {
  uint16_t port = 0;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = probe.address().port();
  }  // closed: nothing listens on port now
  auto hook = make();
  ASSERT_NE(hook, nullptr);
  DeliveryOutcome out = post(*hook, "http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_EQ(out.result, DeliveryResult::Retry);
  EXPECT_EQ(out.status_code, 0);
  EXPECT_NE(out.error.find("refused"), std::string::npos) << out.error;
}

TEST_F(Webhook, PolicyRefusalsArePermanentAndSendNothing) {
  Receiver receiver;
  auto strict = make({});
  ASSERT_NE(strict, nullptr);
  DeliveryOutcome http = post(*strict, receiver.url());
  EXPECT_EQ(http.result, DeliveryResult::FailPermanent);
  EXPECT_NE(http.error.find("allow_http"), std::string::npos) << http.error;

  auto no_loopback = make({{"allow_http", "true"}});
  ASSERT_NE(no_loopback, nullptr);
  DeliveryOutcome loop = post(*no_loopback, receiver.url());
  EXPECT_EQ(loop.result, DeliveryResult::FailPermanent);
  EXPECT_NE(loop.error.find("127.0.0.1 refused by policy"), std::string::npos) << loop.error;
  for (const char* url : {"http://10.1.2.3/", "http://192.168.0.1:8080/", "http://169.254.169.254/",
                          "https://[fd00::1]/", "http://[::ffff:10.0.0.1]/"}) {
    EXPECT_EQ(post(*no_loopback, url).result, DeliveryResult::FailPermanent) << url;
  }
  EXPECT_TRUE(receiver.seen().empty());
}

TEST_F(Webhook, BadUrlsAndForbiddenHeadersAreInvalid) {
  Receiver receiver;
  auto hook = make();
  ASSERT_NE(hook, nullptr);
  for (const char* url : {"", "ftp://127.0.0.1/", "http://user:pw@127.0.0.1/", "http:///x",
                          "http://127.0.0.1:99999/", "http://127.0.0.1/a b"}) {
    EXPECT_EQ(post(*hook, url).result, DeliveryResult::Invalid) << url;
  }
  for (StringPairs headers :
       {StringPairs{{"Content-Length", "1"}}, StringPairs{{"Host", "x"}},
        StringPairs{{"X-Evil", "a\r\nX-Injected: 1"}}, StringPairs{{"Bad Name", "v"}}}) {
    DeliveryOutcome out = post(*hook, receiver.url(), 5000, headers);
    EXPECT_EQ(out.result, DeliveryResult::Invalid) << headers[0].first;
  }
  EXPECT_TRUE(receiver.seen().empty());
}

TEST_F(Webhook, HttpsWithATrustedCertificateIsOk) {
  testing::TempDir dir;
  TlsReceiver tls(dir.path(), 201, "created");
  auto hook = make({{"allow_loopback", "true"}, {"ca_file", tls.cert_file()}});
  ASSERT_NE(hook, nullptr);
  DeliveryOutcome out = post(*hook, tls.url("127.0.0.1"));
  EXPECT_EQ(out.result, DeliveryResult::Ok) << out.error;
  EXPECT_EQ(out.status_code, 201);
  EXPECT_EQ(out.response_excerpt, "created");
  std::string request = tls.last_request();
  EXPECT_EQ(request.substr(request.size() - kBody.size()), kBody);
  EXPECT_NE(request.find("\r\nX-Ark-Signature: c2lnbmF0dXJl+/==\r\n"), std::string::npos);
}

TEST_F(Webhook, HttpsWithAnUntrustedOrMismatchedCertificateIsRetry) {
  testing::TempDir dir;
  TlsReceiver tls(dir.path(), 200, "ok");
  auto system_store = make({{"allow_loopback", "true"}});
  ASSERT_NE(system_store, nullptr);
  DeliveryOutcome untrusted = post(*system_store, tls.url("127.0.0.1"));
  EXPECT_EQ(untrusted.result, DeliveryResult::Retry);
  EXPECT_NE(untrusted.error.find("certificate"), std::string::npos) << untrusted.error;

  auto trusting = make({{"allow_loopback", "true"}, {"ca_file", tls.cert_file()}});
  ASSERT_NE(trusting, nullptr);
  DeliveryOutcome mismatch = post(*trusting, tls.url("localhost"));  // cert names 127.0.0.1 only
  EXPECT_EQ(mismatch.result, DeliveryResult::Retry);
  EXPECT_NE(mismatch.error.find("certificate"), std::string::npos) << mismatch.error;
  EXPECT_TRUE(tls.last_request().empty());
}

TEST_F(Webhook, ConcurrentDeliveriesOnOneInstance) {
  Receiver receiver;
  receiver.answer(200, "ok");
  auto hook = make();
  ASSERT_NE(hook, nullptr);
  constexpr int kThreads = 6;
  constexpr int kEach = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        ok += post(*hook, receiver.url()).result == DeliveryResult::Ok ? 1 : 0;
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(ok.load(), kThreads * kEach);
  auto seen = receiver.seen();
  ASSERT_EQ(seen.size(), static_cast<size_t>(kThreads * kEach));
  for (const SeenRequest& r : seen) {
    EXPECT_EQ(r.body, kBody);
  }
}

// A peer that resets the connection while a large body is being written, over plain TCP
// and over TLS: the result is Retry, and the process survives with SIGPIPE at its default
// action (a regression guard for MSG_NOSIGNAL and SigpipeBlock; Linux usually reports
// ECONNRESET first, so this does not prove that a SIGPIPE was swallowed).
TEST_F(Webhook, APeerHangingUpMidBodyIsRetry) {
  struct sigaction old {};
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ASSERT_EQ(sigaction(SIGPIPE, &dfl, &old), 0);
  sigset_t only_pipe;
  sigset_t old_mask;
  sigemptyset(&only_pipe);
  sigaddset(&only_pipe, SIGPIPE);
  ASSERT_EQ(pthread_sigmask(SIG_UNBLOCK, &only_pipe, &old_mask), 0);  // PocoNet blocked it
  const std::string big(8 << 20, 'x');
  PluginEvent ev;
  ev.name = "MessageSent";
  ev.uuid = "big";
  ev.body = big;
  {
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::thread peer([&] {
      Poco::Net::StreamSocket conn = listener.acceptConnection();
      conn.setLinger(true, 0);  // close with RST
      conn.close();
    });
    auto hook = make();
    ASSERT_NE(hook, nullptr);
    std::string url = "http://127.0.0.1:" + std::to_string(listener.address().port()) + "/";
    ev.url = url;
    DeliveryOutcome out = hook->deliver(ev, testing::deadline_in_ms(5000));
    peer.join();
    EXPECT_EQ(out.result, DeliveryResult::Retry);
    EXPECT_EQ(out.status_code, 0);
  }
  {
    testing::TempDir dir;
    TlsReceiver tls(dir.path(), 0, "");
    auto hook = make({{"allow_loopback", "true"}, {"ca_file", tls.cert_file()}});
    ASSERT_NE(hook, nullptr);
    std::string url = tls.url("127.0.0.1");
    ev.url = url;
    DeliveryOutcome out = hook->deliver(ev, testing::deadline_in_ms(5000));
    EXPECT_EQ(out.result, DeliveryResult::Retry);
    EXPECT_FALSE(out.error.empty());
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGPIPE, &old, nullptr);
}

TEST_F(Webhook, RefusesBadConfiguration) {
  auto plugin = host_.load("webhook.so");
  ASSERT_TRUE(plugin.ok());
  for (StringPairs config :
       {StringPairs{{"allow_http", "perhaps"}}, StringPairs{{"ca_file", "/nonexistent/ca.pem"}},
        StringPairs{{"response_excerpt_bytes", "70000"}},
        StringPairs{{"follow_redirects", "true"}}}) {
    EXPECT_FALSE(host_.instantiate(**plugin, "bad", config).ok()) << config[0].first;
  }
}

}  // namespace
}  // namespace ark::events
