// describe(): the stable one-line text form of a LogRecord (golden files, debug logs).
// The format is part of the golden tests: change it only together with the .expected files.

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "admind/logs/postfix_log.h"
#include "admind/logs/postfix_reply.h"

namespace ark::admind::logs {
namespace {

bool is_plain(char c) {
  return c > ' ' && c <= '~' && c != '"' && c != '\\';
}

// Appends `key=value` pairs; free text is quoted and escaped so one record is one line.
class Line {
 public:
  std::string take() { return std::move(s_); }

  void raw(std::string_view text) { s_.append(text); }

  void escaped(std::string_view text) {
    for (char c : text) {
      if (c == '"' || c == '\\') {
        s_.push_back('\\');
        s_.push_back(c);
      } else if (c >= ' ' && c <= '~') {
        s_.push_back(c);
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(c));
        s_.append(buf);
      }
    }
  }

  // key=value, quoted when the value is empty or has anything but plain printable ASCII.
  void field(std::string_view key, std::string_view value) {
    s_.push_back(' ');
    s_.append(key);
    s_.push_back('=');
    bool plain = !value.empty();
    for (char c : value) {
      plain = plain && is_plain(c);
    }
    if (plain) {
      s_.append(value);
      return;
    }
    s_.push_back('"');
    escaped(value);
    s_.push_back('"');
  }

  void field_if(std::string_view key, std::string_view value) {
    if (!value.empty()) {
      field(key, value);
    }
  }

  // key=<address>, the form Postfix logs.
  void address(std::string_view key, std::string_view value) {
    s_.push_back(' ');
    s_.append(key);
    s_.append("=<");
    escaped(value);
    s_.push_back('>');
  }

  void number(std::string_view key, double value) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    field(key, ec == std::errc() ? std::string_view(buf, end - buf) : "?");
  }
  void number(std::string_view key, int64_t value) { field(key, std::to_string(value)); }

  template <typename T>
  void number_if(std::string_view key, const std::optional<T>& value) {
    if (value) {
      number(key, static_cast<std::conditional_t<std::is_integral_v<T>, int64_t, double>>(*value));
    }
  }

 private:
  std::string s_;
};

void describe_time(const LogTime& t, Line& out) {
  char buf[48];
  int n = t.year != 0 ? std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year,
                                      t.month, t.day, t.hour, t.minute, t.second)
                      : std::snprintf(buf, sizeof buf, "%02d-%02dT%02d:%02d:%02d", t.month, t.day,
                                      t.hour, t.minute, t.second);
  out.raw(std::string_view(buf, static_cast<size_t>(n)));
  if (t.micros != 0) {
    n = std::snprintf(buf, sizeof buf, ".%06d", t.micros);
    out.raw(std::string_view(buf, static_cast<size_t>(n)));
  }
  if (t.utc_offset_minutes) {
    int off = *t.utc_offset_minutes;
    n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", off < 0 ? '-' : '+', std::abs(off) / 60,
                      std::abs(off) % 60);
    out.raw(std::string_view(buf, static_cast<size_t>(n)));
  }
}

void describe_header(const LineHeader& h, Line& out) {
  describe_time(h.time, out);
  out.raw(" ");
  out.escaped(h.host);
  out.raw(" ");
  out.escaped(h.syslog_name);
  out.raw("/");
  out.escaped(h.service);
  out.raw("[" + std::to_string(h.pid) + "] ");
  out.raw(h.queue_id.empty() ? std::string_view("NOQUEUE") : std::string_view(h.queue_id));
}

void describe_reply(std::string_view reply, Line& out) {
  SmtpReply r = parse_reply_text(reply);
  out.number_if("code", r.code);
  out.field_if("enhanced", r.enhanced);
  out.field_if("remote_host", r.remote_host);
  out.field_if("remote_addr", r.remote_addr);
  out.field_if("in_reply_to", r.in_reply_to);
  out.field_if("queued_as", r.queued_as);
}

void describe_delivery(const Delivery& d, Line& out) {
  out.raw(" delivery");
  out.address("to", d.to);
  if (d.orig_to) {
    out.address("orig_to", *d.orig_to);
  }
  out.field_if("relay", d.relay);
  out.field_if("relay_host", d.relay_host);
  out.field_if("relay_addr", d.relay_addr);
  out.number_if("relay_port", d.relay_port);
  out.number_if("conn_use", d.conn_use);
  out.number_if("delay", d.delay);
  if (d.delays) {
    const Delays& x = *d.delays;
    std::string parts;
    for (double v : {x.before_qmgr, x.in_qmgr, x.conn_setup, x.transmission}) {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
      parts.append(parts.empty() ? "" : "/").append(buf, ec == std::errc() ? end : buf);
    }
    out.field("delays", parts);
  }
  out.field_if("dsn", d.dsn);
  out.field("status", to_string(d.status));
  if (d.status_word != to_string(d.status)) {
    out.field("status_word", d.status_word);
  }
  out.field("reply", d.reply);
  describe_reply(d.reply, out);
}

void describe_context(const ActionContext& c, Line& out) {
  out.field_if("stage", c.stage);
  out.field_if("content", c.content);
  out.field_if("client", c.client);
  out.field_if("reply", c.reply);
  out.address("from", c.from);
  out.address("to", c.to);
  out.field_if("proto", c.proto);
  out.field_if("helo", c.helo);
  out.field_if("text", c.text);
}

// One overload per record kind, called through std::visit.
struct BodyWriter {
  Line& out;

  void operator()(const Delivery& d) const { describe_delivery(d, out); }
  void operator()(const MessageId& m) const {
    out.raw(m.resent ? " resent-message-id" : " message-id");
    out.field("id", m.message_id);
  }
  void operator()(const QmgrFrom& q) const {
    out.raw(" qmgr-from");
    out.address("from", q.from);
    out.number_if("size", q.size);
    out.number_if("nrcpt", q.nrcpt);
  }
  void operator()(const Removed& r) const {
    out.raw(r.by_operator ? " removed by_operator=yes" : " removed");
  }
  void operator()(const Expired& e) const {
    out.raw(e.forced ? " expired forced=yes" : " expired");
    out.address("from", e.from);
  }
  void operator()(const ForceExpire&) const { out.raw(" force-expire"); }
  void operator()(const BounceNotice& n) const {
    out.raw(" bounce-notice");
    out.field("kind", to_string(n.kind));
    out.field("to", n.to_postmaster ? "postmaster" : "sender");
    out.field("notice_qid", n.notice_queue_id);
  }
  void operator()(const SmtpdClient& c) const {
    out.raw(" client");
    out.field("client", c.client);
    out.field_if("name", c.client_name);
    out.field_if("addr", c.client_addr);
    out.number_if("port", c.client_port);
    out.field_if("sasl_method", c.sasl_method);
    out.field_if("sasl_username", c.sasl_username);
    out.field_if("sasl_sender", c.sasl_sender);
  }
  void operator()(const Hold& h) const {
    out.raw(h.by_operator ? " hold by_operator=yes" : " hold");
    if (h.context) {
      describe_context(*h.context, out);
    }
  }
  void operator()(const Release&) const { out.raw(" release"); }
  void operator()(const Reject& r) const {
    out.raw(r.milter ? " reject milter=yes" : " reject");
    describe_context(r.context, out);
  }
  void operator()(const Discard& d) const {
    out.raw(d.milter ? " discard milter=yes" : " discard");
    describe_context(d.context, out);
  }
  void operator()(const Pickup& p) const {
    out.raw(" pickup");
    out.number_if("uid", p.uid);
    out.address("from", p.from);
  }
};

}  // namespace

std::string describe(const LogRecord& record) {
  Line out;
  describe_header(record.header, out);
  std::visit(BodyWriter{out}, record.body);
  return out.take();
}

}  // namespace ark::admind::logs
