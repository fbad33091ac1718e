#include "dnsmasq_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace ark::dns::testing {
namespace {

sockaddr_in address(uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, DnsmasqServer::kAddress, &sa.sin_addr);
  return sa;
}

bool tcp_accepts(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa = address(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
  close(fd);
  return ok;
}

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

pid_t spawn(const std::vector<std::string>& args, const std::string& stderr_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 2);
      dup2(fd, 1);
    }
    std::vector<char*> argv;
    for (const std::string& a : args) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

uint16_t unused_udp_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa = address(0);
  socklen_t len = sizeof(sa);
  bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  close(fd);
  return ntohs(sa.sin_port);
}

std::unique_ptr<DnsmasqServer> DnsmasqServer::start(const std::vector<std::string>& record_args,
                                                    const std::string& local_domain,
                                                    std::string* error) {
  std::unique_ptr<DnsmasqServer> s(new DnsmasqServer);
  char tmpl[] = "/tmp/ark-dnsmasq.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    *error = "mkdtemp failed";
    return nullptr;
  }
  s->dir_ = tmpl;
  chmod(tmpl, 0755);  // dnsmasq drops to "nobody" when started as root
  for (int attempt = 0; attempt < 5; ++attempt) {
    s->port_ = unused_udp_port();
    std::vector<std::string> args = {"dnsmasq",
                                     "--keep-in-foreground",
                                     "--conf-file=/dev/null",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--no-poll",
                                     "--bind-interfaces",
                                     std::string("--listen-address=") + kAddress,
                                     "--port=" + std::to_string(s->port_),
                                     "--pid-file=" + s->dir_ + "/pid",
                                     "--local=/" + local_domain + "/",
                                     "--log-queries",
                                     "--log-facility=" + s->dir_ + "/log"};
    if (geteuid() == 0) {
      args.push_back("--user=nobody");
    }
    args.insert(args.end(), record_args.begin(), record_args.end());
    s->pid_ = spawn(args, s->dir_ + "/stderr");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(s->pid_, &status, WNOHANG) == s->pid_) {
        s->pid_ = -1;
        break;  // exited: port taken or bad arguments; try again, then report
      }
      if (tcp_accepts(s->port_)) {
        return s;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (s->pid_ > 0) {
      kill(s->pid_, SIGKILL);
      waitpid(s->pid_, nullptr, 0);
      s->pid_ = -1;
    }
  }
  *error = "dnsmasq did not start on " + std::string(kAddress) + ": " +
           read_all(s->dir_ + "/stderr") + read_all(s->dir_ + "/log");
  return nullptr;
}

DnsmasqServer::~DnsmasqServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty()) {
    std::filesystem::remove_all(dir_);
  }
}

}  // namespace ark::dns::testing
