#include "admind/send/send_input.h"

#include <Poco/JSON/Array.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

#include "admind/http/json_input.h"
#include "core/crypto/crypto.h"
#include "policy/engine/rules.h"

namespace ark::admind::send {
namespace {

using http::ApiError;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool one_line(const std::string& s) {
  return s.find_first_of("\r\n") == std::string::npos;
}

// Addresses of one field: each must be a plain addr-spec.
std::optional<ApiError> check_addresses(const std::vector<std::string>& list,
                                        const std::string& field) {
  for (const auto& a : list) {
    if (!mail::valid_address(a)) {
      return ApiError::invalid_email("invalid email address '" + a + "'", field);
    }
  }
  return std::nullopt;
}

bool reserved_header(const std::string& name) {
  static const std::set<std::string> kReserved = {
      "from",          "to",           "cc",     "bcc",      "subject",  "date",
      "message-id",    "mime-version", "sender", "reply-to", "received", "return-path",
      "dkim-signature"};
  std::string n = lower(name);
  return kReserved.count(n) != 0 || n.rfind("content-", 0) == 0 || n.rfind("x-ark-", 0) == 0;
}

bool valid_header_name(const std::string& name) {
  if (name.empty() || name.size() > 76) {
    return false;
  }
  for (unsigned char c : name) {
    if (c < 33 || c > 126 || c == ':') {
      return false;
    }
  }
  return true;
}

std::optional<ApiError> read_headers(const Poco::JSON::Object::Ptr& body, SendSpec& s) {
  if (!body->has("headers") || body->isNull("headers")) {
    return std::nullopt;
  }
  Poco::JSON::Object::Ptr h = body->getObject("headers");
  if (h.isNull()) {
    return ApiError::validation("headers must be an object of strings", "headers");
  }
  for (const auto& [name, value] : *h) {
    if (!value.isString()) {
      return ApiError::validation("headers must be an object of strings", "headers");
    }
    std::string v = value.convert<std::string>();
    if (!valid_header_name(name) || reserved_header(name) || !one_line(v) || v.size() > 998) {
      return ApiError::validation("header '" + name +
                                      "' cannot be set (reserved name, bad name "
                                      "or a value with line breaks)",
                                  "headers");
    }
    s.headers.emplace_back(name, v);
  }
  return std::nullopt;
}

std::optional<ApiError> read_attachment(const Poco::Dynamic::Var& item, SendSpec& s) {
  if (item.type() != typeid(Poco::JSON::Object::Ptr)) {
    return ApiError::validation("each attachment must be an object", "attachments");
  }
  http::BodyReader a(item.extract<Poco::JSON::Object::Ptr>());
  auto content = a.string("content", true, 1, SIZE_MAX);
  auto type = a.string("contentType", true, 3, 255);
  auto name = a.string("filename", true, 1, 255);
  if (a.error()) {
    ApiError e = *a.error();
    e.field = "attachments";
    return e;
  }
  auto data = crypto::base64_decode(*content);
  if (!data) {
    return ApiError::validation("attachment content must be base64", "attachments");
  }
  if (data->size() > kMaxAttachmentBytes) {
    return ApiError::validation("an attachment is larger than 10 MB", "attachments");
  }
  if (!one_line(*type) || type->find('/') == std::string::npos || !one_line(*name) ||
      name->find('"') != std::string::npos) {
    return ApiError::validation("bad attachment contentType or filename", "attachments");
  }
  s.attachments.push_back({*name, *type, std::move(*data)});
  return std::nullopt;
}

std::optional<ApiError> read_attachments(const Poco::JSON::Object::Ptr& body, SendSpec& s) {
  if (!body->has("attachments") || body->isNull("attachments")) {
    return std::nullopt;
  }
  Poco::JSON::Array::Ptr list = body->getArray("attachments");
  if (list.isNull()) {
    return ApiError::validation("attachments must be an array", "attachments");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    if (auto e = read_attachment(list->get(static_cast<unsigned>(i)), s)) {
      return e;
    }
  }
  return std::nullopt;
}

std::optional<ApiError> read_tag_metadata(const Poco::JSON::Object::Ptr& body, SendSpec& s) {
  http::BodyReader r(body);
  auto tag = r.string("tag", false, 0, policy::kMaxTagLength);
  if (r.error()) {
    return *r.error();
  }
  if (tag) {
    if (!policy::validate_tag(*tag).ok()) {
      return ApiError::validation("tag must have no control characters", "tag");
    }
    s.tag = *tag;
  }
  if (!body->has("metadata") || body->isNull("metadata")) {
    return std::nullopt;
  }
  Poco::JSON::Object::Ptr m = body->getObject("metadata");
  if (m.isNull()) {
    return ApiError::validation("metadata must be an object of strings", "metadata");
  }
  policy::Metadata md;
  for (const auto& [k, v] : *m) {
    if (!v.isString()) {
      return ApiError::validation("metadata values must be strings", "metadata");
    }
    md.emplace_back(k, v.convert<std::string>());
  }
  if (base::Status st = policy::validate_metadata(md); !st) {
    return ApiError::validation(st.error().message, "metadata");
  }
  s.metadata = std::move(md);
  return std::nullopt;
}

// from, subject, html and text, shared by single sends and batch items.
std::optional<ApiError> read_content(http::BodyReader& r, SendSpec& s) {
  auto subject = r.string("subject", true, 1, 998);
  auto html = r.string("html", false, 0, kMaxBodyChars);
  auto text = r.string("text", false, 0, kMaxBodyChars);
  if (r.error()) {
    return *r.error();
  }
  if ((!html || html->empty()) && (!text || text->empty())) {
    return ApiError::validation("one of html or text is required", "html");
  }
  if (!one_line(*subject)) {
    return ApiError::validation("subject must not contain line breaks", "subject");
  }
  s.subject = *subject;
  s.html = html.value_or("");
  s.text = text.value_or("");
  if (s.text.empty()) {
    s.text = text_from_html(s.html);
  }
  return std::nullopt;
}

std::optional<ApiError> read_from(http::BodyReader& r, SendSpec& s) {
  auto from = r.string("from", true, 1, 998);
  if (r.error()) {
    return *r.error();
  }
  auto mb = mail::parse_mailbox(*from);
  if (!mb || !one_line(*from)) {
    return ApiError::invalid_email(mb ? "from must be one line" : mb.error().message, "from");
  }
  s.from_text = *from;
  s.from = *mb;
  return std::nullopt;
}

std::optional<ApiError> read_recipients(const Poco::JSON::Object::Ptr& body, SendSpec& s) {
  http::BodyReader r(body);
  auto to = r.string_array("to", true, 1, kMaxRecipientsPerField);
  auto cc = r.string_array("cc", false, 0, kMaxRecipientsPerField);
  auto bcc = r.string_array("bcc", false, 0, kMaxRecipientsPerField);
  auto reply = r.string("replyTo", false, 1, 998);
  if (r.error()) {
    return *r.error();
  }
  s.to = *to;
  s.cc = cc.value_or(std::vector<std::string>{});
  s.bcc = bcc.value_or(std::vector<std::string>{});
  for (auto [list, field] : {std::pair{&s.to, "to"}, {&s.cc, "cc"}, {&s.bcc, "bcc"}}) {
    if (auto e = check_addresses(*list, field)) {
      return e;
    }
  }
  if (reply) {
    if (!mail::parse_mailbox(*reply) || !one_line(*reply)) {
      return ApiError::invalid_email("invalid replyTo address", "replyTo");
    }
    s.reply_to = *reply;
  }
  return std::nullopt;
}

std::optional<ApiError> read_tenant(const Poco::JSON::Object::Ptr& body, SendSpec& s) {
  http::BodyReader r(body);
  auto tenant = r.string("tenantId", false, 1, 64);
  if (r.error()) {
    return *r.error();
  }
  s.tenant_id = tenant;
  return std::nullopt;
}

// An empty or non-object body fails like a missing `from`.
Poco::JSON::Object::Ptr or_empty(const Poco::JSON::Object::Ptr& body) {
  return body.isNull() ? Poco::JSON::Object::Ptr(new Poco::JSON::Object) : body;
}

}  // namespace

std::vector<std::string> SendSpec::envelope() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto* list : {&to, &cc, &bcc}) {
    for (const auto& a : *list) {
      if (seen.insert(lower(a)).second) {
        out.push_back(a);
      }
    }
  }
  return out;
}

int64_t SendSpec::content_size() const {
  int64_t n = static_cast<int64_t>(raw.size() + html.size() + text.size());
  for (const auto& a : attachments) {
    n += static_cast<int64_t>(a.data.size());
  }
  return n;
}

Parsed read_send(const Poco::JSON::Object::Ptr& json) {
  Poco::JSON::Object::Ptr body = or_empty(json);
  SendSpec s;
  http::BodyReader r(body);
  if (auto e = read_from(r, s)) {
    return *e;
  }
  for (auto* step :
       {&read_recipients, &read_headers, &read_attachments, &read_tag_metadata, &read_tenant}) {
    if (auto e = step(body, s)) {
      return *e;
    }
  }
  if (auto e = read_content(r, s)) {
    return *e;
  }
  return s;
}

Parsed read_raw(const Poco::JSON::Object::Ptr& json) {
  Poco::JSON::Object::Ptr body = or_empty(json);
  SendSpec s;
  http::BodyReader r(body);
  if (auto e = read_from(r, s)) {
    return *e;
  }
  auto to = r.string_array("to", true, 1, kMaxRecipientsPerField);
  auto raw = r.string("rawMessage", true, 1, SIZE_MAX);
  auto bounce = r.boolean("bounce", false);
  if (r.error()) {
    return *r.error();
  }
  if (auto e = check_addresses(*to, "to")) {
    return *e;
  }
  auto decoded = crypto::base64_decode(*raw);
  if (!decoded || decoded->empty()) {
    return ApiError::validation("rawMessage must be base64 of an RFC 2822 message", "rawMessage");
  }
  if (decoded->find("\n\n") == std::string::npos &&
      decoded->find("\r\n\r\n") == std::string::npos) {
    return ApiError::validation("rawMessage has no header/body separator", "rawMessage");
  }
  s.to = *to;
  s.raw = std::move(*decoded);
  s.bounce = bounce.value_or(false);
  if (auto e = read_tenant(body, s)) {
    return *e;
  }
  return s;
}

std::variant<BatchInput, ApiError> read_batch(const Poco::JSON::Object::Ptr& json) {
  Poco::JSON::Object::Ptr body = or_empty(json);
  SendSpec base;
  http::BodyReader r(body);
  if (auto e = read_from(r, base)) {
    return *e;
  }
  if (auto e = read_tenant(body, base)) {
    return *e;
  }
  Poco::JSON::Array::Ptr emails = body->has("emails") ? body->getArray("emails") : nullptr;
  if (emails.isNull() || emails->size() == 0 || emails->size() > kMaxBatchItems) {
    return ApiError::validation("emails must be an array of 1 to 100 emails", "emails");
  }
  BatchInput in;
  in.tenant_id = base.tenant_id;
  size_t recipients = 0;
  for (unsigned i = 0; i < emails->size(); ++i) {
    BatchItem item;
    Poco::JSON::Object::Ptr o = emails->getObject(i);
    if (o.isNull()) {
      item.error = "each email must be an object";
      in.items.push_back(std::move(item));
      continue;
    }
    if (o->has("to") && o->getArray("to") && o->getArray("to")->size() > 0) {
      Poco::Dynamic::Var first = o->getArray("to")->get(0);
      item.first_to = first.isString() ? first.convert<std::string>() : "";
    }
    SendSpec s = base;
    http::BodyReader ir(o);
    std::optional<ApiError> e = read_recipients(o, s);
    if (!e) {
      e = read_tag_metadata(o, s);
    }
    if (!e) {
      e = read_content(ir, s);
    }
    if (e) {
      item.error = e->message;
    } else {
      recipients += s.envelope().size();
      item.spec = std::move(s);
    }
    in.items.push_back(std::move(item));
  }
  if (recipients > kMaxBatchRecipients) {
    return ApiError::validation("a batch may have at most 1000 recipients", "emails");
  }
  return in;
}

std::string text_from_html(const std::string& html) {
  std::string out;
  size_t i = 0;
  auto skip_block = [&](const char* tag) {
    size_t end = html.find(std::string("</") + tag, i);
    i = end == std::string::npos ? html.size() : html.find('>', end);
    i = i == std::string::npos ? html.size() : i + 1;
  };
  while (i < html.size()) {
    if (html[i] != '<') {
      out += html[i++];
      continue;
    }
    if (strncasecmp(html.c_str() + i, "<script", 7) == 0) {
      skip_block("script");
    } else if (strncasecmp(html.c_str() + i, "<style", 6) == 0) {
      skip_block("style");
    } else {
      bool block = strncasecmp(html.c_str() + i, "<br", 3) == 0 ||
                   strncasecmp(html.c_str() + i, "<p", 2) == 0 ||
                   strncasecmp(html.c_str() + i, "</p", 3) == 0 ||
                   strncasecmp(html.c_str() + i, "<div", 4) == 0 ||
                   strncasecmp(html.c_str() + i, "<li", 3) == 0;
      size_t close = html.find('>', i);
      i = close == std::string::npos ? html.size() : close + 1;
      if (block) {
        out += '\n';
      }
    }
  }
  static const std::pair<const char*, const char*> kEntities[] = {{"&nbsp;", " "}, {"&lt;", "<"},
                                                                  {"&gt;", ">"},   {"&quot;", "\""},
                                                                  {"&#39;", "'"},  {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + 1)) {
      out.replace(at, std::strlen(from), to);
    }
  }
  std::string tidy;
  bool space = false;
  for (char c : out) {
    if (c == '\n' || c == '\r') {
      while (!tidy.empty() && tidy.back() == ' ') {
        tidy.pop_back();
      }
      if (!tidy.empty() && tidy.back() != '\n') {
        tidy += '\n';
      }
      space = false;
    } else if (c == ' ' || c == '\t') {
      space = !tidy.empty() && tidy.back() != '\n';
    } else {
      if (space) {
        tidy += ' ';
      }
      tidy += c;
      space = false;
    }
  }
  while (!tidy.empty() && (tidy.back() == '\n' || tidy.back() == ' ')) {
    tidy.pop_back();
  }
  return tidy;
}

}  // namespace ark::admind::send
