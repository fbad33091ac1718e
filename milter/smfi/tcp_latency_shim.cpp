// TCP latency shim for inet milter sockets (measured in notes/stack.md §6).
//
// Why: Postfix and libmilter both write a command or reply as two small writes before
// waiting for the answer (macros then command; a modification then CONTINUE). Over TCP,
// Nagle's algorithm holds the second write back until the first is ACKed, and the peer
// delays that ACK by up to 40 ms, so each message gets ~90 ms of dead time and throughput
// is capped at about sessions / 0.09 s. TCP_NODELAY on our side removes half of it;
// re-arming TCP_QUICKACK after every read (Linux clears it again by itself) removes the
// rest.
//
// How: libmilter never hands out its socket descriptors, so this file defines accept()
// and read() in the executable. The dynamic linker binds libmilter's calls to these (the
// executable comes first in symbol lookup); they call the C library's versions through
// dlsym(RTLD_NEXT) and add the socket options. On a unix socket setting TCP_NODELAY fails,
// the descriptor is not marked, and read() costs one array load more than before.
//
// A descriptor number stays marked after libmilter closes it; if the number is reused for
// another TCP socket, the only effect is an early ACK on that socket, which is harmless.
//
// Thread-safety: the marks are atomics; libmilter accepts on one thread and reads on many.
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

namespace {

constexpr int kMaxTrackedFd = 65536;
std::atomic<bool> g_tcp_session[kMaxTrackedFd];

using AcceptFn = int (*)(int, sockaddr*, socklen_t*);
using ReadFn = ssize_t (*)(int, void*, size_t);

AcceptFn real_accept() {
  static const auto fn = reinterpret_cast<AcceptFn>(dlsym(RTLD_NEXT, "accept"));
  return fn;
}

ReadFn real_read() {
  static const auto fn = reinterpret_cast<ReadFn>(dlsym(RTLD_NEXT, "read"));
  return fn;
}

void set_quickack(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

}  // namespace

extern "C" int accept(int fd, sockaddr* addr, socklen_t* len) {
  int conn = real_accept()(fd, addr, len);
  if (conn >= 0 && conn < kMaxTrackedFd) {
    int one = 1;
    bool tcp = setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0;
    g_tcp_session[conn].store(tcp, std::memory_order_relaxed);
    if (tcp) {
      set_quickack(conn);
    }
  }
  return conn;
}

extern "C" ssize_t read(int fd, void* buf, size_t count) {
  ssize_t n = real_read()(fd, buf, count);
  if (fd >= 0 && fd < kMaxTrackedFd && g_tcp_session[fd].load(std::memory_order_relaxed)) {
    set_quickack(fd);
  }
  return n;
}
