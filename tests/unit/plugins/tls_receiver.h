// TlsReceiver: a minimal HTTPS receiver for tests, on 127.0.0.1 with an ephemeral port.
//
// Its certificate (self-signed, subjectAltName IP:127.0.0.1 only) is made by the openssl CLI
// in the given directory. A background thread accepts connections one at a time, completes
// the TLS handshake (failed handshakes are skipped), reads one request (head plus
// Content-Length body), records the raw request bytes and answers with the fixed status and
// body. Status 0 means: close the connection right after the handshake, without reading.
// Independent of the plugin's client code: it uses OpenSSL's server side directly.
//
// Ownership: owns its listening socket, its thread and the wake-up pipe.
// Thread-safety: last_request() may be called from any thread.
#pragma once

#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/unit/admind/events/test_support.h"

namespace ark::events {

class TlsReceiver {
 public:
  TlsReceiver(const std::filesystem::path& dir, int status, std::string body)
      : status_(status), body_(std::move(body)) {
    cert_ = (dir / "cert.pem").string();
    std::string key = (dir / "key.pem").string();
    auto r = testing::run_command(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=ark-test -addext "
        "subjectAltName=IP:127.0.0.1 -keyout " +
        testing::shell_quote(key) + " -out " + testing::shell_quote(cert_));
    if (r.exit_code != 0) {
      throw std::runtime_error("openssl req failed: " + r.output);
    }
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_file(ctx_, cert_.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error("cannot load the test certificate");
    }
    listen_on_loopback();
    if (pipe(wake_) != 0) {
      throw std::runtime_error("pipe failed");
    }
    thread_ = std::thread([this] { serve(); });
  }

  ~TlsReceiver() {
    (void)!write(wake_[1], "x", 1);
    thread_.join();
    close(wake_[0]);
    close(wake_[1]);
    close(listen_fd_);
    SSL_CTX_free(ctx_);
  }

  const std::string& cert_file() const { return cert_; }
  std::string url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(port_) + "/tls-hook";
  }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_request_;
  }

 private:
  void listen_on_loopback() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listen_fd_, 8) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
  }

  void serve() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (poll(fds, 2, -1) < 0 || (fds[1].revents & POLLIN) != 0) {
        return;
      }
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd >= 0) {
        timeval tv{5, 0};  // a stuck client must not hang the test's teardown forever
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        handle(fd);
        close(fd);
      }
    }
  }

  void handle(int fd) {
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd);
    bool accepted = SSL_accept(ssl) == 1;
    if (accepted && status_ == 0) {
      linger abort_close{1, 0};  // close with RST: the client's pending writes fail
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
    } else if (accepted) {
      std::string request = read_request(ssl);
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_request_ = request;
      }
      std::string reply = "HTTP/1.1 " + std::to_string(status_) +
                          " X\r\nContent-Length: " + std::to_string(body_.size()) +
                          "\r\nConnection: close\r\n\r\n" + body_;
      SSL_write(ssl, reply.data(), static_cast<int>(reply.size()));
      SSL_shutdown(ssl);
    }
    ERR_clear_error();
    SSL_free(ssl);
  }

  static std::string read_request(SSL* ssl) {
    std::string data;
    char buf[4096];
    size_t need = std::string::npos;
    while (data.size() < need) {
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) {
        break;
      }
      data.append(buf, static_cast<size_t>(n));
      size_t head_end = data.find("\r\n\r\n");
      size_t cl = data.find("Content-Length: ");
      if (head_end != std::string::npos && cl != std::string::npos && cl < head_end) {
        need = head_end + 4 + std::stoul(data.substr(cl + 16));
      }
    }
    return data;
  }

  int status_;
  std::string body_;
  std::string cert_;
  SSL_CTX* ctx_ = nullptr;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  int wake_[2] = {-1, -1};
  std::thread thread_;
  std::mutex mu_;
  std::string last_request_;
};

}  // namespace ark::events
