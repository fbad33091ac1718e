// What one delivery-agent log line says about one recipient, in the terms of the API's
// DeliveryAttempt (api.md §3.9, behaviour.md §1.6): Ark status, SMTP code, enhanced code,
// remote host, raw reply, classification and the `details` sentence.
//
// details (behaviour.md §1.6):
//   sent      "Message for {rcpt} accepted by {ip}:{port} ({hostname})"
//   failed    "{code} {classification words}: Delivery to {rcpt} failed at {ip}:{port}
//   ({hostname})"
//             ("{code} " is left out when the server never answered with one)
//   relay=none (no server reached): "Connection error: Could not connect to any mail server
//             for {domain}" (Postfix logs no host then, so remoteHost is null)
// output is the server's reply without Postfix's "host X said:" / "(in reply to ...)"
// wrapping ("550 5.1.1 No such user"), or Postfix's own text when no server replied.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "admind/delivery/classify.h"
#include "admind/logs/postfix_log.h"

namespace ark::admind::logs {

struct AttemptFacts {
  std::string queue_id;
  std::string recipient;  // the address as submitted: orig_to when logged, else to
  delivery::Outcome outcome = delivery::Outcome::Sent;
  std::string email_status;  // sent | softfail | hardfail
  std::optional<int> code;
  std::string enhanced;                    // RFC 3463 status, "" when unknown
  std::optional<std::string> remote_host;  // relay host name; nullopt for relay=none
  std::string output;
  std::string details;
  std::optional<delivery::Classification> classification;
  bool sent_with_ssl = false;
  double time_s = 0;    // seconds this attempt took (connection setup + transmission)
  double delay_s = 0;   // seconds since the message arrived
  int64_t time_us = 0;  // the line's time stamp
};

// nullopt unless the record is a delivery line with a queue id and a final or deferred
// status (sent, deferred, bounced, expired). now_us supplies the year that classic stamps
// lack; tls tells whether the line's connection used TLS (see tls_tracker.h).
std::optional<AttemptFacts> attempt_from_record(const LogRecord& rec, int64_t now_us, bool tls);

// Classic syslog stamps have no year and are in local time: the year is the one that puts
// the stamp nearest to now (a December line read in January belongs to the year before),
// so a stepped clock moves stamps by at most the step. RFC 3339 stamps are exact.
int64_t stamp_to_us(const LogTime& t, int64_t now_us);

// "{ip}:{port} ({hostname})" for a relay= value ("[{ipv6}]:{port} ..."); "" for relay=none.
std::string relay_endpoint(const Delivery& d);

}  // namespace ark::admind::logs
