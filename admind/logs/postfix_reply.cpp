// Reply-text reader for Postfix delivery lines; see postfix_reply.h.

#include "admind/logs/postfix_reply.h"

#include "admind/logs/text_scan.h"

namespace ark::admind::logs {
namespace {

using scan::Scanner;

// "name[addr]" at the cursor; nothing is kept unless both parts are there.
bool take_remote(Scanner& s, SmtpReply& r) {
  Scanner probe = s;
  std::string_view name = probe.take_while([](char c) { return c != '[' && c != ' '; });
  if (!probe.eat('[')) {
    return false;
  }
  std::string_view addr = probe.take_until(']');
  if (!probe.eat(']')) {
    return false;
  }
  r.remote_host.assign(name);
  r.remote_addr.assign(addr);
  s = probe;
  return true;
}

// "550" followed by ' ', '-' or the end.
std::optional<int> take_smtp_code(Scanner& s) {
  std::string_view r = s.rest();
  if (r.size() < 3 || r[0] < '2' || r[0] > '5' || !scan::is_digit(r[1]) || !scan::is_digit(r[2])) {
    return std::nullopt;
  }
  if (r.size() > 3 && r[3] != ' ' && r[3] != '-') {
    return std::nullopt;
  }
  s.skip(3);
  return (r[0] - '0') * 100 + (r[1] - '0') * 10 + (r[2] - '0');
}

// "5.1.1" followed by ' ' or the end; class 2, 4 or 5, then 1-3 digits twice.
std::string_view take_enhanced(Scanner& s) {
  Scanner probe = s;
  char cls = probe.peek();
  if ((cls != '2' && cls != '4' && cls != '5') || !probe.take_digits(1, 1) || !probe.eat('.') ||
      !probe.take_digits(1, 3) || !probe.eat('.') || !probe.take_digits(1, 3)) {
    return {};
  }
  if (!probe.done() && probe.peek() != ' ') {
    return {};
  }
  std::string_view code = s.rest().substr(0, probe.pos() - s.pos());
  s = probe;
  return code;
}

// Drops a trailing "(in reply to X command)" from text, keeping X.
std::string_view strip_in_reply_to(std::string_view text, SmtpReply& r) {
  constexpr std::string_view kOpen = "(in reply to ";
  constexpr std::string_view kClose = " command)";
  size_t open = text.rfind(kOpen);
  if (open == std::string_view::npos || text.size() < kClose.size() ||
      text.substr(text.size() - kClose.size()) != kClose ||
      open + kOpen.size() > text.size() - kClose.size()) {
    return text;
  }
  size_t start = open + kOpen.size();
  r.in_reply_to.assign(text.substr(start, text.size() - kClose.size() - start));
  text = text.substr(0, open);
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  return text;
}

void take_queued_as(std::string_view text, SmtpReply& r) {
  constexpr std::string_view kQueuedAs = "queued as ";
  size_t at = text.find(kQueuedAs);
  if (at == std::string_view::npos) {
    return;
  }
  Scanner s(text.substr(at + kQueuedAs.size()));
  r.queued_as.assign(s.take_while(scan::is_alnum));
}

// A server reply: "550 5.1.1 text (in reply to RCPT TO command)".
void read_server_reply(std::string_view text, SmtpReply& r) {
  Scanner s(text);
  r.code = take_smtp_code(s);
  if (r.code) {
    s.eat(' ');
    s.eat('-');
  }
  std::string_view enhanced = take_enhanced(s);
  r.enhanced.assign(enhanced);
  if (!enhanced.empty()) {
    s.eat(' ');
  }
  if (!r.code && enhanced.empty()) {
    s = Scanner(text);
  }
  std::string_view rest = strip_in_reply_to(s.rest(), r);
  r.text.assign(rest);
  take_queued_as(rest, r);
}

}  // namespace

SmtpReply parse_reply_text(std::string_view reply) {
  SmtpReply r;
  Scanner s(reply);
  s.eat("delivery temporarily suspended: ");
  if (s.eat("host ") && take_remote(s, r)) {
    // " said: 550 ...", " refused to talk to me: 554 ...": the server's words follow ": ".
    s.take_until(": ");
    if (s.eat(": ")) {
      read_server_reply(s.rest(), r);
      return r;
    }
    r.text.assign(reply);
    return r;
  }
  s = Scanner(reply);
  s.eat("delivery temporarily suspended: ");
  if (s.eat("connect to ") || s.eat("lost connection with ") || s.eat("conversation with ")) {
    take_remote(s, r);
    r.text.assign(reply);
    return r;
  }
  read_server_reply(s.rest(), r);
  return r;
}

}  // namespace ark::admind::logs
