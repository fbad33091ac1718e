// Delivery line -> attempt facts; see delivery.h.
#include "admind/logs/delivery.h"

#include <ctime>

#include "admind/logs/postfix_reply.h"

namespace ark::admind::logs {
namespace {

using delivery::Outcome;

std::optional<Outcome> outcome_of(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::Sent:
      return Outcome::Sent;
    case DeliveryStatus::Deferred:
      return Outcome::Deferred;
    case DeliveryStatus::Bounced:
      return Outcome::Bounced;
    case DeliveryStatus::Expired:
      return Outcome::Expired;
    case DeliveryStatus::Other:
      break;
  }
  return std::nullopt;
}

const char* status_of(Outcome o) {
  switch (o) {
    case Outcome::Sent:
      return "sent";
    case Outcome::Deferred:
      return "softfail";
    case Outcome::Bounced:
    case Outcome::Expired:
      break;
  }
  return "hardfail";
}

// The server's reply as it said it, or Postfix's own words when there was none.
std::string output_of(const Delivery& d, const SmtpReply& r) {
  if (!r.code) {
    return d.reply;
  }
  std::string out = std::to_string(*r.code);
  if (!r.enhanced.empty()) {
    out += " " + r.enhanced;
  }
  if (!r.text.empty()) {
    out += " " + r.text;
  }
  return out;
}

std::string domain_of(std::string_view address) {
  size_t at = address.rfind('@');
  return std::string(at == std::string_view::npos ? address : address.substr(at + 1));
}

std::string details_of(const AttemptFacts& a, const Delivery& d) {
  if (a.outcome == Outcome::Sent) {
    return "Message for " + a.recipient + " accepted by " + relay_endpoint(d);
  }
  if (!a.remote_host) {
    return "Connection error: Could not connect to any mail server for " + domain_of(a.recipient);
  }
  std::string words = a.classification ? delivery::classification_words(a.classification->name)
                                       : std::string("unclassified");
  std::string code = a.code ? std::to_string(*a.code) + " " : "";
  return code + words + ": Delivery to " + a.recipient + " failed at " + relay_endpoint(d);
}

double attempt_seconds(const Delivery& d) {
  if (d.delays) {
    return d.delays->conn_setup + d.delays->transmission;
  }
  return 0;
}

}  // namespace

int64_t stamp_to_us(const LogTime& t, int64_t now_us) {
  std::tm tm{};
  tm.tm_mon = t.month - 1;
  tm.tm_mday = t.day;
  tm.tm_hour = t.hour;
  tm.tm_min = t.minute;
  tm.tm_sec = t.second;
  tm.tm_isdst = -1;
  time_t now_s = static_cast<time_t>(now_us / 1000000);
  std::tm now_tm{};
  localtime_r(&now_s, &now_tm);
  int year = t.year != 0 ? t.year : now_tm.tm_year + 1900;
  if (t.year == 0 && t.month - 1 > now_tm.tm_mon + 1) {
    --year;  // e.g. a December stamp read in January
  } else if (t.year == 0 && t.month - 1 < now_tm.tm_mon - 10) {
    ++year;  // a January stamp read in December: the clock runs behind the log
  }
  tm.tm_year = year - 1900;
  time_t s;
  if (t.utc_offset_minutes) {
    s = timegm(&tm) - static_cast<time_t>(*t.utc_offset_minutes) * 60;
  } else {
    s = mktime(&tm);
  }
  return static_cast<int64_t>(s) * 1000000 + t.micros;
}

std::string relay_endpoint(const Delivery& d) {
  if (d.relay_host.empty() || d.relay == "none") {
    return "";
  }
  std::string ep = d.relay_addr.empty() ? d.relay_host : d.relay_addr;
  if (d.relay_port && ep.find(':') != std::string::npos) {
    ep = "[" + ep + "]";  // an IPv6 address: keep the port readable
  }
  if (d.relay_port) {
    ep += ":" + std::to_string(*d.relay_port);
  }
  return ep + " (" + d.relay_host + ")";
}

std::optional<AttemptFacts> attempt_from_record(const LogRecord& rec, int64_t now_us, bool tls) {
  const auto* d = std::get_if<Delivery>(&rec.body);
  if (d == nullptr || rec.header.queue_id.empty()) {
    return std::nullopt;
  }
  auto outcome = outcome_of(d->status);
  if (!outcome) {
    return std::nullopt;
  }
  SmtpReply reply = parse_reply_text(d->reply);
  AttemptFacts a;
  a.queue_id = rec.header.queue_id;
  a.recipient = d->orig_to ? *d->orig_to : d->to;
  a.outcome = *outcome;
  a.email_status = status_of(*outcome);
  a.code = reply.code;
  a.enhanced = !d->dsn.empty() ? d->dsn : reply.enhanced;
  bool no_relay = d->relay_host.empty() || d->relay == "none";
  if (!no_relay) {
    a.remote_host = d->relay_host;
  }
  a.output = output_of(*d, reply);
  a.classification = delivery::classify(
      {*outcome, a.enhanced, reply.code, reply.code ? reply.text : d->reply, no_relay});
  a.sent_with_ssl = tls && !no_relay;
  a.time_s = attempt_seconds(*d);
  a.delay_s = d->delay.value_or(0);
  a.time_us = stamp_to_us(rec.header.time, now_us);
  a.details = details_of(a, *d);
  return a;
}

}  // namespace ark::admind::logs
