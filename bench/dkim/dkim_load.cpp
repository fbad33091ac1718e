// dkim_load: sends bound messages (X-Ark-Binding, as ark-admind's submission adds it) through
// the private Postfix as fast as SESSIONS parallel SMTP sessions allow, so that ark-milter's
// end-of-message work (binding check, DKIM signing or not, queue id record) is on the path.
//
//   dkim_load prepare PREFIX COUNT TENANT FROM            SQL for the message rows (stdout)
//   dkim_load send HOST PORT SECRET_FILE PREFIX COUNT TENANT FROM RCPT SESSIONS
//
// Message i has id PREFIX + i (zero-padded) and a ~4 KB plain-text body; `prepare` must have
// inserted its row. `send` prints "accepted=N refused=M seconds=S msgs_per_s=R": the time is
// from the first connect to the last 250 after DATA, which includes every milter's
// end-of-message work (Postfix answers DATA only after the milters). Exit 1 if any message
// was refused.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/base/clock.h"
#include "core/mail/binding.h"

namespace {

std::string message_id(const std::string& prefix, int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08d", i);
  return prefix + buf;
}

class Session {
 public:
  Session(const std::string& host, int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::perror("connect");
      std::exit(2);
    }
    reply();
    command("EHLO bench.local\r\n");
  }
  ~Session() {
    command("QUIT\r\n");
    close(fd_);
  }
  int command(const std::string& c) {
    send_all(c);
    return reply();
  }
  void send_all(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = write(fd_, data.data() + off, data.size() - off);
      if (n <= 0) {
        std::perror("write");
        std::exit(2);
      }
      off += static_cast<size_t>(n);
    }
  }
  // Reads one (possibly multi-line) reply; returns its code.
  int reply() {
    while (true) {
      size_t eol = buf_.find("\r\n");
      if (eol != std::string::npos) {
        std::string line = buf_.substr(0, eol);
        buf_.erase(0, eol + 2);
        if (line.size() >= 4 && line[3] == '-') {
          continue;
        }
        return line.size() >= 3 ? std::atoi(line.substr(0, 3).c_str()) : 0;
      }
      char tmp[4096];
      ssize_t n = read(fd_, tmp, sizeof tmp);
      if (n <= 0) {
        return 0;
      }
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

std::string body() {
  std::string b;
  while (b.size() < 4000) {
    b += "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n";
  }
  return b;
}

int prepare(const std::string& prefix, int count, const std::string& tenant,
            const std::string& from) {
  for (int i = 0; i < count; ++i) {
    std::printf(
        "INSERT INTO messages (id, tenant_id, source, envelope_from, from_header, subject, "
        "created_at) VALUES ('%s', '%s', 'smtp', '%s', '%s', 'bench', UTC_TIMESTAMP(6));\n",
        message_id(prefix, i).c_str(), tenant.c_str(), from.c_str(), from.c_str());
  }
  return 0;
}

int send(char** argv) {
  std::string host = argv[2];
  int port = std::atoi(argv[3]);
  std::ifstream sf(argv[4]);
  std::string secret;
  std::getline(sf, secret);
  std::string prefix = argv[5];
  int count = std::atoi(argv[6]);
  std::string tenant = argv[7], from = argv[8], rcpt = argv[9];
  int sessions = std::atoi(argv[10]);
  std::string text = body();
  std::atomic<int> next{0}, accepted{0}, refused{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < sessions; ++t) {
    threads.emplace_back([&] {
      Session s(host, port);
      for (int i = next++; i < count; i = next++) {
        std::string id = message_id(prefix, i);
        ark::mail::Binding b{id, tenant, ark::base::SystemClock::instance().now_s()};
        std::string msg =
            "X-Ark-Binding: " + ark::mail::sign_binding(b, secret) + "\r\nFrom: Bench <" + from +
            ">\r\nTo: <" + rcpt + ">\r\nSubject: bench " + id + "\r\nDate: " +
            ark::base::format_rfc5322_date(ark::base::SystemClock::instance().now_s()) +
            "\r\nMessage-ID: <" + id + "@bench>\r\n\r\n" + text + ".\r\n";
        bool ok = s.command("MAIL FROM:<" + from + ">\r\n") == 250 &&
                  s.command("RCPT TO:<" + rcpt + ">\r\n") == 250 && s.command("DATA\r\n") == 354 &&
                  s.command(msg) == 250;
        (ok ? accepted : refused)++;
        if (!ok) {
          s.command("RSET\r\n");
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("accepted=%d refused=%d seconds=%.3f msgs_per_s=%.1f\n", accepted.load(),
              refused.load(), secs, accepted.load() / secs);
  return refused.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && std::strcmp(argv[1], "prepare") == 0) {
    return prepare(argv[2], std::atoi(argv[3]), argv[4], argv[5]);
  }
  if (argc == 11 && std::strcmp(argv[1], "send") == 0) {
    return send(argv);
  }
  std::fprintf(stderr,
               "usage: dkim_load prepare PREFIX COUNT TENANT FROM\n"
               "       dkim_load send HOST PORT SECRET_FILE PREFIX COUNT TENANT FROM RCPT "
               "SESSIONS\n");
  return 64;
}
