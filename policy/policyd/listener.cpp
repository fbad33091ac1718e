#include "policy/policyd/listener.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/base/log.h"
#include "core/crypto/crypto.h"
#include "policy/policyd/protocol.h"
#include "policy/policyd/session.h"

namespace ark::policyd {
namespace {

constexpr int kBacklog = 128;

base::Error sys_error(const std::string& what) {
  return base::Error::internal(what + ": " + std::strerror(errno));
}

base::Result<gid_t> lookup_group(const std::string& name) {
  group grp{};
  group* found = nullptr;
  std::vector<char> buf(16384);
  if (getgrnam_r(name.c_str(), &grp, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return base::Error::invalid("policyd.socket_group: no such group '" + name + "'",
                                "policyd.socket_group");
  }
  return found->gr_gid;
}

std::string parent_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool write_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

bool write_lines(int fd, const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l;
    out += '\n';
  }
  return out.empty() || write_all(fd, out);
}

}  // namespace

base::Status check_socket_settings(const PolicydSettings& s) {
  struct stat st {};
  std::string dir = parent_dir(s.socket_path);
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return base::Error::invalid("policyd.socket: directory " + dir + " does not exist",
                                "policyd.socket");
  }
  if (!s.socket_group.empty()) {
    auto gid = lookup_group(s.socket_group);
    if (!gid) {
      return gid.error();
    }
  }
  return {};
}

Listener::~Listener() {
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
  }
  for (int fd : wake_pipe_) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

base::Status Listener::open() {
  if (base::Status st = check_socket_settings(settings_); !st) {
    return st;
  }
  const std::string& path = settings_.socket_path;
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return base::Error::invalid("policyd.socket: " + path + " exists and is not a socket",
                                  "policyd.socket");
    }
    ::unlink(path.c_str());
  }
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    return sys_error("pipe");
  }
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    return sys_error("socket");
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  mode_t old = ::umask(0177);
  int rc = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (rc != 0 || ::listen(listen_fd_, kBacklog) != 0) {
    return sys_error("bind/listen " + path);
  }
  if (!settings_.socket_group.empty()) {
    auto gid = lookup_group(settings_.socket_group);
    if (!gid || ::chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0) {
      return gid ? sys_error("chgrp " + path) : gid.error();
    }
  }
  if (::chmod(path.c_str(), settings_.socket_mode) != 0 || ::stat(path.c_str(), &st) != 0) {
    return sys_error("chmod " + path);
  }
  socket_dev_ = st.st_dev;
  socket_ino_ = st.st_ino;
  return {};
}

void Listener::stop() {
  stopping_ = true;
  char c = 'x';
  if (wake_pipe_[1] >= 0) {
    (void)!::write(wake_pipe_[1], &c, 1);
  }
  std::lock_guard lock(mu_);
  for (int fd : active_) {
    ::shutdown(fd, SHUT_RDWR);  // their threads see EOF and end
  }
  cv_.notify_all();
}

bool Listener::wait_for_slot() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] {
    return stopping_ || static_cast<int>(active_.size()) < settings_.max_connections;
  });
  return !stopping_;
}

void Listener::run() {
  unsigned long cuid = 0;
  while (wait_for_slot()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 || (fds[1].revents & POLLIN) != 0) {
      continue;  // EINTR, or stop(): the loop condition decides
    }
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      break;
    }
    active_.insert(fd);
    std::thread([this, fd, id = ++cuid] { serve(fd, id); }).detach();
  }
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return active_.empty(); });
  lock.unlock();
  remove_socket();
}

void Listener::remove_socket() {
  struct stat st {};
  const std::string& path = settings_.socket_path;
  if (::stat(path.c_str(), &st) == 0 && st.st_dev == socket_dev_ && st.st_ino == socket_ino_) {
    ::unlink(path.c_str());
  }
}

bool Listener::handle_line(int fd, Session& session, const std::string& line) {
  SessionOutput out = session.on_line(line);
  if (out.failed && settings_.failure_delay_ms > 0) {
    pollfd p{wake_pipe_[0], POLLIN, 0};  // interrupted by stop()
    ::poll(&p, 1, static_cast<int>(settings_.failure_delay_ms));
  }
  return write_lines(fd, out.lines) && !out.close;
}

void Listener::serve(int fd, unsigned long cuid) {
  try {
    Session session(auth_, {static_cast<unsigned long>(::getpid()), cuid,
                            crypto::hex(crypto::random_bytes(16))});
    std::string buf;
    bool open = write_lines(fd, session.greeting());
    char chunk[4096];
    while (open) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(settings_.idle_timeout_ms)) <= 0) {
        break;  // idle or error
      }
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        break;
      }
      buf.append(chunk, static_cast<size_t>(n));
      size_t nl;
      while (open && (nl = buf.find('\n')) != std::string::npos) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') {
          line.pop_back();
        }
        open = handle_line(fd, session, line);
      }
      if (buf.size() > kMaxLineLength) {
        base::log_warn("protocol_error", {{"what", "line too long"}, {"connection", cuid}});
        open = false;
      }
    }
  } catch (const std::exception& e) {
    base::log_error("internal_error", {{"connection", cuid}, {"what", e.what()}});
  } catch (...) {
    base::log_error("internal_error", {{"connection", cuid}, {"what", "unknown exception"}});
  }
  std::lock_guard lock(mu_);
  ::close(fd);
  active_.erase(fd);
  cv_.notify_all();
}

}  // namespace ark::policyd
