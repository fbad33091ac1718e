// Outbox payloads; see payload.h.
#include "admind/delivery/payload.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace ark::admind::delivery {
namespace {

double seconds(int64_t us) {
  return static_cast<double>(us) / 1e6;
}

Poco::Dynamic::Var metadata_value(const std::optional<std::string>& json) {
  if (!json || json->empty()) {
    return Poco::Dynamic::Var();
  }
  try {
    Poco::JSON::Parser parser;
    return parser.parse(*json);
  } catch (const Poco::Exception&) {
    return Poco::Dynamic::Var();  // stored metadata is validated JSON; never fail an event
  }
}

Poco::JSON::Object::Ptr message_object(const MessageFacts& m) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", m.id);
  o->set("token", m.token);
  o->set("direction", m.direction);
  o->set("message_id", m.message_id);
  o->set("to", m.to);
  o->set("from", m.from);
  o->set("subject", m.subject);
  o->set("timestamp", seconds(m.timestamp_us));
  o->set("spam_status", "NotChecked");
  o->set("tag", m.tag ? Poco::Dynamic::Var(*m.tag) : Poco::Dynamic::Var());
  o->set("metadata", metadata_value(m.metadata_json));
  return o;
}

std::string to_text(const Poco::JSON::Object::Ptr& o) {
  std::ostringstream out;
  o->stringify(out);
  return out.str();
}

}  // namespace

std::string delivery_event_payload(const MessageFacts& message, const DeliveryEventFacts& e) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("message", message_object(message));
  o->set("status", e.status);
  o->set("details", e.details);
  o->set("output", e.output);
  o->set("sent_with_ssl", e.sent_with_ssl);
  o->set("timestamp", seconds(e.timestamp_us));
  o->set("time", e.time_s);
  if (e.with_classification) {
    Poco::Dynamic::Var null;
    o->set("classification", e.classification ? Poco::Dynamic::Var(e.classification->name) : null);
    o->set("classification_code",
           e.classification ? Poco::Dynamic::Var(e.classification->code) : null);
    o->set("smtp_enhanced_code",
           e.smtp_enhanced_code.empty() ? null : Poco::Dynamic::Var(e.smtp_enhanced_code));
    o->set("remote_host", e.remote_host ? Poco::Dynamic::Var(*e.remote_host) : null);
  }
  return to_text(o);
}

std::string bounced_event_payload(const MessageFacts& original, const MessageFacts& bounce) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("original_message", message_object(original));
  o->set("bounce", message_object(bounce));
  return to_text(o);
}

const char* event_type_for(const std::string& s) {
  if (s == "sent") {
    return "MessageSent";
  }
  if (s == "softfail") {
    return "MessageDelayed";
  }
  if (s == "hardfail") {
    return "MessageDeliveryFailed";
  }
  if (s == "held") {
    return "MessageHeld";
  }
  if (s == "bounced") {
    return "MessageBounced";
  }
  return nullptr;
}

const char* payload_status_for(const std::string& s) {
  if (s == "sent") {
    return "Sent";
  }
  if (s == "softfail") {
    return "SoftFail";
  }
  if (s == "hardfail") {
    return "HardFail";
  }
  if (s == "held") {
    return "Held";
  }
  if (s == "bounced") {
    return "Bounced";
  }
  return nullptr;
}

}  // namespace ark::admind::delivery
