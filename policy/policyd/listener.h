// Listener: ark-policyd's unix socket and its connections. Each accepted connection gets a
// thread and a Session (session.h); the thread only moves lines between the socket and the
// session, so all protocol logic stays testable without sockets.
//
// Socket: created with a tight umask, then given the configured group and mode, so Postfix
// (group postfix) can connect and nobody else can, with no window where it is wider open.
// A stale socket file from a crash is replaced; a path that exists and is not a socket is
// an error. The socket file is removed again on stop if it is still ours.
// Connections: at most max_connections are served at once (Postfix holds one per smtpd
// process); further clients wait in the listen backlog. A connection silent for
// idle_timeout is closed. A failed login is answered after failure_delay.
// Error policy: a session or I/O failure closes that connection only, without a reply;
// every thread has a catch-all.
//
// Ownership: borrows the authenticator (it outlives run()). Thread-safety: run() on one
// thread; stop() from any thread (e.g. the signal waiter); run() returns after every
// connection thread has ended.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>

#include "core/base/result.h"
#include "policy/policyd/authenticator.h"
#include "policy/policyd/settings.h"

namespace ark::policyd {

class Session;

// The checks --check-config runs: the socket's directory exists, the group exists.
base::Status check_socket_settings(const PolicydSettings& s);

class Listener {
 public:
  Listener(const PolicydSettings& settings, const Authenticator& auth)
      : settings_(settings), auth_(auth) {}
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Creates the socket. Errors: Invalid (settings), Internal (system calls).
  base::Status open();
  // Serves until stop(); then closes every connection and waits for their threads.
  void run();
  void stop();

 private:
  void serve(int fd, unsigned long cuid);
  bool handle_line(int fd, Session& session, const std::string& line);
  bool wait_for_slot();
  void remove_socket();

  const PolicydSettings& settings_;
  const Authenticator& auth_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  dev_t socket_dev_ = 0;
  ino_t socket_ino_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<int> active_;  // connection fds, guarded by mu_
};

}  // namespace ark::policyd
