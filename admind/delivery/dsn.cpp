// NDR reading; see dsn.h.
#include "admind/delivery/dsn.h"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>

#include <cctype>
#include <sstream>

namespace ark::admind::delivery {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

// "rfc822; user@x" -> "user@x"; values without a type are returned trimmed.
std::string strip_type(std::string_view v) {
  size_t semi = v.find(';');
  if (semi == std::string_view::npos) {
    return trim(v);
  }
  std::string_view type = v.substr(0, semi);
  for (char c : type) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != ' ') {
      return trim(v);
    }
  }
  std::string out = trim(v.substr(semi + 1));
  if (out.size() >= 2 && out.front() == '<' && out.back() == '>') {
    out = out.substr(1, out.size() - 2);
  }
  return out;
}

std::string field(const Fields& f, std::string_view name) {
  for (const auto& [k, v] : f) {
    if (k == name) {
      return v;
    }
  }
  return "";
}

// True when text[i..] starts an RFC 3463 code "c.s.d" (c in 2/4/5) standing alone.
size_t status_code_at(std::string_view text, size_t i) {
  if (i > 0 && !std::isspace(static_cast<unsigned char>(text[i - 1])) && text[i - 1] != '(' &&
      text[i - 1] != '#') {
    return 0;
  }
  if (i + 5 > text.size() || (text[i] != '2' && text[i] != '4' && text[i] != '5') ||
      text[i + 1] != '.') {
    return 0;
  }
  size_t j = i + 2;
  int parts = 1;
  int digits = 0;
  while (j < text.size()) {
    char c = text[j];
    if (std::isdigit(static_cast<unsigned char>(c)) && digits < 3) {
      ++digits;
    } else if (c == '.' && digits > 0 && parts == 1) {
      ++parts;
      digits = 0;
    } else {
      break;
    }
    ++j;
  }
  bool ends = j == text.size() || !std::isalnum(static_cast<unsigned char>(text[j]));
  return parts == 2 && digits > 0 && ends ? j - i : 0;
}

class ReportParts : public Poco::Net::PartHandler {
 public:
  explicit ReportParts(NdrReport& r) : r_(r) {}
  std::string text;  // the first text/plain part (fallback)

  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string type = lower(header.get("Content-Type", "text/plain"));
    // StreamCopier, not istreambuf_iterator: the latter reads past the part's boundary and
    // makes Poco's multipart reader skip the next part.
    std::string body;
    Poco::StreamCopier::copyToString(stream, body);
    if (type.rfind("message/delivery-status", 0) == 0 ||
        type.rfind("message/global-delivery-status", 0) == 0) {
      apply_status(body);
    } else if (type.rfind("message/rfc822", 0) == 0 || type.rfind("text/rfc822-headers", 0) == 0 ||
               type.rfind("message/global-headers", 0) == 0) {
      read_original(body);
    } else if (type.rfind("text/plain", 0) == 0 && text.empty()) {
      text = body;
    }
  }

 private:
  void apply_status(const std::string& body) {
    auto groups = parse_status_groups(body);
    if (groups.empty()) {
      return;
    }
    r_.is_dsn = true;
    r_.reporting_mta = strip_type(field(groups[0], "reporting-mta"));
    r_.postfix_queue_id = trim(field(groups[0], "x-postfix-queue-id"));
    for (size_t i = 1; i < groups.size(); ++i) {
      const Fields& g = groups[i];
      DsnRecipient rcpt;
      rcpt.final_recipient = strip_type(field(g, "final-recipient"));
      rcpt.original_recipient = strip_type(field(g, "original-recipient"));
      rcpt.action = lower(trim(field(g, "action")));
      rcpt.status = trim(field(g, "status"));
      rcpt.remote_mta = strip_type(field(g, "remote-mta"));
      rcpt.diagnostic = strip_type(field(g, "diagnostic-code"));
      if (!rcpt.final_recipient.empty() || !rcpt.original_recipient.empty()) {
        r_.recipients.push_back(std::move(rcpt));
      }
    }
  }

  void read_original(const std::string& body) {
    try {
      std::istringstream in(body);
      Poco::Net::MessageHeader h;
      h.setFieldLimit(1000);
      h.read(in);
      r_.original_message_id = trim(h.get("Message-ID", ""));
    } catch (const Poco::Exception&) {
      // a damaged returned message is not needed to attribute the report
    }
  }

  NdrReport& r_;
};

// Free text: the first status code and its line.
void fallback(NdrReport& r, std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    size_t len = status_code_at(text, i);
    if (len == 0) {
      continue;
    }
    DsnRecipient rcpt;
    rcpt.status = std::string(text.substr(i, len));
    rcpt.action = rcpt.status[0] == '5' ? "failed" : rcpt.status[0] == '4' ? "delayed" : "";
    size_t b = text.rfind('\n', i);
    size_t e = text.find('\n', i);
    b = b == std::string_view::npos ? 0 : b + 1;
    e = e == std::string_view::npos ? text.size() : e;
    rcpt.diagnostic = trim(text.substr(b, e - b));
    r.recipients.push_back(std::move(rcpt));
    return;
  }
}

}  // namespace

std::vector<Fields> parse_status_groups(std::string_view body) {
  std::vector<Fields> groups;
  Fields cur;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    std::string_view line =
        body.substr(pos, nl == std::string_view::npos ? body.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? body.size() + 1 : nl + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (trim(line).empty()) {
      if (!cur.empty()) {
        groups.push_back(std::move(cur));
        cur.clear();
      }
      continue;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !cur.empty()) {
      cur.back().second += " " + trim(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      continue;
    }
    cur.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  if (!cur.empty()) {
    groups.push_back(std::move(cur));
  }
  return groups;
}

NdrReport parse_ndr(std::string_view raw) {
  NdrReport r;
  ReportParts parts(r);
  try {
    std::istringstream in{std::string(raw)};
    Poco::Net::MailMessage msg;
    msg.setFieldLimit(1000);
    msg.read(in, parts);
    r.message_id = trim(msg.get("Message-ID", ""));
    r.from = trim(msg.get("From", ""));
    r.to = trim(msg.get("To", ""));
    r.subject = trim(msg.get("Subject", ""));
    if (!msg.isMultipart() && parts.text.empty()) {
      parts.text = msg.getContent();
    }
  } catch (const std::exception&) {
    parts.text = std::string(raw);  // not parseable as MIME: search the raw text
  }
  if (r.recipients.empty()) {
    fallback(r, parts.text.empty() ? raw : std::string_view(parts.text));
  }
  return r;
}

}  // namespace ark::admind::delivery
