// Emails endpoint: get (1) (api.md §4.1). The send endpoints (5-7) are in email_send.cpp.
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

double unix_seconds(int64_t us) {
  return static_cast<double>(us) / 1e6;
}

std::variant<std::set<std::string>, ApiError> parse_expand(const Request& req) {
  static const std::set<std::string> kAllowed = {"content",     "headers", "deliveries", "activity",
                                                 "attachments", "raw",     "full"};
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
  r.add("GET", "/v1/emails/{emailId}", "emails.get", [&s](Request& q) { return get(s, q); });
}

}  // namespace ark::admind::api
