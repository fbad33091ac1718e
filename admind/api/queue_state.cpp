#include "admind/api/queue_state.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

namespace ark::admind::api {
namespace {

bool safe_queue_id(const std::string& id) {
  return !id.empty() && id.size() <= 32 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c); });
}

std::optional<int64_t> mtime_us(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return int64_t{st.st_mtim.tv_sec} * 1000000 + st.st_mtim.tv_nsec / 1000;
}

// The file directly in `dir` or in a hash subdirectory up to two levels down.
std::optional<int64_t> find_in(const std::string& dir, const std::string& id, int depth) {
  if (auto t = mtime_us(dir + "/" + id)) {
    return t;
  }
  if (depth == 0) {
    return std::nullopt;
  }
  std::error_code ec;
  for (const auto& sub : std::filesystem::directory_iterator(dir, ec)) {
    if (sub.is_directory(ec) && sub.path().filename().string().size() == 1) {
      if (auto t = find_in(sub.path().string(), id, depth - 1)) {
        return t;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

int max_attempts(const RetrySchedule& s) {
  int attempts = 1;
  int64_t age = 0;
  while (true) {
    int64_t wait =
        std::clamp(age, s.minimal_backoff_s, std::max(s.minimal_backoff_s, s.maximal_backoff_s));
    age += wait;
    if (age > s.queue_lifetime_s || attempts >= 1000) {
      return attempts;
    }
    ++attempts;
  }
}

std::optional<QueueEntry> PostfixQueueDir::find(const std::string& queue_id) const {
  if (dir_.empty() || !safe_queue_id(queue_id)) {
    return std::nullopt;
  }
  static const std::pair<const char*, QueueLocation> kQueues[] = {
      {"active", QueueLocation::Active},
      {"incoming", QueueLocation::Incoming},
      {"deferred", QueueLocation::Deferred},
      {"hold", QueueLocation::Hold}};
  for (const auto& [name, where] : kQueues) {
    if (auto t = find_in(dir_ + "/" + name, queue_id, 2)) {
      return QueueEntry{where, *t};
    }
  }
  return std::nullopt;
}

std::optional<RetryState> retry_state(const std::string& status, int deferrals, bool manual,
                                      const std::optional<QueueEntry>& entry,
                                      const RetrySchedule& schedule, int64_t now_us) {
  if (status != "pending" && status != "softfail") {
    return std::nullopt;
  }
  RetryState r;
  r.max_attempts = max_attempts(schedule);
  r.attempt = std::min(deferrals, r.max_attempts);
  r.manual = manual;
  if (entry) {
    r.processing = entry->where == QueueLocation::Active || entry->where == QueueLocation::Incoming;
    if (entry->where == QueueLocation::Deferred && entry->mtime_us > now_us) {
      r.next_retry_us = entry->mtime_us;
    }
  }
  return r;
}

}  // namespace ark::admind::api
