// Payload parsers for parse_postfix_line; see postfix_fields.h and postfix_log.h.

#include "admind/logs/postfix_fields.h"

#include <array>
#include <utility>

namespace ark::admind::logs::fields {
namespace {

using scan::Scanner;

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || scan::is_digit(c) || c == '_' || c == '-';
}

bool is_word_char(char c) {
  return scan::is_alnum(c) || c == '-' || c == '_';
}

bool ends_angle(std::string_view r, size_t i) {
  if (i + 1 == r.size()) {
    return true;
  }
  char next = r[i + 1];
  return next == ',' || next == ' ' || next == ';' || next == ':';
}

// Index of the closing '>' of r (r[0] == '<'), or npos.
size_t find_angle_end(std::string_view r, bool honor_quotes) {
  bool quoted = false;
  for (size_t i = 1; i < r.size(); ++i) {
    char c = r[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
      continue;
    }
    if (c == '"' && honor_quotes) {
      quoted = true;
    } else if (c == '>' && ends_angle(r, i)) {
      return i;
    }
  }
  return std::string_view::npos;
}

// ", key=" follows: the parenthesised text ended and another field starts.
bool next_field_follows(std::string_view after) {
  Scanner s(after);
  if (!s.eat(", ")) {
    return false;
  }
  return !s.take_while(is_key_char).empty() && s.eat('=');
}

std::optional<int> to_port(std::string_view text) {
  std::optional<int64_t> v = scan::to_int(text);
  if (!v || *v > 65535) {
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

std::optional<int> to_small_int(std::string_view text) {
  std::optional<int64_t> v = scan::to_int(text);
  if (!v || *v > 2147483647) {
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// "0.09/0.01/0/0" -> Delays; nullopt unless there are exactly four numbers.
std::optional<Delays> parse_delays(std::string_view text) {
  std::array<double, 4> parts{};
  Scanner s(text);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0 && !s.eat('/')) {
      return std::nullopt;
    }
    std::optional<double> v = scan::to_double(s.take_until('/'));
    if (!v) {
      return std::nullopt;
    }
    parts[i] = *v;
  }
  if (!s.done()) {
    return std::nullopt;
  }
  return Delays{parts[0], parts[1], parts[2], parts[3]};
}

DeliveryStatus status_of(std::string_view word) {
  if (word == "sent") {
    return DeliveryStatus::Sent;
  }
  if (word == "deferred") {
    return DeliveryStatus::Deferred;
  }
  if (word == "bounced") {
    return DeliveryStatus::Bounced;
  }
  if (word == "expired") {
    return DeliveryStatus::Expired;
  }
  return DeliveryStatus::Other;
}

// A field value: "<...>" (brackets dropped) or the text up to the next ", ".
std::optional<std::string_view> take_field_value(Scanner& s) {
  if (s.peek() == '<') {
    return take_angle(s);
  }
  return s.take_until(", ");
}

// "status=" already consumed: "<word>[ (<reply>)]".
void take_status(Scanner& s, Delivery& d) {
  std::string_view word = s.take_while(is_word_char);
  d.status_word.assign(word);
  d.status = status_of(word);
  if (s.eat(" (")) {
    size_t used = 0;
    d.reply.assign(paren_text(s.rest(), &used));
    s.skip(used);
  }
}

void set_relay(std::string_view value, Delivery& d) {
  d.relay.assign(value);
  if (value == "none") {
    return;
  }
  Endpoint ep = split_endpoint(value);
  d.relay_host.assign(ep.name);
  d.relay_addr.assign(ep.addr);
  d.relay_port = ep.port;
}

void set_delivery_field(std::string_view key, std::string_view value, Delivery& d) {
  if (key == "to") {
    d.to.assign(value);
  } else if (key == "orig_to") {
    d.orig_to.emplace(value);
  } else if (key == "relay") {
    set_relay(value, d);
  } else if (key == "conn_use") {
    d.conn_use = to_small_int(value);
  } else if (key == "delay") {
    d.delay = scan::to_double(value);
  } else if (key == "delays") {
    d.delays = parse_delays(value);
  } else if (key == "dsn") {
    d.dsn.assign(value);
  }
  // Any other key: a field from a newer Postfix; skipped on purpose.
}

// The text between an action word and its "; from=<...> ..." list, e.g.
// "RCPT from unknown[127.0.0.1]: 554 5.7.1 <b@x>: Recipient address rejected: ..." or
// "header Subject: hold-me from unknown[127.0.0.1]".
void parse_action_detail(std::string_view detail, ActionContext& c) {
  Scanner s(detail);
  std::string_view stage = s.take_until(' ');
  c.stage.assign(stage);
  s.eat(' ');
  std::string_view rest = s.rest();
  bool checks =
      stage == "header" || stage == "body" || stage == "mime-header" || stage == "nested-header";
  if (checks) {
    size_t from = rest.rfind(" from ");
    c.content.assign(rest.substr(0, from));
    if (from != std::string_view::npos) {
      c.client.assign(rest.substr(from + 6));
    }
    return;
  }
  if (!s.eat("from ")) {
    c.reply.assign(rest);
    return;
  }
  c.client.assign(s.take_until(": "));
  s.eat(": ");
  c.reply.assign(s.rest());
}

// "from=<f> to=<t> proto=ESMTP helo=<h>[: text]"
void parse_action_list(std::string_view list, ActionContext& c) {
  Scanner s(list);
  while (!s.done()) {
    if (s.eat(": ")) {
      c.text.assign(s.take_rest());
      return;
    }
    s.eat(' ');
    std::string_view key = s.take_while(is_key_char);
    if (key.empty() || !s.eat('=')) {
      return;
    }
    std::optional<std::string_view> value =
        s.peek() == '<' ? take_angle(s) : s.take_while([](char ch) { return ch != ' '; });
    if (!value) {
      return;
    }
    if (key == "from") {
      c.from.assign(*value);
    } else if (key == "to") {
      c.to.assign(*value);
    } else if (key == "proto") {
      c.proto.assign(*value);
    } else if (key == "helo") {
      c.helo.assign(*value);
    }
  }
}

}  // namespace

std::optional<std::string_view> take_angle(Scanner& s) {
  std::string_view r = s.rest();
  if (r.empty() || r.front() != '<') {
    return std::nullopt;
  }
  size_t end = find_angle_end(r, true);
  if (end == std::string_view::npos) {
    end = find_angle_end(r, false);  // an unbalanced '"' inside: ignore quoting
  }
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  s.skip(end + 1);
  return r.substr(1, end - 1);
}

Endpoint split_endpoint(std::string_view text) {
  size_t open = text.find('[');
  if (open == std::string_view::npos) {
    return {text, {}, std::nullopt};
  }
  size_t close = text.find(']', open);
  if (close == std::string_view::npos) {
    return {text.substr(0, open), text.substr(open + 1), std::nullopt};
  }
  Endpoint ep{text.substr(0, open), text.substr(open + 1, close - open - 1), std::nullopt};
  if (close + 1 < text.size() && text[close + 1] == ':') {
    ep.port = to_port(text.substr(close + 2));
  }
  return ep;
}

std::string_view paren_text(std::string_view text, size_t* consumed) {
  size_t depth = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')' && --depth == 0) {
      std::string_view after = text.substr(i + 1);
      if (after.empty() || next_field_follows(after)) {
        *consumed = i + 1;
        return text.substr(0, i);
      }
      break;
    }
  }
  *consumed = text.size();
  if (!text.empty() && text.back() == ')') {
    return text.substr(0, text.size() - 1);
  }
  return text;
}

std::optional<RecordBody> parse_delivery(std::string_view payload) {
  Scanner s(payload);
  Delivery d;
  bool have_to = false;
  bool have_status = false;
  while (!s.done()) {
    std::string_view key = s.take_while(is_key_char);
    if (key.empty() || !s.eat('=')) {
      break;
    }
    if (key == "status") {
      take_status(s, d);
      have_status = !d.status_word.empty();
    } else {
      std::optional<std::string_view> value = take_field_value(s);
      if (!value) {
        break;
      }
      have_to = have_to || key == "to";
      set_delivery_field(key, *value, d);
    }
    if (!s.eat(", ")) {
      break;
    }
  }
  if (!have_to || !have_status) {
    return std::nullopt;
  }
  return d;
}

std::optional<RecordBody> parse_qmgr_from(std::string_view payload) {
  Scanner s(payload);
  std::optional<std::string_view> from;
  if (!s.eat("from=") || !(from = take_angle(s))) {
    return std::nullopt;
  }
  QmgrFrom q{std::string(*from), std::nullopt, std::nullopt};
  while (s.eat(", ")) {
    std::string_view key = s.take_while(is_key_char);
    if (key.empty() || !s.eat('=')) {
      break;
    }
    if (key == "status") {
      std::string_view word = s.take_while(is_word_char);
      if (word == "expired" || word == "force-expired") {
        return Expired{std::move(q.from), word == "force-expired"};
      }
      return std::nullopt;
    }
    std::string_view value = s.take_while([](char c) { return c != ',' && c != ' '; });
    if (key == "size") {
      q.size = scan::to_int(value);
    } else if (key == "nrcpt") {
      q.nrcpt = to_small_int(value);
    }
  }
  return q;
}

std::optional<RecordBody> parse_smtpd_client(std::string_view payload) {
  Scanner s(payload);
  SmtpdClient c;
  bool have_client = false;
  do {
    std::string_view key = s.take_while(is_key_char);
    if (key.empty() || !s.eat('=')) {
      break;
    }
    std::string_view value = s.take_until(", ");
    if (key == "client") {
      have_client = true;
      c.client.assign(value);
      Endpoint ep = split_endpoint(value);
      c.client_name.assign(ep.name);
      c.client_addr.assign(ep.addr);
      c.client_port = ep.port;
    } else if (key == "sasl_method") {
      c.sasl_method.assign(value);
    } else if (key == "sasl_username") {
      c.sasl_username.assign(value);
    } else if (key == "sasl_sender") {
      c.sasl_sender.assign(value);
    }
  } while (s.eat(", "));
  if (!have_client || c.client.empty()) {
    return std::nullopt;
  }
  return c;
}

std::optional<RecordBody> parse_pickup(std::string_view payload) {
  Scanner s(payload);
  Pickup p;
  bool have_from = false;
  do {
    std::string_view key = s.take_while(is_key_char);
    if (key.empty() || !s.eat('=')) {
      break;
    }
    std::optional<std::string_view> value = s.peek() == '<' ? take_angle(s) : s.take_until(' ');
    if (!value) {
      break;
    }
    if (key == "uid") {
      p.uid = scan::to_int(*value);
    } else if (key == "from") {
      have_from = true;
      p.from.assign(*value);
    }
  } while (s.eat(' '));
  if (!have_from) {
    return std::nullopt;
  }
  return p;
}

std::optional<RecordBody> parse_bounce_notice(std::string_view payload) {
  Scanner s(payload);
  BounceNotice n;
  if (s.eat("postmaster ")) {
    n.to_postmaster = true;
  } else if (!s.eat("sender ")) {
    return std::nullopt;
  }
  if (s.eat("non-delivery")) {
    n.kind = NoticeKind::NonDelivery;
  } else if (s.eat("delay")) {
    n.kind = NoticeKind::Delay;
  } else if (s.eat("delivery status")) {
    n.kind = NoticeKind::DeliveryStatus;
  } else {
    return std::nullopt;
  }
  if (!s.eat(" notification: ") || !is_queue_id(s.rest())) {
    return std::nullopt;
  }
  n.notice_queue_id.assign(s.rest());
  return n;
}

ActionContext parse_action_context(std::string_view text) {
  ActionContext c;
  size_t list = std::string_view::npos;
  for (std::string_view key : {"; from=<", "; to=<", "; proto=", "; helo=<"}) {
    list = text.rfind(key);
    if (list != std::string_view::npos) {
      break;
    }
  }
  parse_action_detail(text.substr(0, list), c);
  if (list != std::string_view::npos) {
    parse_action_list(text.substr(list + 2), c);
  }
  return c;
}

std::optional<RecordBody> parse_action(std::string_view payload) {
  Scanner s(payload);
  std::string_view action = s.take_while(is_word_char);
  if (!s.eat(": ")) {
    return std::nullopt;
  }
  bool milter = action.substr(0, 7) == "milter-";
  if (milter) {
    action.remove_prefix(7);
  }
  if (action != "reject" && action != "discard" && action != "hold") {
    return std::nullopt;  // warning:, reject_warning:, redirect:, filter:, info: ...
  }
  ActionContext context = parse_action_context(s.rest());
  if (context.stage.empty()) {
    return std::nullopt;  // "reject: ; from=<..." and the like: nothing to report
  }
  if (action == "reject") {
    return Reject{milter, std::move(context)};
  }
  if (action == "discard") {
    return Discard{milter, std::move(context)};
  }
  return Hold{false, std::move(context)};
}

}  // namespace ark::admind::logs::fields
