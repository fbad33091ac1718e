#include "milter/smfi/listener.h"

#include <grp.h>
#include <libmilter/mfapi.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace ark::milter::smfi {
namespace {

constexpr int kBacklog = 128;

// Identity of the socket file we created, so shutdown never removes a successor's.
dev_t g_socket_dev = 0;
ino_t g_socket_ino = 0;

base::Result<gid_t> lookup_group(const std::string& name) {
  group grp{};
  group* found = nullptr;
  std::vector<char> buf(16384);
  int rc = getgrnam_r(name.c_str(), &grp, buf.data(), buf.size(), &found);
  if (rc != 0 || found == nullptr) {
    return base::Error::invalid("milter.socket_group: no such group '" + name + "'",
                                "milter.socket_group");
  }
  return found->gr_gid;
}

bool is_unix(const MilterSettings& s) {
  return s.socket_spec.kind == SocketSpec::Kind::Unix;
}

base::Status set_owner_and_mode(const MilterSettings& s) {
  const std::string& path = s.socket_spec.path;
  if (!s.socket_group.empty()) {
    auto gid = lookup_group(s.socket_group);
    if (!gid) {
      return gid.error();
    }
    if (chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0) {
      return base::Error::internal("chgrp " + path + ": " + std::strerror(errno));
    }
  }
  if (chmod(path.c_str(), s.socket_mode) != 0) {
    return base::Error::internal("chmod " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    g_socket_dev = st.st_dev;
    g_socket_ino = st.st_ino;
  }
  return {};
}

}  // namespace

base::Status check_listener(const MilterSettings& s) {
  if (!is_unix(s)) {
    return {};
  }
  const std::string& path = s.socket_spec.path;
  std::string dir = path.substr(0, path.rfind('/'));
  struct stat st {};
  if (!dir.empty() && (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
    return base::Error::invalid("milter.socket: directory " + dir + " does not exist",
                                "milter.socket");
  }
  if (!s.socket_group.empty()) {
    if (auto gid = lookup_group(s.socket_group); !gid) {
      return gid.error();
    }
  }
  return {};
}

base::Status configure_listener(const MilterSettings& s) {
  std::string conn = s.socket;
  if (smfi_setconn(conn.data()) == MI_FAILURE) {
    return base::Error::internal("smfi_setconn refused " + s.socket);
  }
  if (smfi_settimeout(s.timeout_s) == MI_FAILURE || smfi_setbacklog(kBacklog) == MI_FAILURE) {
    return base::Error::internal("smfi_settimeout/smfi_setbacklog failed");
  }
  return {};
}

base::Status open_listener(const MilterSettings& s) {
  if (auto st = check_listener(s); !st) {
    return st;
  }
  // Owner-only while it is created; widened to the configured mode just below.
  mode_t old_mask = umask(0177);
  int rc = smfi_opensocket(true);  // true: remove a stale unix socket first
  umask(old_mask);
  if (rc == MI_FAILURE) {
    return base::Error::internal("cannot open milter socket " + s.socket +
                                 " (in use, or no permission?)");
  }
  return is_unix(s) ? set_owner_and_mode(s) : base::Status();
}

void remove_listener_socket(const MilterSettings& s) {
  if (!is_unix(s) || g_socket_ino == 0) {
    return;
  }
  struct stat st {};
  const std::string& path = s.socket_spec.path;
  if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == g_socket_dev &&
      st.st_ino == g_socket_ino) {
    unlink(path.c_str());
  }
}

}  // namespace ark::milter::smfi
