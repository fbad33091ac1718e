// The send endpoints (api.md §4.1 #5-7): POST /v1/emails, /v1/emails/batch, /v1/emails/raw.
// Bodies are read by admind/send/send_input.h, the work is admind/send/send_service.h; this
// file only shapes the answers: {id, status: "pending", to, messageId, sandbox?} (held
// recipients are accepted too: behaviour.md Appendix C.6), the batch's per-recipient map
// with 200 or 207, and the X-SendLimit-* headers of §2.8 (the tenant's hourly window after
// the send; Limit and Remaining are left out when the hour is unlimited).
#include "admind/api/email_send.h"

#include "admind/send/send_input.h"
#include "admind/send/send_service.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

void add_limit_headers(send::SendService& svc, const std::string& tenant, Reply& reply) {
  auto w = svc.hourly(tenant);
  if (!w) {
    return;
  }
  if (w->limit > 0) {
    reply.headers.emplace_back("X-SendLimit-Limit", std::to_string(w->limit));
  }
  reply.headers.emplace_back("X-SendLimit-Used", std::to_string(w->used));
  if (w->limit > 0) {
    reply.headers.emplace_back("X-SendLimit-Remaining",
                               std::to_string(std::max<int64_t>(0, w->limit - w->used)));
  }
  reply.headers.emplace_back("X-SendLimit-Reset", std::to_string(w->reset_s));
}

Poco::JSON::Object::Ptr accepted_json(const send::Accepted& a) {
  auto d = http::new_object();
  d->set("id", a.id);
  d->set("status", "pending");
  Poco::JSON::Array::Ptr to = new Poco::JSON::Array;
  for (const auto& r : a.to) {
    to->add(r);
  }
  d->set("to", to);
  d->set("messageId", a.message_id_hdr);
  if (a.sandbox) {
    d->set("sandbox", true);
  }
  return d;
}

Outcome answer(send::SendService& svc, const send::SendResult& result) {
  if (const auto* e = std::get_if<ApiError>(&result)) {
    return *e;
  }
  const auto& ok = std::get<send::Accepted>(result);
  Reply reply = Reply::ok(accepted_json(ok));
  add_limit_headers(svc, ok.tenant_id, reply);
  return reply;
}

Outcome send_one(send::SendService& svc, Request& req) {
  send::Parsed spec = send::read_send(req.body);
  if (auto* e = std::get_if<ApiError>(&spec)) {
    return *e;
  }
  return answer(svc, svc.send(std::get<send::SendSpec>(spec), req.principal));
}

Outcome send_raw(send::SendService& svc, Request& req) {
  send::Parsed spec = send::read_raw(req.body);
  if (auto* e = std::get_if<ApiError>(&spec)) {
    return *e;
  }
  return answer(svc, svc.send(std::get<send::SendSpec>(spec), req.principal));
}

Outcome send_batch(send::SendService& svc, Request& req) {
  auto input = send::read_batch(req.body);
  if (auto* e = std::get_if<ApiError>(&input)) {
    return *e;
  }
  auto& in = std::get<send::BatchInput>(input);
  // The request's tenant is the caller's to name or not at all: refused as a whole, like
  // POST /v1/emails, rather than item by item.
  if (in.tenant_id && !req.principal.may_access(*in.tenant_id)) {
    return ApiError::permission_denied("this key is scoped to another tenant");
  }
  std::vector<const send::SendSpec*> specs;
  for (const auto& item : in.items) {
    if (item.spec) {
      specs.push_back(&*item.spec);
    }
  }
  std::vector<send::SendResult> results = svc.send_many(specs, req.principal);
  auto messages = http::new_object();
  int accepted = 0;
  bool sandbox = false;
  std::string tenant;
  size_t next = 0;
  for (const auto& item : in.items) {
    auto entry = http::new_object();
    if (!item.spec) {
      entry->set("error", item.error);
    } else if (const auto* e = std::get_if<ApiError>(&results[next++])) {
      entry->set("error", e->message);
    } else {
      const auto& ok = std::get<send::Accepted>(results[next - 1]);
      entry->set("id", ok.id);
      ++accepted;
      sandbox |= ok.sandbox;
      tenant = ok.tenant_id;
    }
    messages->set(item.first_to, entry);
  }
  auto d = http::new_object();
  int total = static_cast<int>(in.items.size());
  d->set("total", total);
  d->set("accepted", accepted);
  d->set("failed", total - accepted);
  d->set("messages", messages);
  if (sandbox) {
    d->set("sandbox", true);
  }
  Reply reply = Reply::ok(d, accepted == total ? 200 : 207);
  if (!tenant.empty()) {
    add_limit_headers(svc, tenant, reply);
  }
  return reply;
}

}  // namespace

void add_send_routes(http::Router& r, send::SendService& svc) {
  r.add("POST", "/v1/emails", "emails.send", [&svc](Request& q) { return send_one(svc, q); });
  r.add("POST", "/v1/emails/batch", "emails.send_batch",
        [&svc](Request& q) { return send_batch(svc, q); });
  r.add("POST", "/v1/emails/raw", "emails.send_raw",
        [&svc](Request& q) { return send_raw(svc, q); });
}

}  // namespace ark::admind::api
