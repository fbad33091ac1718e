// The webhook benches' receiver: a Poco HTTP server on 127.0.0.1 (an ephemeral port) that
// reads each request's body, answers 200 "ok" on a fresh connection (no keep-alive, as
// webhook.so opens one per delivery), and counts requests, and those without an
// X-Ark-Signature header while expect_signature is set.
//
// Ownership: owns its server; stops it when destroyed. Thread-safety: the counters are
// atomics, read them from any thread.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <memory>
#include <string>

namespace ark::bench {

struct ReceiverCounts {
  std::atomic<long> received{0};
  std::atomic<long> missing_signature{0};
  std::atomic<bool> expect_signature{false};
};

class BenchReceiver {
 public:
  explicit BenchReceiver(int threads) {
    socket_.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true);
    socket_.listen(256);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(1024);
    params->setKeepAlive(false);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(counts_), socket_, params);
    server_->start();
  }
  ~BenchReceiver() { server_->stop(); }
  BenchReceiver(const BenchReceiver&) = delete;
  BenchReceiver& operator=(const BenchReceiver&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/hook";
  }
  ReceiverCounts& counts() { return counts_; }

 private:
  class Handler final : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(ReceiverCounts& c) : c_(c) {}
    void handleRequest(Poco::Net::HTTPServerRequest& in,
                       Poco::Net::HTTPServerResponse& out) override {
      char buf[8192];
      while (in.stream()) {
        in.stream().read(buf, sizeof buf);
      }
      if (c_.expect_signature && !in.has("X-Ark-Signature")) {
        ++c_.missing_signature;
      }
      ++c_.received;
      out.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
      out.setContentLength(2);
      out.send() << "ok";
    }

   private:
    ReceiverCounts& c_;
  };

  class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(ReceiverCounts& c) : c_(c) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(c_);
    }

   private:
    ReceiverCounts& c_;
  };

  ReceiverCounts counts_;
  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace ark::bench
