// TLS bookkeeping for sentWithSsl; see tls_tracker.h.
#include "admind/logs/tls_tracker.h"

namespace ark::admind::logs {
namespace {

std::string process_key(std::string_view service, int pid) {
  return std::string(service) + "[" + std::to_string(pid) + "]";
}

}  // namespace

void TlsTracker::on_tls(const TlsConnection& t) {
  if (by_process_.size() >= kMaxEntries) {
    by_process_.clear();
  }
  by_process_[process_key(t.service, t.pid)] = t.peer;
}

bool TlsTracker::used_tls(std::string_view service, int pid, const Delivery& d) {
  if (d.conn_use && *d.conn_use > 1) {
    auto it = by_peer_.find(d.relay);
    return it != by_peer_.end() && it->second;
  }
  auto it = by_process_.find(process_key(service, pid));
  bool tls = it != by_process_.end() && it->second == d.relay;
  if (by_peer_.size() >= kMaxEntries) {
    by_peer_.clear();
  }
  by_peer_[d.relay] = tls;
  return tls;
}

void TlsTracker::clear() {
  by_process_.clear();
  by_peer_.clear();
}

}  // namespace ark::admind::logs
