// Rotation-aware line reader; see log_reader.h.
#include "admind/logs/log_reader.h"

#include <Poco/InflatingStream.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/base/log.h"

namespace ark::admind::logs {

using base::Error;
using base::Result;

std::string fnv1a_hex(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  static const char* kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kHex[h & 0xF];
    h >>= 4;
  }
  return out;
}

namespace {

std::string hash_part(const std::string& file_id) {
  size_t colon = file_id.rfind(':');
  return colon == std::string::npos ? file_id : file_id.substr(colon + 1);
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
}

}  // namespace

// One open log file: plain (read with pread) or gzip-compressed (read sequentially through
// zlib; offsets are offsets into the uncompressed text).
class LogSource {
 public:
  static std::unique_ptr<LogSource> open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return nullptr;
    }
    auto src = std::unique_ptr<LogSource>(new LogSource(path, fd));
    if (fstat(fd, &src->st_) != 0) {
      return nullptr;
    }
    src->gz_ = ends_with(path, ".gz");
    return src;
  }
  ~LogSource() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }

  // Reads up to n bytes at offset; 0 at the end; -1 on error.
  ssize_t read_at(int64_t offset, char* buf, size_t n) {
    if (!gz_) {
      return ::pread(fd_, buf, n, offset);
    }
    return gz_read_at(offset, buf, n);
  }

  // The first complete line including its '\n'; nullopt while the file has none.
  std::optional<std::string> first_line() {
    std::string line;
    char buf[4096];
    int64_t off = 0;
    while (line.size() < (1 << 20)) {
      ssize_t n = read_at(off, buf, sizeof buf);
      if (n <= 0) {
        return std::nullopt;
      }
      const char* nl = static_cast<const char*>(memchr(buf, '\n', static_cast<size_t>(n)));
      if (nl != nullptr) {
        line.append(buf, static_cast<size_t>(nl - buf + 1));
        return line;
      }
      line.append(buf, static_cast<size_t>(n));
      off += n;
    }
    return line;  // a first "line" over 1 MiB: its first MiB identifies the file
  }

  // Computes the id from the first line; false while there is none.
  bool identify() {
    auto first = first_line();
    if (!first) {
      return false;
    }
    hash_ = fnv1a_hex(*first);
    id_ = std::to_string(static_cast<uint64_t>(st_.st_dev)) + ":" +
          std::to_string(static_cast<uint64_t>(st_.st_ino)) + ":" + hash_;
    first_line_ = *first;
    return true;
  }

  // True when the file at the same inode no longer starts with the line it started with,
  // or is shorter than offset: it was truncated (and maybe rewritten).
  bool truncated(int64_t offset) {
    struct stat now {};
    if (gz_ || fstat(fd_, &now) != 0) {
      return false;
    }
    if (now.st_size < offset) {
      return true;
    }
    std::string head(first_line_.size(), '\0');
    ssize_t n = ::pread(fd_, head.data(), head.size(), 0);
    return n != static_cast<ssize_t>(head.size()) || head != first_line_;
  }

  int64_t size() const {
    struct stat now {};
    return fstat(fd_, &now) == 0 ? static_cast<int64_t>(now.st_size) : 0;
  }
  const std::string& path() const { return path_; }
  const std::string& id() const { return id_; }
  const std::string& hash() const { return hash_; }
  void set_id(const std::string& id) { id_ = id; }
  bool same_inode(const struct stat& other) const {
    return other.st_dev == st_.st_dev && other.st_ino == st_.st_ino;
  }
  int64_t mtime_ns() const {
    struct stat now {};
    const struct stat& s = fstat(fd_, &now) == 0 ? now : st_;
    return static_cast<int64_t>(s.st_mtim.tv_sec) * 1000000000 + s.st_mtim.tv_nsec;
  }
  bool live = false;  // opened from the configured path (may still grow and rotate)

 private:
  LogSource(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  ssize_t gz_read_at(int64_t offset, char* buf, size_t n) {
    try {
      if (!gz_in_ || offset < gz_pos_) {
        gz_in_.reset();
        gz_file_ = std::make_unique<std::ifstream>(path_, std::ios::binary);
        gz_in_ = std::make_unique<Poco::InflatingInputStream>(
            *gz_file_, Poco::InflatingStreamBuf::STREAM_GZIP);
        gz_pos_ = 0;
      }
      char skip[8192];
      while (gz_pos_ < offset) {
        auto want = static_cast<std::streamsize>(std::min<int64_t>(sizeof skip, offset - gz_pos_));
        gz_in_->read(skip, want);
        if (gz_in_->gcount() <= 0) {
          return 0;
        }
        gz_pos_ += gz_in_->gcount();
      }
      gz_in_->read(buf, static_cast<std::streamsize>(n));
      auto got = gz_in_->gcount();
      gz_pos_ += got;
      return static_cast<ssize_t>(got);
    } catch (const std::exception& e) {
      base::log_warn("log_gzip_read_failed", {{"file", path_}, {"what", e.what()}});
      return -1;
    }
  }

  std::string path_;
  int fd_ = -1;
  struct stat st_ {};
  bool gz_ = false;
  std::string id_;
  std::string hash_;
  std::string first_line_;
  std::unique_ptr<std::ifstream> gz_file_;
  std::unique_ptr<Poco::InflatingInputStream> gz_in_;
  int64_t gz_pos_ = 0;
};

namespace {

// The live file, identified; nullptr while it is missing or has no complete first line.
std::unique_ptr<LogSource> open_live(const std::string& path) {
  auto src = LogSource::open(path);
  if (!src || !src->identify()) {
    return nullptr;
  }
  src->live = true;
  return src;
}

// The offset after the last complete line of src (start_at_end).
int64_t end_of_complete_lines(LogSource& src) {
  int64_t size = src.size();
  char buf[4096];
  int64_t pos = size;
  while (pos > 0) {
    int64_t from = std::max<int64_t>(0, pos - static_cast<int64_t>(sizeof buf));
    ssize_t n = src.read_at(from, buf, static_cast<size_t>(pos - from));
    if (n <= 0) {
      return 0;
    }
    for (ssize_t i = n - 1; i >= 0; --i) {
      if (buf[i] == '\n') {
        return from + i + 1;
      }
    }
    pos = from;
  }
  return 0;
}

}  // namespace

LogReader::LogReader(LogReaderSettings s) : s_(std::move(s)) {}
LogReader::~LogReader() = default;

std::vector<std::string> LogReader::rotated_candidates() const {
  std::vector<std::string> patterns;
  if (s_.rotated_glob.empty()) {
    patterns = {s_.path + ".*", s_.path + "-*"};
  } else {
    patterns = {s_.rotated_glob};
  }
  std::vector<std::string> out;
  for (const auto& p : patterns) {
    glob_t g{};
    if (::glob(p.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string path = g.gl_pathv[i];
        if (path != s_.path) {
          out.push_back(path);
        }
      }
    }
    globfree(&g);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::unique_ptr<LogSource> LogReader::find_rotated(const std::string& hash) {
  for (const auto& path : rotated_candidates()) {
    auto src = LogSource::open(path);
    if (src && src->identify() && src->hash() == hash) {
      return src;
    }
  }
  return nullptr;
}

std::unique_ptr<LogSource> LogReader::next_after(const LogSource& finished) {
  int64_t after = finished.mtime_ns();
  std::unique_ptr<LogSource> best;
  int64_t best_mtime = 0;
  struct stat live {};
  bool have_live = ::stat(s_.path.c_str(), &live) == 0;
  for (const auto& path : rotated_candidates()) {
    auto src = LogSource::open(path);
    if (!src || (have_live && src->same_inode(live)) || src->mtime_ns() <= after ||
        !src->identify() || src->hash() == finished.hash()) {
      continue;
    }
    if (!best || src->mtime_ns() < best_mtime) {
      best_mtime = src->mtime_ns();
      best = std::move(src);
    }
  }
  if (best) {
    return best;
  }
  auto live_src = open_live(s_.path);
  if (live_src && live_src->hash() == finished.hash()) {
    return nullptr;  // the "new" file is the one just finished (renamed back?): wait
  }
  return live_src;
}

Result<LogPosition> LogReader::open(const std::optional<LogPosition>& from, bool start_at_end) {
  opened_ = true;
  cur_.reset();
  offset_ = 0;
  auto live = open_live(s_.path);
  if (from && !from->file_id.empty()) {
    std::string hash = hash_part(from->file_id);
    if (live && live->hash() == hash) {
      cur_ = std::move(live);
    } else if (auto rotated = find_rotated(hash)) {
      base::log_info("log_resume_rotated", {{"file", rotated->path()}, {"id", from->file_id}});
      cur_ = std::move(rotated);
    }
    if (cur_) {
      cur_->set_id(from->file_id);
      offset_ = from->offset;
      if (cur_->live && cur_->size() < offset_) {
        base::log_warn("log_checkpoint_beyond_end", {{"file", cur_->path()}});
        offset_ = 0;
      }
      committed_ = {cur_->id(), offset_};
      return committed_;
    }
    base::log_warn("log_checkpoint_file_lost",
                   {{"id", from->file_id}, {"offset", from->offset}, {"path", s_.path}});
    live = open_live(s_.path);
    start_at_end = false;
  }
  if (live) {
    cur_ = std::move(live);
    offset_ = start_at_end ? end_of_complete_lines(*cur_) : 0;
    committed_ = {cur_->id(), offset_};
  } else {
    committed_ = {};
  }
  return committed_;
}

bool LogReader::live_rotated(std::unique_ptr<LogSource>* fresh) {
  struct stat st {};
  if (::stat(s_.path.c_str(), &st) != 0 || cur_->same_inode(st)) {
    return false;
  }
  *fresh = open_live(s_.path);
  return *fresh != nullptr;  // the new file counts once it has a complete first line
}

Result<LogBatch> LogReader::read_lines(size_t max_lines) {
  LogBatch b;
  b.file_id = cur_->id();
  std::string buf(s_.read_chunk, '\0');
  std::string carry;
  int64_t pos = offset_;  // start of `carry`
  int64_t read_pos = offset_;
  while (b.lines.size() < max_lines) {
    ssize_t n = cur_->read_at(read_pos, buf.data(), buf.size());
    if (n < 0) {
      return Error::internal("cannot read " + cur_->path() + ": " + std::strerror(errno));
    }
    if (n == 0) {
      break;
    }
    read_pos += n;
    carry.append(buf.data(), static_cast<size_t>(n));
    size_t start = 0;
    for (;;) {
      size_t nl = carry.find('\n', start);
      if (nl == std::string::npos || b.lines.size() >= max_lines) {
        break;
      }
      b.lines.push_back({carry.substr(start, nl - start), pos + static_cast<int64_t>(start)});
      start = nl + 1;
    }
    if (b.lines.size() < max_lines && carry.size() - start > s_.max_line) {
      b.lines.push_back({carry.substr(start), pos + static_cast<int64_t>(start)});
      start = carry.size();
    }
    carry.erase(0, start);
    pos += static_cast<int64_t>(start);
    if (b.lines.size() >= max_lines) {
      break;
    }
  }
  b.end = {cur_->id(), pos};
  return b;
}

Result<LogBatch> LogReader::switch_to_next(LogBatch batch) {
  auto next = next_after(*cur_);
  if (!next) {
    return batch;  // nothing to move to yet
  }
  base::log_info("log_file_switch", {{"from", cur_->path()},
                                     {"from_id", cur_->id()},
                                     {"to", next->path()},
                                     {"to_id", next->id()}});
  ++rotations_;
  cur_ = std::move(next);
  offset_ = 0;
  batch.switched = true;
  batch.end = {cur_->id(), 0};
  return batch;
}

Result<LogBatch> LogReader::read(size_t max_lines) {
  if (!opened_) {
    return Error::internal("LogReader::read before open");
  }
  if (!cur_) {
    auto live = open_live(s_.path);
    if (!live) {
      return LogBatch{};
    }
    cur_ = std::move(live);
    offset_ = 0;  // a file that appeared after we started has no history to skip
    LogBatch b;
    b.switched = true;
    b.end = {cur_->id(), offset_};
    return b;
  }
  if (cur_->live && cur_->truncated(offset_)) {
    // copytruncate: checked before reading, so a file regrown past the offset is not read
    // from the middle of another line.
    LogBatch b;
    auto again = open_live(s_.path);
    if (!again) {
      return b;  // wait for the rewritten file's first line
    }
    base::log_info("log_file_truncated", {{"file", cur_->path()}, {"old_id", cur_->id()}});
    ++rotations_;
    cur_ = std::move(again);
    offset_ = 0;
    b.switched = true;
    b.end = {cur_->id(), 0};
    return b;
  }
  auto b = read_lines(max_lines);
  if (!b || !b->lines.empty()) {
    return b;
  }
  LogBatch empty = *b;
  if (cur_->live) {
    std::unique_ptr<LogSource> fresh;
    if (!live_rotated(&fresh)) {
      return empty;
    }
    cur_->live = false;  // renamed away: read to its end, then move on
    auto more = read_lines(max_lines);
    if (!more || !more->lines.empty()) {
      return more;
    }
  }
  // A finished file: its unterminated tail (if any) is a last line, then the next file.
  int64_t size = cur_->size();
  if (!cur_->live && size > offset_ && !ends_with(cur_->path(), ".gz")) {
    std::string tail(static_cast<size_t>(size - offset_), '\0');
    ssize_t n = cur_->read_at(offset_, tail.data(), tail.size());
    if (n > 0) {
      tail.resize(static_cast<size_t>(n));
      empty.lines.push_back({tail, offset_});
      empty.end = {cur_->id(), offset_ + n};
      return empty;
    }
  }
  return switch_to_next(empty);
}

void LogReader::commit(const LogBatch& batch) {
  offset_ = batch.end.offset;
  committed_ = batch.end;
}

void LogReader::rewind() {
  LogPosition at = committed_;
  (void)open(at, false);  // never fails; a lost file is logged by open()
}

}  // namespace ark::admind::logs
