// bench_hello: the baseline of bench/api. A bare Poco HTTPServer that answers every request
// with a small fixed JSON body, configured like ark-admind's server (same thread count,
// queue and keep-alive), so the ratio admind/hello shows what admind's own work costs on
// top of Poco's HTTP handling.
//
//   bench_hello PORT [THREADS]      listens on 127.0.0.1:PORT until SIGTERM/SIGINT
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

const std::string kBody =
    R"({"success":true,"data":{"hello":"world"},"meta":{"requestId":"req_0000000000000000"}})";

class Hello final : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    std::string body;
    Poco::StreamCopier::copyToString(in.stream(), body);  // read what was sent, as admind does
    out.setContentType("application/json");
    out.setContentLength64(static_cast<Poco::Int64>(kBody.size()));
    out.send() << kBody;
  }
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Hello;  // Poco takes ownership
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_hello PORT [THREADS]\n";
    return 64;
  }
  int port = std::atoi(argv[1]);
  int threads = argc > 2 ? std::atoi(argv[2]) : 16;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto* params = new Poco::Net::HTTPServerParams;  // Poco takes ownership
  params->setMaxThreads(threads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  Poco::Net::ServerSocket socket(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)), 256);
  Poco::Net::HTTPServer server(new Factory, socket, params);
  server.start();
  std::cerr << "bench_hello: listening on 127.0.0.1:" << port << " with " << threads
            << " threads\n";
  int sig = 0;
  sigwait(&set, &sig);
  server.stopAll(true);
  return 0;
}
