// The classification table; see classify.h.
#include "admind/delivery/classify.h"

#include <array>
#include <cctype>

namespace ark::admind::delivery {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool has_any(const std::string& haystack, std::initializer_list<std::string_view> needles) {
  for (std::string_view n : needles) {
    if (haystack.find(n) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool dsn_is(std::string_view dsn, std::initializer_list<std::string_view> codes) {
  for (std::string_view c : codes) {
    if (dsn == c) {
      return true;
    }
  }
  return false;
}

// "5.7.x" matches "5.7.1"; "x.7.x" matches either class.
bool dsn_like(std::string_view dsn, std::string_view pattern) {
  size_t i = 0;
  size_t j = 0;
  while (i < dsn.size() && j < pattern.size()) {
    if (pattern[j] == 'x') {
      while (i < dsn.size() && dsn[i] != '.') {
        ++i;
      }
      ++j;
      continue;
    }
    if (dsn[i] != pattern[j]) {
      return false;
    }
    ++i;
    ++j;
  }
  return i == dsn.size() && j == pattern.size();
}

struct Facts {
  std::string_view dsn;
  std::optional<int> code;
  std::string text;  // lower case
  bool no_relay;
};

struct Rule {
  const char* name;
  int code;
  bool (*match)(const Facts&);
};

bool tls_required(const Facts& f) {
  return dsn_is(f.dsn, {"5.7.10", "4.7.10", "5.7.11"}) ||
         has_any(f.text, {"tls required", "must issue a starttls", "encryption required",
                          "starttls is required", "requires tls"});
}

bool spam_block(const Facts& f) {
  bool spam_words =
      has_any(f.text, {"spam", "blocked", "blacklist", "blocklist", "block list", "black list",
                       "listed at", "listed by", "spamhaus", "reputation", "rbl", "dnsbl"});
  return spam_words && (dsn_like(f.dsn, "x.7.x") || f.dsn.empty() || f.code == 550 ||
                        f.code == 554 || f.code == 421);
}

bool policy_violation(const Facts& f) {
  return dsn_like(f.dsn, "5.7.x");
}

bool invalid_recipient(const Facts& f) {
  return dsn_is(f.dsn, {"5.1.1", "5.1.0", "5.1.3", "5.1.6"}) ||
         ((f.code == 550 || f.code == 553) &&
          has_any(f.text, {"user unknown", "no such user", "unknown user", "does not exist",
                           "recipient address rejected", "unknown recipient", "invalid recipient",
                           "no such recipient"}));
}

bool dns_error(const Facts& f) {
  return dsn_is(f.dsn, {"5.1.2", "4.1.2", "5.4.4", "4.4.3"}) ||
         has_any(f.text, {"host or domain name not found", "name service error", "no mx",
                          "domain not found", "nxdomain", "no such domain"});
}

bool no_mailbox(const Facts& f) {
  return dsn_is(f.dsn, {"5.2.1"}) ||
         has_any(f.text, {"mailbox disabled", "account disabled", "account has been disabled",
                          "mailbox inactive", "inactive mailbox", "account inactive"});
}

bool mailbox_full(const Facts& f) {
  return dsn_is(f.dsn, {"5.2.2", "4.2.2"}) ||
         has_any(f.text, {"mailbox full", "over quota", "quota exceeded", "mailbox is full",
                          "insufficient storage"});
}

bool too_large(const Facts& f) {
  return dsn_is(f.dsn, {"5.3.4", "5.2.3", "4.3.4"}) ||
         (f.code == 552 && has_any(f.text, {"size", "too large", "too big", "exceeds"}));
}

bool not_accepting(const Facts& f) {
  return dsn_is(f.dsn, {"5.3.2", "5.1.10", "5.7.27"}) || f.code == 521 || f.code == 556 ||
         has_any(f.text, {"does not accept mail", "not accepting mail", "null mx"});
}

bool connection_error(const Facts& f) {
  return has_any(f.text, {"connection refused", "timed out", "lost connection",
                          "network is unreachable", "no route to host", "connection reset",
                          "connect to ", "refused to talk to me", "server unavailable"}) ||
         dsn_is(f.dsn, {"4.4.1", "4.4.2", "5.4.1", "4.4.7"}) || (f.no_relay && !f.code);
}

bool protocol_error(const Facts& f) {
  return dsn_like(f.dsn, "5.5.x") || (f.code && *f.code >= 500 && *f.code <= 504);
}

bool temporary(const Facts& f) {
  return f.dsn.substr(0, 2) == "4." || (f.code && *f.code >= 400 && *f.code < 500);
}

bool always(const Facts&) {
  return true;
}

// Order matters: specific DSN codes before word matches, TLS before the generic 5.7.x,
// connection problems before the generic 4.x.x.
constexpr std::array<Rule, 13> kRules = {{
    {"tls_required", 32, tls_required},
    {"spam_block", 30, spam_block},
    {"policy_violation", 31, policy_violation},
    {"invalid_recipient", 10, invalid_recipient},
    {"not_accepting_mail", 12, not_accepting},
    {"dns_error", 41, dns_error},
    {"no_mailbox", 11, no_mailbox},
    {"mailbox_full", 20, mailbox_full},
    {"message_too_large", 21, too_large},
    {"connection_error", 40, connection_error},
    {"protocol_error", 50, protocol_error},
    {"temporarily_unavailable", 42, temporary},
    {"unclassified", 99, always},
}};

}  // namespace

std::optional<Classification> classify(const ClassifyInput& in) {
  if (in.outcome == Outcome::Sent) {
    return std::nullopt;
  }
  Facts f{in.dsn, in.smtp_code, lower(in.text), in.no_relay};
  for (const Rule& r : kRules) {
    if (r.match(f)) {
      return Classification{r.name, r.code};
    }
  }
  return Classification{"unclassified", 99};
}

std::string classification_words(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '_') {
      c = ' ';
    }
  }
  return out;
}

}  // namespace ark::admind::delivery
