// One client connection (TCP, optionally TLS) whose every step honours an absolute deadline.
//
// The socket is non-blocking and each connect, handshake, write and read waits with poll()
// for the time left, so a peer that accepts and then stalls, or trickles bytes, cannot hold
// the caller past the deadline. Writes use MSG_NOSIGNAL; TLS writes go through OpenSSL's
// socket BIO, so callers block SIGPIPE for the thread (SigpipeBlock) around a delivery.
//
// TLS (OpenSSL 3): TLS 1.2 or newer, the peer's chain verified against the TlsContext's
// trust store and its name or IP checked (SSL_set1_host / X509_VERIFY_PARAM_set1_ip_asc),
// SNI sent for names.
//
// Ownership: Connection owns its socket and SSL object and closes both. TlsContext owns its
// SSL_CTX. Thread-safety: a Connection is used by one thread; a TlsContext is immutable
// after construction and shared by all threads.
#pragma once

#include <openssl/ssl.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "address.h"

namespace ark::plugins::webhook {

using Deadline = std::chrono::steady_clock::time_point;

class TlsContext {
 public:
  // ca_file empty: the system trust store. Otherwise only the certificates in ca_file.
  // Throws std::runtime_error when the file cannot be loaded.
  explicit TlsContext(const std::string& ca_file);
  SSL_CTX* get() const { return ctx_.get(); }

 private:
  struct Free {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  };
  std::unique_ptr<SSL_CTX, Free> ctx_;
};

class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects to address; nullptr with *error on failure or when the deadline passes.
  static std::unique_ptr<Connection> open(const Address& address, Deadline deadline,
                                          std::string* error);

  // TLS handshake and verification of host (a name or an IP literal).
  bool start_tls(const TlsContext& tls, const std::string& host, bool host_is_ip, Deadline deadline,
                 std::string* error);

  bool write_all(std::string_view data, Deadline deadline, std::string* error);

  // Reads up to n bytes: >0 bytes read, 0 orderly end of stream, -1 error or deadline.
  long read_some(char* buf, size_t n, Deadline deadline, std::string* error);

 private:
  explicit Connection(int fd) : fd_(fd) {}
  // Waits until fd_ is readable (want_write=false) or writable; false on deadline/error.
  bool wait(bool want_write, Deadline deadline, std::string* error);
  // Maps an SSL_ERROR_WANT_* to a wait; false when the TLS call really failed.
  bool tls_wait(int ssl_rc, Deadline deadline, std::string* error, const char* what);

  int fd_;
  SSL* ssl_ = nullptr;
};

// Blocks SIGPIPE in the calling thread for its lifetime and discards a SIGPIPE raised
// meanwhile, so a peer closing during a TLS write cannot kill the host process.
class SigpipeBlock {
 public:
  SigpipeBlock();
  ~SigpipeBlock();
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t old_{};
  bool was_blocked_ = false;
};

}  // namespace ark::plugins::webhook
