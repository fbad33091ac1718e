// WebhookSender: sends one webhook request now, for the `test` and `replay` endpoints
// (spec/behaviour.md §3.7, api.md §3.13-3.14), and records the attempt in the deliveries
// list like any other (Appendix C.2: test sends are listed too).
//
// The body is signed at send time with the active key (a replay is "re-signed"), carried by
// the webhook transport plugin with the dispatcher's timeout, and never retried: the
// caller gets the outcome in the response. The interface is what the API handlers see;
// SigningSender is the implementation admind wires in (admind/events/events_module.h).
//
// Errors (send_now): Invalid (no signing key loaded), Transient/Internal (the attempt
// could not be recorded; it was still sent). A failed delivery is not an error: it is a
// result with success = false.
// Thread-safety: send_now may be called from any number of request threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/base/result.h"

namespace ark::events {

struct DirectDelivery {
  bool platform = false;
  std::string webhook_id;
  std::optional<std::string> tenant_id;  // null: a platform test send
  std::string kind;                      // test | replay
  std::optional<std::string> replay_of;
  std::string event;
  std::string event_uuid;
  std::string url;
  std::string body;  // the envelope to sign and send
};

struct DirectResult {
  std::string delivery_id;
  bool success = false;
  std::optional<int> status_code;  // null: no HTTP response
  int64_t duration_ms = 0;
  std::string response_excerpt;
  std::optional<std::string> error;
  int64_t attempted_us = 0;
};

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  virtual base::Result<DirectResult> send_now(const DirectDelivery& delivery) = 0;
};

}  // namespace ark::events
