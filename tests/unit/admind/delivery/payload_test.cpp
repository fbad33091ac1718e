// Outbox payloads (admind/delivery/payload.h): field names, types and nulls of
// behaviour.md §3.3.
#include "admind/delivery/payload.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace ark::admind::delivery {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

MessageFacts message() {
  MessageFacts m;
  m.id = 42;
  m.token = "aBc123XyZ4567890";
  m.message_id = "<msgX@ark.localhost>";
  m.to = "jo@example.com";
  m.from = "Acme <hello@acme.test>";
  m.subject = "Welcome";
  m.timestamp_us = 1705312190123456;
  m.metadata_json = R"({"order":"17"})";
  return m;
}

TEST(Payload, SentHasNoClassificationFields) {
  DeliveryEventFacts e;
  e.status = "Sent";
  e.details = "Message for jo@example.com accepted by 192.0.2.1:25 (mx.example.com)";
  e.output = "250 2.0.0 OK";
  e.sent_with_ssl = true;
  e.timestamp_us = 1705312191500000;
  e.time_s = 2.11;
  auto o = parse(delivery_event_payload(message(), e));
  EXPECT_EQ(o->getValue<std::string>("status"), "Sent");
  EXPECT_EQ(o->getValue<std::string>("output"), "250 2.0.0 OK");
  EXPECT_TRUE(o->getValue<bool>("sent_with_ssl"));
  EXPECT_DOUBLE_EQ(o->getValue<double>("timestamp"), 1705312191.5);
  EXPECT_DOUBLE_EQ(o->getValue<double>("time"), 2.11);
  EXPECT_FALSE(o->has("classification"));
  auto m = o->getObject("message");
  EXPECT_EQ(m->getValue<int64_t>("id"), 42);
  EXPECT_EQ(m->getValue<std::string>("token"), "aBc123XyZ4567890");
  EXPECT_EQ(m->getValue<std::string>("direction"), "outgoing");
  EXPECT_EQ(m->getValue<std::string>("message_id"), "<msgX@ark.localhost>");
  EXPECT_EQ(m->getValue<std::string>("spam_status"), "NotChecked");
  EXPECT_TRUE(m->isNull("tag"));
  EXPECT_EQ(m->getObject("metadata")->getValue<std::string>("order"), "17");
  EXPECT_NEAR(m->getValue<double>("timestamp"), 1705312190.123456, 1e-6);
}

TEST(Payload, DelayedCarriesTheFourClassificationFieldsNullable) {
  DeliveryEventFacts e;
  e.status = "SoftFail";
  e.with_classification = true;
  e.classification = Classification{"temporarily_unavailable", 42};
  e.smtp_enhanced_code = "4.2.0";
  auto o = parse(delivery_event_payload(message(), e));
  EXPECT_EQ(o->getValue<std::string>("classification"), "temporarily_unavailable");
  EXPECT_EQ(o->getValue<int>("classification_code"), 42);
  EXPECT_EQ(o->getValue<std::string>("smtp_enhanced_code"), "4.2.0");
  EXPECT_TRUE(o->has("remote_host"));
  EXPECT_TRUE(o->isNull("remote_host"));
}

TEST(Payload, BouncedHasOriginalAndBounceMessages) {
  MessageFacts bounce;
  bounce.id = 7;
  bounce.token = "bnc";
  bounce.direction = "incoming";
  bounce.subject = "Undelivered Mail Returned to Sender";
  auto o = parse(bounced_event_payload(message(), bounce));
  EXPECT_EQ(o->getObject("original_message")->getValue<std::string>("token"), "aBc123XyZ4567890");
  EXPECT_EQ(o->getObject("bounce")->getValue<std::string>("direction"), "incoming");
  EXPECT_TRUE(o->getObject("bounce")->isNull("metadata"));
}

TEST(Payload, EventTypes) {
  EXPECT_STREQ(event_type_for("sent"), "MessageSent");
  EXPECT_STREQ(event_type_for("softfail"), "MessageDelayed");
  EXPECT_STREQ(event_type_for("hardfail"), "MessageDeliveryFailed");
  EXPECT_STREQ(event_type_for("held"), "MessageHeld");
  EXPECT_STREQ(event_type_for("bounced"), "MessageBounced");
  EXPECT_EQ(event_type_for("pending"), nullptr);
  EXPECT_STREQ(payload_status_for("hardfail"), "HardFail");
}

}  // namespace
}  // namespace ark::admind::delivery
