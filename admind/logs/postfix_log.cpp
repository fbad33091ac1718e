// Postfix log-line parser: the line header and the dispatch to one payload parser per record.
// See postfix_log.h for the formats and the contract (pure, total, linear, no throw).

#include "admind/logs/postfix_log.h"

#include <array>

#include "admind/logs/postfix_fields.h"
#include "admind/logs/text_scan.h"

namespace ark::admind::logs {
namespace {

using scan::Scanner;

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// "HH:MM:SS[.fraction]"; the fraction keeps its first six digits as microseconds.
bool parse_clock(Scanner& s, LogTime& t) {
  auto hour = s.take_digits(2, 2);
  if (!hour || !s.eat(':')) {
    return false;
  }
  auto minute = s.take_digits(2, 2);
  if (!minute || !s.eat(':')) {
    return false;
  }
  auto second = s.take_digits(2, 2);
  if (!second || *hour > 23 || *minute > 59 || *second > 60) {
    return false;
  }
  t.hour = *hour;
  t.minute = *minute;
  t.second = *second;
  if (s.eat('.')) {
    std::string_view frac = s.take_while(scan::is_digit);
    if (frac.empty()) {
      return false;
    }
    int micros = 0;
    for (size_t i = 0; i < 6; ++i) {
      micros = micros * 10 + (i < frac.size() ? frac[i] - '0' : 0);
    }
    t.micros = micros;
  }
  return true;
}

// "Nov 29 01:50:44", "Nov  9 01:50:44" (syslog pads the day with a space).
bool parse_classic_stamp(Scanner& s, LogTime& t) {
  std::string_view name = s.rest().substr(0, 3);
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (name == kMonths[i]) {
      t.month = static_cast<int>(i) + 1;
    }
  }
  if (t.month == 0) {
    return false;
  }
  s.skip(3);
  if (!s.eat(' ')) {
    return false;
  }
  s.eat(' ');
  auto day = s.take_digits(1, 2);
  if (!day || *day < 1 || *day > 31 || !s.eat(' ')) {
    return false;
  }
  t.day = *day;
  return parse_clock(s, t);
}

// "2024-11-29T01:50:44.123456+01:00" or "...Z".
bool parse_rfc3339_stamp(Scanner& s, LogTime& t) {
  auto year = s.take_digits(4, 4);
  if (!year || !s.eat('-')) {
    return false;
  }
  auto month = s.take_digits(2, 2);
  if (!month || !s.eat('-')) {
    return false;
  }
  auto day = s.take_digits(2, 2);
  if (!day || !s.eat('T') || *month < 1 || *month > 12 || *day < 1 || *day > 31) {
    return false;
  }
  t.year = *year;
  t.month = *month;
  t.day = *day;
  if (!parse_clock(s, t)) {
    return false;
  }
  if (s.eat('Z')) {
    t.utc_offset_minutes = 0;
    return true;
  }
  int sign = s.eat('+') ? 1 : (s.eat('-') ? -1 : 0);
  auto oh = s.take_digits(2, 2);
  if (sign == 0 || !oh || !s.eat(':')) {
    return false;
  }
  auto om = s.take_digits(2, 2);
  if (!om || *oh > 23 || *om > 59) {
    return false;
  }
  t.utc_offset_minutes = sign * (*oh * 60 + *om);
  return true;
}

bool parse_stamp(Scanner& s, LogTime& t) {
  if (scan::is_digit(s.peek())) {
    return parse_rfc3339_stamp(s, t);
  }
  return parse_classic_stamp(s, t);
}

// "postfix/submission/smtpd[6395]: " -> syslog_name, service, pid.
bool parse_program(Scanner& s, LineHeader& h) {
  std::string_view program = s.take_while([](char c) { return c != '[' && c != ' '; });
  size_t slash = program.find('/');
  if (slash == std::string_view::npos || slash + 1 == program.size() ||
      program.substr(0, 7) != "postfix" || !s.eat('[')) {
    return false;
  }
  auto pid = s.take_digits(1, 9);
  if (!pid || !s.eat("]: ")) {
    return false;
  }
  h.syslog_name.assign(program.substr(0, slash));
  h.service.assign(program.substr(slash + 1));
  h.pid = *pid;
  return true;
}

std::optional<RecordBody> parse_postsuper(std::string_view payload) {
  if (payload == "placed on hold") {
    return Hold{true, std::nullopt};
  }
  if (payload == "released from hold") {
    return Release{};
  }
  if (payload == "expired") {
    return ForceExpire{};
  }
  return std::nullopt;
}

std::optional<RecordBody> parse_message_id(std::string_view payload) {
  Scanner s(payload);
  bool resent = s.eat("resent-");
  if (!s.eat("message-id=")) {
    return std::nullopt;
  }
  return MessageId{std::string(s.rest()), resent};
}

std::optional<RecordBody> parse_payload(const LineHeader& h, std::string_view payload) {
  Scanner s(payload);
  if (s.starts_with("to=<")) {
    return fields::parse_delivery(payload);
  }
  if (s.starts_with("from=<")) {
    return fields::parse_qmgr_from(payload);
  }
  if (s.starts_with("message-id=") || s.starts_with("resent-message-id=")) {
    return parse_message_id(payload);
  }
  if (payload == "removed") {
    return Removed{h.daemon() == "postsuper"};
  }
  if (s.starts_with("client=")) {
    return fields::parse_smtpd_client(payload);
  }
  if (s.starts_with("uid=")) {
    return fields::parse_pickup(payload);
  }
  if (h.daemon() == "postsuper") {
    return parse_postsuper(payload);
  }
  if (auto notice = fields::parse_bounce_notice(payload)) {
    return notice;
  }
  return fields::parse_action(payload);
}

}  // namespace

std::string_view LineHeader::daemon() const {
  std::string_view s = service;
  size_t slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

bool is_queue_id(std::string_view id) {
  if (id.size() < 6 || id.size() > 32) {
    return false;
  }
  bool short_id = true;
  bool long_id = id.size() >= 10;
  for (char c : id) {
    short_id = short_id && (scan::is_digit(c) || (c >= 'A' && c <= 'F'));
    bool vowel = std::string_view("AEIOUaeiou").find(c) != std::string_view::npos;
    long_id = long_id && scan::is_alnum(c) && !vowel;
  }
  return short_id || long_id;
}

std::optional<LineHeader> parse_line_header(std::string_view line, std::string_view* payload) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  Scanner s(line);
  LineHeader h;
  if (!parse_stamp(s, h.time) || !s.eat(' ')) {
    return std::nullopt;
  }
  std::string_view host = s.take_until(' ');
  if (host.empty() || !s.eat(' ') || !parse_program(s, h)) {
    return std::nullopt;
  }
  std::string_view qid = s.take_while(scan::is_alnum);
  if (!s.eat(": ") || (qid != "NOQUEUE" && !is_queue_id(qid))) {
    return std::nullopt;
  }
  h.host.assign(host);
  if (qid != "NOQUEUE") {
    h.queue_id.assign(qid);
  }
  if (payload != nullptr) {
    *payload = s.rest();
  }
  return h;
}

std::optional<TlsConnection> parse_tls_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  Scanner s(line);
  LineHeader h;
  if (!parse_stamp(s, h.time) || !s.eat(' ')) {
    return std::nullopt;
  }
  std::string_view host = s.take_until(' ');
  if (host.empty() || !s.eat(' ') || !parse_program(s, h)) {
    return std::nullopt;
  }
  std::string_view trust = s.take_until(' ');
  if (trust != "Anonymous" && trust != "Untrusted" && trust != "Trusted" && trust != "Verified") {
    return std::nullopt;
  }
  if (!s.eat(" TLS connection established to ")) {
    return std::nullopt;
  }
  std::string_view rest = s.rest();
  size_t end = rest.find("]:");
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  size_t colon = rest.find(':', end + 2);
  if (colon == std::string_view::npos || colon == end + 2) {
    return std::nullopt;
  }
  return TlsConnection{h.service, h.pid, std::string(rest.substr(0, colon)), std::string(trust)};
}

std::optional<LogRecord> parse_postfix_line(std::string_view line) {
  std::string_view payload;
  std::optional<LineHeader> header = parse_line_header(line, &payload);
  if (!header) {
    return std::nullopt;
  }
  std::optional<RecordBody> body = parse_payload(*header, payload);
  if (!body) {
    return std::nullopt;
  }
  return LogRecord{std::move(*header), std::move(*body)};
}

const char* to_string(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::Sent:
      return "sent";
    case DeliveryStatus::Deferred:
      return "deferred";
    case DeliveryStatus::Bounced:
      return "bounced";
    case DeliveryStatus::Expired:
      return "expired";
    case DeliveryStatus::Other:
      return "other";
  }
  return "other";
}

const char* to_string(NoticeKind kind) {
  switch (kind) {
    case NoticeKind::NonDelivery:
      return "non-delivery";
    case NoticeKind::Delay:
      return "delay";
    case NoticeKind::DeliveryStatus:
      return "delivery-status";
  }
  return "non-delivery";
}

}  // namespace ark::admind::logs
