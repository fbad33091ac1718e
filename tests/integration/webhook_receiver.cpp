#include "tests/integration/webhook_receiver.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <cctype>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "core/crypto/crypto.h"
#include "tests/integration/stack.h"

namespace ark::itest {

struct Receiver::State {
  mutable std::mutex mu;
  std::vector<Hit> hits;
  std::atomic<int> status{200};
  std::atomic<int64_t> delay_ms{0};
};

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<Receiver::State> state) : state_(std::move(state)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    Hit hit;
    hit.path = in.getURI();
    for (const auto& [name, value] : in) {
      std::string lower = name;
      for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      hit.headers[lower] = value;
    }
    std::istream& body = in.stream();
    char buf[8192];
    while (body) {
      body.read(buf, sizeof buf);
      hit.body.append(buf, static_cast<size_t>(body.gcount()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(state_->delay_ms.load()));
    hit.answered = state_->status.load();
    hit.at = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->hits.push_back(hit);
    }
    out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(hit.answered));
    out.setContentType("text/plain");
    out.send() << "receiver says " << hit.answered;
  }

 private:
  std::shared_ptr<Receiver::State> state_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<Receiver::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(state_);
  }

 private:
  std::shared_ptr<Receiver::State> state_;
};

// DER (X.690) pieces for an RSA SubjectPublicKeyInfo (RFC 3279 §2.3.1, RFC 5280 §4.1).
std::string der(unsigned char tag, const std::string& content) {
  std::string len;
  size_t n = content.size();
  if (n < 0x80) {
    len = std::string(1, static_cast<char>(n));
  } else {
    std::string bytes;
    for (; n > 0; n >>= 8) {
      bytes.insert(bytes.begin(), static_cast<char>(n & 0xFF));
    }
    len = std::string(1, static_cast<char>(0x80 | bytes.size())) + bytes;
  }
  return std::string(1, static_cast<char>(tag)) + len + content;
}

std::string der_unsigned(std::string big_endian) {
  while (big_endian.size() > 1 && big_endian[0] == '\0') {
    big_endian.erase(0, 1);
  }
  if (static_cast<unsigned char>(big_endian[0]) & 0x80) {
    big_endian.insert(big_endian.begin(), '\0');
  }
  return der(0x02, big_endian);
}

std::string rsa_spki(const std::string& n, const std::string& e) {
  const std::string rsa_oid("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 9);
  std::string algorithm = der(0x30, der(0x06, rsa_oid) + der(0x05, ""));
  std::string key = der(0x30, der_unsigned(n) + der_unsigned(e));
  return der(0x30, algorithm + der(0x03, std::string(1, '\0') + key));
}

void write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + path);
  }
}

std::string capture(const std::string& cmd, int* status) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    out.append(buf, n);
  }
  int rc = pclose(p);
  *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

std::string b64url(const Poco::JSON::Object::Ptr& key, const std::string& name) {
  auto bytes = crypto::base64url_decode(key->getValue<std::string>(name));
  if (!bytes) {
    throw std::runtime_error("JWK " + name + " is not base64url");
  }
  return *bytes;
}

}  // namespace

Receiver::Receiver() : state_(std::make_shared<State>()) {}

Receiver::~Receiver() {
  stop();
}

void Receiver::start(int port) {
  stop();
  Poco::Net::ServerSocket socket;
  socket.bind(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port != 0 ? port : port_)),
      true);  // SO_REUSEADDR: a restart takes the same port again
  socket.listen(64);
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(16);
  params->setKeepAlive(false);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket, params);
  server_->start();
}

void Receiver::stop() {
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
}

std::string Receiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void Receiver::set_status(int status) {
  state_->status = status;
}

void Receiver::set_delay(std::chrono::milliseconds delay) {
  state_->delay_ms = delay.count();
}

std::vector<Hit> Receiver::hits() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->hits;
}

size_t Receiver::count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->hits.size();
}

std::vector<Jwk> parse_jwks(const std::string& json, const std::string& work_dir) {
  auto doc = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  auto keys = doc->getArray("keys");
  if (keys.isNull()) {
    throw std::runtime_error("JWKS without keys: " + json);
  }
  std::vector<Jwk> out;
  for (size_t i = 0; i < keys->size(); ++i) {
    auto k = keys->getObject(static_cast<unsigned>(i));
    Jwk jwk;
    jwk.kid = k->optValue<std::string>("kid", "");
    jwk.kty = k->optValue<std::string>("kty", "");
    jwk.alg = k->optValue<std::string>("alg", "");
    jwk.use = k->optValue<std::string>("use", "");
    jwk.der = rsa_spki(b64url(k, "n"), b64url(k, "e"));
    std::string der_path = work_dir + "/jwk-" + std::to_string(i) + ".der";
    std::string pem_path = work_dir + "/jwk-" + std::to_string(i) + ".pem";
    write(der_path, jwk.der);
    int status = 0;
    std::string said = capture(
        "openssl pkey -pubin -inform DER -in '" + der_path + "' -out '" + pem_path + "'", &status);
    if (status != 0) {
      throw std::runtime_error("openssl refused the key built from the JWK: " + said);
    }
    jwk.pem = read_file(pem_path);
    out.push_back(std::move(jwk));
  }
  return out;
}

int openssl_verify(const std::string& pem, const std::string& body,
                   const std::string& signature_b64, const std::string& work_dir,
                   std::string* output) {
  static std::atomic<int> seq{0};
  std::string base = work_dir + "/v" + std::to_string(++seq);
  write(base + ".pem", pem);
  write(base + ".body", body);
  write(base + ".b64", signature_b64);
  int status = 0;
  *output = capture("openssl base64 -d -A -in '" + base + ".b64' -out '" + base + ".sig'", &status);
  if (status != 0) {
    return status;
  }
  *output = capture("openssl dgst -sha256 -verify '" + base + ".pem' -signature '" + base +
                        ".sig' '" + base + ".body'",
                    &status);
  return status;
}

}  // namespace ark::itest
