// Emails endpoints: send (5) and get (1) (api.md §4.1). The send path validates, writes
// the rows as `pending`, and submits to the local Postfix with the binding header
// (design.md §6 step 1). A message Postfix did not take is removed again, so a failed
// call leaves nothing behind.
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "admind/api/email_views.h"
#include "admind/api/services.h"
#include "admind/http/json_input.h"
#include "core/base/log.h"
#include "core/domain/ids.h"
#include "core/mail/address.h"
#include "core/mail/binding.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

constexpr size_t kMaxBody = 5242880;  // characters, html and text each

struct SendInput {
  mail::Mailbox from;
  std::vector<std::string> to;
  std::string subject;
  std::string html;
  std::string text;
  std::string tenant_id;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Picks the tenant a send acts for (api.md §6 row 1): a tenant-scoped key sends for its
// own tenant; an organisation key names one with tenantId or falls back to the
// configured default tenant.
std::variant<std::string, ApiError> resolve_tenant(const Services& s, const Request& req,
                                                   const std::optional<std::string>& given) {
  if (!req.principal.org_level()) {
    if (given && *given != req.principal.tenant_id) {
      return ApiError::permission_denied("this key is scoped to another tenant");
    }
    return req.principal.tenant_id;
  }
  if (given) {
    return *given;
  }
  if (!s.default_tenant.empty()) {
    return s.default_tenant;
  }
  return ApiError::validation("an organisation-level key must name the tenant", "tenantId",
                              "Pass tenantId, or send with the tenant's own API key");
}

std::variant<SendInput, ApiError> read_send(const Services& s, const Request& req) {
  http::BodyReader body(req.body);
  auto from = body.string("from", true, 1, 998);
  auto to = body.string_array("to", true, 1, 50);
  auto subject = body.string("subject", true, 1, 998);
  auto html = body.string("html", false, 0, kMaxBody);
  auto text = body.string("text", false, 0, kMaxBody);
  auto tenant = body.string("tenantId", false, 1, 64);
  if (body.error()) {
    return *body.error();
  }
  if ((!html || html->empty()) && (!text || text->empty())) {
    return ApiError::validation("one of html or text is required", "html");
  }
  SendInput in;
  auto mb = mail::parse_mailbox(*from);
  if (!mb) {
    return ApiError::invalid_email(mb.error().message, "from");
  }
  in.from = *mb;
  std::set<std::string> seen;
  for (const auto& addr : *to) {
    if (!mail::valid_address(addr)) {
      return ApiError::invalid_email("invalid email address '" + addr + "'", "to");
    }
    if (seen.insert(lower(addr)).second) {
      in.to.push_back(addr);
    }
  }
  in.subject = *subject;
  for (char c : in.subject) {
    if (c == '\r' || c == '\n') {
      return ApiError::validation("subject must not contain line breaks", "subject");
    }
  }
  in.html = html.value_or("");
  in.text = text.value_or("");
  auto t = resolve_tenant(s, req, tenant);
  if (auto* e = std::get_if<ApiError>(&t)) {
    return *e;
  }
  in.tenant_id = std::get<std::string>(t);
  return in;
}

std::optional<ApiError> check_tenant_can_send(Services& s, const std::string& tenant_id) {
  auto t = s.tenants.get(tenant_id);
  if (!t) {
    if (t.error().kind == base::ErrorKind::NotFound) {
      return ApiError::not_found("tenant " + tenant_id);
    }
    return http::api_error_from(t.error());
  }
  if (t->status != "active") {
    return ApiError{403, "tenant_suspended", "tenant " + tenant_id + " is " + t->status +
                                                 " and cannot send",
                    {}, {}};
  }
  return std::nullopt;
}

Outcome send(Services& s, Request& req) {
  auto parsed = read_send(s, req);
  if (auto* e = std::get_if<ApiError>(&parsed)) {
    return *e;
  }
  auto& in = std::get<SendInput>(parsed);
  if (auto e = check_tenant_can_send(s, in.tenant_id)) {
    return *e;
  }
  store::NewMessage m;
  m.id = domain::new_message_id();
  m.tenant_id = in.tenant_id;
  m.envelope_from = in.from.address;
  m.from_header = std::string(req.body->getValue<std::string>("from"));
  m.subject = in.subject;
  m.message_id_hdr = "<" + m.id + "@" + s.message_id_domain + ">";
  m.rcpts = in.to;
  submit::OutgoingMessage out;
  out.envelope_from = m.envelope_from;
  out.rcpts = m.rcpts;
  out.from_header = m.from_header;
  out.to_header = m.rcpts;
  out.subject = m.subject;
  out.text = in.text;
  out.html = in.html;
  out.message_id = m.message_id_hdr;
  out.date_s = s.clock.now_s();
  out.binding = mail::sign_binding({m.id, m.tenant_id, out.date_s}, s.binding_secret);
  // The exact text Postfix gets is kept (minus the binding) for expand=raw/content and
  // manual retry, until retention.raw_messages.
  std::string text = submit::compose(out);
  m.raw_message = strip_binding_header(text);
  auto ids = s.emails.create_pending(m);
  if (!ids) {
    return http::api_error_from(ids.error());
  }
  auto sent = s.submitter.submit_text(out.envelope_from, out.rcpts, text);
  if (!sent) {
    base::log_warn("submit_failed", {{"message", m.id}, {"tenant", m.tenant_id},
                                     {"reason", sent.error().message}});
    base::Status gone = s.emails.discard(m.id);
    if (!gone) {
      base::log_error("discard_failed", {{"message", m.id}, {"reason", gone.error().message}});
    }
    if (sent.error().kind == base::ErrorKind::Transient) {
      return ApiError::unavailable("the mail system is not accepting messages right now");
    }
    return ApiError::internal("the mail system refused the message");
  }
  base::log_info("email_submitted", {{"message", m.id}, {"tenant", m.tenant_id},
                                     {"rcpts", static_cast<int>(m.rcpts.size())}});
  auto d = http::new_object();
  d->set("id", ids->front());
  d->set("status", "pending");
  Poco::JSON::Array::Ptr to = new Poco::JSON::Array;
  for (const auto& r : m.rcpts) {
    to->add(r);
  }
  d->set("to", to);
  d->set("messageId", m.message_id_hdr);
  return Reply::ok(d);
}

double unix_seconds(int64_t us) { return static_cast<double>(us) / 1e6; }

std::variant<std::set<std::string>, ApiError> parse_expand(const Request& req) {
  static const std::set<std::string> kAllowed = {"content", "headers",     "deliveries", "activity",
                                                 "attachments", "raw", "full"};
  std::set<std::string> out;
  auto it = req.query.find("expand");
  if (it == req.query.end()) {
    return out;
  }
  std::stringstream ss(it->second);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) {
      continue;
    }
    if (!kAllowed.count(item)) {
      return ApiError::validation("unknown expand item '" + item + "'", "expand");
    }
    out.insert(item);
  }
  return out;
}

Outcome get(Services& s, Request& req) {
  auto expand = parse_expand(req);
  if (auto* e = std::get_if<ApiError>(&expand)) {
    return *e;
  }
  auto& ex = std::get<std::set<std::string>>(expand);
  std::string restrict = req.principal.org_level() ? "" : req.principal.tenant_id;
  auto e = s.emails.get(req.params["emailId"], restrict);
  if (!e) {
    return http::api_error_from(e.error());
  }
  auto o = http::new_object();
  o->set("id", e->id);
  o->set("from", e->from_header);
  o->set("to", e->rcpt);
  o->set("subject", e->subject);
  o->set("status", e->status);
  o->set("scope", "outgoing");
  o->set("timestamp", unix_seconds(e->created_us));
  o->set("timestampIso", base::format_iso8601(e->created_us));
  o->set("messageId", e->message_id_hdr);
  if (e->tag) {
    o->set("tag", *e->tag);
  }
  o->set("spam", false);
  o->set("spamScore", 0);
  if (ex.count("deliveries") || ex.count("full")) {
    auto attempts = s.emails.attempts(e->id);
    if (!attempts) {
      return http::api_error_from(attempts.error());
    }
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& a : *attempts) {
      arr->add(attempt_json(a));
    }
    o->set("deliveries", arr);
  }
  std::optional<std::string> raw;
  if (ex.count("content") || ex.count("headers") || ex.count("attachments") || ex.count("raw") ||
      ex.count("full")) {
    auto stored = s.emails.raw_message(e->id, restrict);
    if (!stored) {
      return http::api_error_from(stored.error());
    }
    raw = std::move(*stored);
  }
  add_expansions(o, ex, raw);
  return Reply::ok(o);
}

}  // namespace

void add_email_routes(http::Router& r, Services& s) {
  r.add("POST", "/v1/emails", "emails.send", [&s](Request& q) { return send(s, q); });
  r.add("GET", "/v1/emails/{emailId}", "emails.get", [&s](Request& q) { return get(s, q); });
}

}  // namespace ark::admind::api
