#include "connection.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace ark::plugins::webhook {
namespace {

int ms_left(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "unknown TLS error";
  }
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

}  // namespace

TlsContext::TlsContext(const std::string& ca_file) : ctx_(SSL_CTX_new(TLS_client_method())) {
  if (!ctx_) {
    throw std::runtime_error("SSL_CTX_new failed: " + openssl_error());
  }
  SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
  // Many servers close without close_notify; with this, that reads as end of stream.
  SSL_CTX_set_options(ctx_.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  int ok = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx_.get())
                           : SSL_CTX_load_verify_locations(ctx_.get(), ca_file.c_str(), nullptr);
  if (ok != 1) {
    throw std::runtime_error("cannot load trust store " +
                             (ca_file.empty() ? std::string("(system)") : ca_file) + ": " +
                             openssl_error());
  }
}

Connection::~Connection() {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);
  }
  ::close(fd_);
}

std::unique_ptr<Connection> Connection::open(const Address& address, Deadline deadline,
                                             std::string* error) {
  int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<Connection> conn(new Connection(fd));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const auto* sa = reinterpret_cast<const sockaddr*>(&address.storage);
  if (::connect(fd, sa, address.length) == 0) {
    return conn;
  }
  if (errno != EINPROGRESS) {
    *error = "connect " + address.text + ": " + std::strerror(errno);
    return nullptr;
  }
  if (!conn->wait(true, deadline, error)) {
    *error = "connect " + address.text + ": " + *error;
    return nullptr;
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (so_error != 0) {
    *error = "connect " + address.text + ": " + std::strerror(so_error);
    return nullptr;
  }
  return conn;
}

bool Connection::wait(bool want_write, Deadline deadline, std::string* error) {
  for (;;) {
    int left = ms_left(deadline);
    if (left == 0) {
      *error = "deadline reached";
      return false;
    }
    pollfd p{fd_, static_cast<short>(want_write ? POLLOUT : POLLIN), 0};
    int rc = ::poll(&p, 1, left);
    if (rc > 0) {
      return true;  // ready, or an error the next call reports
    }
    if (rc < 0 && errno != EINTR) {
      *error = std::string("poll: ") + std::strerror(errno);
      return false;
    }
  }
}

bool Connection::tls_wait(int ssl_rc, Deadline deadline, std::string* error, const char* what) {
  int err = SSL_get_error(ssl_, ssl_rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    return wait(err == SSL_ERROR_WANT_WRITE, deadline, error);
  }
  if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    *error = std::string(what) + ": connection closed by peer";
  } else {
    *error = std::string(what) + ": " + openssl_error();
  }
  return false;
}

bool Connection::start_tls(const TlsContext& tls, const std::string& host, bool host_is_ip,
                           Deadline deadline, std::string* error) {
  ssl_ = SSL_new(tls.get());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
    *error = "TLS setup: " + openssl_error();
    return false;
  }
  bool named = host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str()) == 1
                          : SSL_set_tlsext_host_name(ssl_, host.c_str()) == 1 &&
                                SSL_set1_host(ssl_, host.c_str()) == 1;
  if (!named) {
    *error = "TLS setup for " + host + ": " + openssl_error();
    return false;
  }
  for (;;) {
    int rc = SSL_connect(ssl_);
    if (rc == 1) {
      return true;
    }
    long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) {
      *error = std::string("TLS certificate of ") + host +
               " rejected: " + X509_verify_cert_error_string(verify);
      return false;
    }
    if (!tls_wait(rc, deadline, error, "TLS handshake")) {
      return false;
    }
  }
}

bool Connection::write_all(std::string_view data, Deadline deadline, std::string* error) {
  while (!data.empty()) {
    long n = 0;
    if (ssl_ != nullptr) {
      n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      if (n <= 0 && !tls_wait(static_cast<int>(n), deadline, error, "TLS write")) {
        return false;
      }
    } else {
      n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        *error = std::string("send: ") + std::strerror(errno);
        return false;
      }
      if (n < 0 && !wait(true, deadline, error)) {
        return false;
      }
    }
    data.remove_prefix(n > 0 ? static_cast<size_t>(n) : 0);
  }
  return true;
}

long Connection::read_some(char* buf, size_t n, Deadline deadline, std::string* error) {
  for (;;) {
    if (ssl_ != nullptr) {
      int rc = SSL_read(ssl_, buf, static_cast<int>(n));
      if (rc > 0) {
        return rc;
      }
      if (SSL_get_error(ssl_, rc) == SSL_ERROR_ZERO_RETURN) {
        return 0;
      }
      if (!tls_wait(rc, deadline, error, "TLS read")) {
        return -1;
      }
      continue;
    }
    long rc = ::recv(fd_, buf, n, 0);
    if (rc >= 0) {
      return rc;
    }
    if (errno != EAGAIN && errno != EINTR) {
      *error = std::string("recv: ") + std::strerror(errno);
      return -1;
    }
    if (!wait(false, deadline, error)) {
      return -1;
    }
  }
}

SigpipeBlock::SigpipeBlock() {
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, &old_);
  was_blocked_ = sigismember(&old_, SIGPIPE) == 1;
}

SigpipeBlock::~SigpipeBlock() {
  if (!was_blocked_) {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) == 1) {
      sigset_t only;
      sigemptyset(&only);
      sigaddset(&only, SIGPIPE);
      timespec zero{0, 0};
      sigtimedwait(&only, nullptr, &zero);
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

}  // namespace ark::plugins::webhook
