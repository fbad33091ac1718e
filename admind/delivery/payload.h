// The event payloads written to the outbox (behaviour.md §3.3, api.md Appendix A): the
// `message` object and the delivery / bounce event objects, as JSON text. The envelope
// ({event, timestamp, uuid, payload}) is the dispatcher's (issue 7).
//
// Field names are the spec's snake_case ones; timestamps are Unix seconds as floats.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "admind/delivery/classify.h"

namespace ark::admind::delivery {

// The `message` object.
struct MessageFacts {
  int64_t id = 0;     // numeric id (emails.seq; bounces.id for an NDR)
  std::string token;  // emails.id (bounces.token for an NDR)
  std::string direction = "outgoing";
  std::string message_id;  // the Message-ID header; "" when unknown
  std::string to;
  std::string from;
  std::string subject;
  int64_t timestamp_us = 0;
  std::optional<std::string> tag;
  std::optional<std::string> metadata_json;  // a JSON object's text, as stored
};

// MessageSent / MessageDelayed / MessageDeliveryFailed / MessageHeld.
struct DeliveryEventFacts {
  std::string status;  // "Sent", "SoftFail", "HardFail", "Held"
  std::string details;
  std::string output;
  bool sent_with_ssl = false;
  int64_t timestamp_us = 0;
  double time_s = 0;
  // Only MessageDelayed and MessageDeliveryFailed carry these four.
  bool with_classification = false;
  std::optional<Classification> classification;
  std::string smtp_enhanced_code;  // "" -> null
  std::optional<std::string> remote_host;
};

std::string delivery_event_payload(const MessageFacts& message, const DeliveryEventFacts& e);
// MessageBounced: {original_message, bounce}.
std::string bounced_event_payload(const MessageFacts& original, const MessageFacts& bounce);

// The event type and the payload `status` for an email status reached by a delivery
// (sent -> MessageSent/Sent, softfail -> MessageDelayed/SoftFail, hardfail ->
// MessageDeliveryFailed/HardFail, held -> MessageHeld/Held, bounced -> MessageBounced);
// nullptr for pending.
const char* event_type_for(const std::string& email_status);
const char* payload_status_for(const std::string& email_status);

}  // namespace ark::admind::delivery
