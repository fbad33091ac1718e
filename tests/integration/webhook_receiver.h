// Test-side webhook receiver and signature checks for the events integration tests
// (issue 7).
//
// Receiver: a Poco HTTPServer on 127.0.0.1 (port 0 = any free port) in the test process
// that records every request (path, headers, body) and answers with the status set by the
// test, optionally after a delay. stop() closes the listening socket (deliveries then get
// "connection refused"); start(port) listens again on the same port.
//
// Signatures are checked the way a receiver would, with tools independent of admind's
// code: the JWK's n and e are written into a DER SubjectPublicKeyInfo here, the openssl CLI
// turns that into PEM, and `openssl dgst -sha256 -verify` checks the base64 signature
// (decoded by `openssl base64`) over the raw body bytes.
//
// Thread-safety: Receiver's accessors lock; hits are recorded from Poco's threads.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ark::itest {

struct Hit {
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  int answered = 0;  // the status we replied with
  std::chrono::steady_clock::time_point at;
};

class Receiver {
 public:
  Receiver();
  ~Receiver();
  // Listens on 127.0.0.1:port (0: a free port, chosen once and kept for restarts).
  void start(int port = 0);
  void stop();
  int port() const { return port_; }
  std::string url(const std::string& path) const;

  void set_status(int status);
  void set_delay(std::chrono::milliseconds delay);
  std::vector<Hit> hits() const;
  size_t count() const;

  struct State;  // shared with the request handlers

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

// One RSA key of a JWKS document, as PEM made by the openssl CLI from n and e.
struct Jwk {
  std::string kid;
  std::string kty;
  std::string alg;
  std::string use;
  std::string der;  // SubjectPublicKeyInfo built from n and e
  std::string pem;  // `openssl pkey -pubin -inform DER` of der
};

// Parses the JWKS text; throws on malformed documents.
std::vector<Jwk> parse_jwks(const std::string& json, const std::string& work_dir);

// `openssl dgst -sha256 -verify` of signature_b64 over body with the key's PEM; returns
// the tool's exit status (0 = Verified OK) and puts its output in *output.
int openssl_verify(const std::string& pem, const std::string& body,
                   const std::string& signature_b64, const std::string& work_dir,
                   std::string* output);

}  // namespace ark::itest
