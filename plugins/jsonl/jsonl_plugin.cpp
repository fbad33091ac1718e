// jsonl: an Ark event sink that appends each event as one JSON line to a file.
//
// Format: the event envelope exactly as the host passes it ({"event", "timestamp", "uuid",
// "payload", ...}), with raw CR and LF bytes replaced by spaces, then "\n". JSON cannot hold a
// raw newline inside a string, so any CR/LF in a valid body is whitespace between tokens and
// replacing it keeps the JSON value identical while making it one line. A body that does not
// look like a JSON object (first and last non-blank bytes '{' and '}') or holds a NUL byte is
// refused as Invalid; the plugin does not parse JSON further.
//
// Config:
//   path   required; absolute path of the file (created 0640 if missing, parent must exist)
//   fsync  "always" (default) or "never".
//          always: fdatasync() after every line, before deliver() returns Ok, so an event
//            the outbox marks delivered survives a power failure. On creating the file the
//            directory is fsync()ed too.
//          never: the line reaches the kernel page cache with one write(); it survives an
//            admind crash but not a power failure or kernel crash. Faster.
//
// Atomicity: each line is written with a single write() on an O_APPEND descriptor while the
// instance's mutex is held. If the write fails part-way (disk full), the file is truncated
// back to where the line started, so a retry never leaves half a line in front of a whole one.
//
// Rotation: before each line the plugin compares the path's inode with its open descriptor;
// when the file was moved away or deleted it opens (creates) the path again. copytruncate
// also works because of O_APPEND.
//
// Ownership: the instance owns its file descriptor and closes it in its destructor.
// Thread-safety: deliver() may be called concurrently; one mutex serialises the file.
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

#include "ark_plugin_sdk.h"

namespace {

using ark::plugin::Failure;
using ark::plugin::Outcome;

std::string errno_text(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

bool looks_like_json_object(std::string_view body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  size_t last = body.find_last_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '{' && body[last] == '}' &&
         body.find('\0') == std::string_view::npos;
}

std::string to_line(std::string_view body) {
  std::string line(body);
  for (char& c : line) {
    if (c == '\r' || c == '\n') {
      c = ' ';
    }
  }
  line += '\n';
  return line;
}

class JsonlPlugin {
 public:
  JsonlPlugin(const ark::plugin::Host& host, const ark::plugin::Config& config) : host_(host) {
    config.allow_only({"path", "fsync"});
    path_ = std::string(config.require("path"));
    if (path_.front() != '/') {
      throw Failure(Outcome::Invalid, "config key 'path' must be absolute");
    }
    std::string_view policy = config.get_or("fsync", "always");
    if (policy != "always" && policy != "never") {
      throw Failure(Outcome::Invalid, "config key 'fsync' must be 'always' or 'never'");
    }
    fsync_always_ = policy == "always";
    if (std::string err = open_file(); !err.empty()) {
      throw Failure(Outcome::Invalid, err);
    }
    host_.info("jsonl ready path=" + path_ + " fsync=" + std::string(policy));
  }

  ~JsonlPlugin() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  JsonlPlugin(const JsonlPlugin&) = delete;
  JsonlPlugin& operator=(const JsonlPlugin&) = delete;

  Outcome deliver(const ark::plugin::Event& event, uint64_t /*deadline_ms*/,
                  ark::plugin::Report& report) {
    if (!looks_like_json_object(event.body())) {
      report.set_error("event body is not a JSON object");
      return Outcome::Invalid;
    }
    std::string line = to_line(event.body());
    std::lock_guard<std::mutex> lock(mu_);
    std::string err = reopen_if_rotated();
    if (err.empty()) {
      err = append(line);
    }
    if (!err.empty()) {
      report.set_error(err);
      host_.count("jsonl_write_errors");
      return Outcome::Retry;
    }
    host_.count("jsonl_lines_written");
    return Outcome::Ok;
  }

 private:
  // Opens (creating if needed) path_. Returns an error text, empty on success.
  std::string open_file() {
    struct stat before {};
    bool existed = ::stat(path_.c_str(), &before) == 0;
    int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
      return errno_text("cannot open " + path_, errno);
    }
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
    if (!existed && fsync_always_) {
      return sync_parent_dir();
    }
    return {};
  }

  std::string sync_parent_dir() {
    std::string copy = path_;
    int dir = ::open(::dirname(copy.data()), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
      return errno_text("cannot open directory of " + path_, errno);
    }
    int rc = ::fsync(dir);
    int err = errno;
    ::close(dir);
    return rc == 0 ? std::string() : errno_text("fsync of directory of " + path_, err);
  }

  std::string reopen_if_rotated() {
    struct stat on_disk {};
    struct stat open_file_stat {};
    if (::fstat(fd_, &open_file_stat) != 0) {
      return errno_text("fstat " + path_, errno);
    }
    if (::stat(path_.c_str(), &on_disk) == 0 && on_disk.st_ino == open_file_stat.st_ino &&
        on_disk.st_dev == open_file_stat.st_dev) {
      return {};
    }
    host_.info("jsonl reopening path=" + path_);
    return open_file();
  }

  // One write() of the whole line; undoes a partial line so the file stays line-clean.
  std::string append(const std::string& line) {
    off_t start = ::lseek(fd_, 0, SEEK_END);
    ssize_t n = ::write(fd_, line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size())) {
      int err = n < 0 ? errno : ENOSPC;
      if (n > 0 && start >= 0 && ::ftruncate(fd_, start) != 0) {
        host_.error("jsonl could not remove a partial line path=" + path_);
      }
      return errno_text("write " + path_, err);
    }
    if (fsync_always_ && ::fdatasync(fd_) != 0) {
      return errno_text("fdatasync " + path_, errno);
    }
    return {};
  }

  ark::plugin::Host host_;
  std::string path_;
  bool fsync_always_ = true;
  std::mutex mu_;
  int fd_ = -1;  // guarded by mu_ after construction
};

}  // namespace

ARK_PLUGIN_DEFINE(JsonlPlugin, "jsonl", "1.0.0", ARK_PLUGIN_ROLE_SINK)
