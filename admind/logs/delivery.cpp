#include "admind/logs/delivery.h"

#include <ctime>

#include "admind/logs/postfix_log.h"
#include "admind/logs/postfix_reply.h"

namespace ark::admind::logs {
namespace {

// Classic syslog stamps have no year and are in the machine's local time. The year is
// the one that puts the stamp closest to now (a December line read in January belongs
// to the previous year).
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
    --year;
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

std::string endpoint(const Delivery& d) {
  std::string ep = d.relay_addr.empty() ? d.relay_host : d.relay_addr;
  if (d.relay_port) {
    ep += ":" + std::to_string(*d.relay_port);
  }
  return ep + " (" + d.relay_host + ")";
}

}  // namespace

std::optional<DeliveryLine> delivery_from_line(std::string_view line, int64_t now_us) {
  auto rec = parse_postfix_line(line);
  if (!rec) {
    return std::nullopt;
  }
  const auto* d = std::get_if<Delivery>(&rec->body);
  if (d == nullptr || rec->header.queue_id.empty()) {
    return std::nullopt;
  }
  DeliveryLine out;
  switch (d->status) {
    case DeliveryStatus::Sent:
      out.email_status = "sent";
      break;
    case DeliveryStatus::Deferred:
      out.email_status = "softfail";
      break;
    case DeliveryStatus::Bounced:
    case DeliveryStatus::Expired:
      out.email_status = "hardfail";
      break;
    case DeliveryStatus::Other:
      return std::nullopt;
  }
  SmtpReply reply = parse_reply_text(d->reply);
  out.queue_id = rec->header.queue_id;
  out.recipient = d->to;
  out.code = reply.code;
  out.dsn = !d->dsn.empty() ? d->dsn : reply.enhanced;
  out.remote_host = !reply.remote_host.empty() ? reply.remote_host : d->relay_host;
  out.output = d->reply;
  out.time_us = stamp_to_us(rec->header.time, now_us);
  if (out.email_status == "sent") {
    out.details = "Message for " + d->to + " accepted by " + endpoint(*d);
  } else {
    std::string code = reply.code ? std::to_string(*reply.code) + " " : "";
    out.details = code + (out.email_status == "softfail" ? "temporary failure" : "permanent failure") +
                  ": Delivery to " + d->to + " failed at " + endpoint(*d);
  }
  return out;
}

}  // namespace ark::admind::logs
