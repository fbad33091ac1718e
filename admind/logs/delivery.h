// A delivery-agent log line reduced to what the follower records as an attempt:
// recipient, Ark status, SMTP code, enhanced code, remote host, reply text and the
// spec's `details` summary (behaviour.md §1.6).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ark::admind::logs {

struct DeliveryLine {
  std::string queue_id;
  std::string recipient;
  std::string email_status;  // sent | softfail | hardfail
  std::optional<int> code;
  std::string dsn;
  std::string remote_host;
  std::string output;   // the remote reply (or Postfix's own text)
  std::string details;  // the summary sentence shown by the API
  int64_t time_us = 0;
};

// now_us supplies the year, which syslog-style lines lack. nullopt: not a delivery line.
std::optional<DeliveryLine> delivery_from_line(std::string_view line, int64_t now_us);

}  // namespace ark::admind::logs
