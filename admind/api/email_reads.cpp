// Email endpoints 2-4 (api.md §4.1): the list, the delivery history with Postfix's retry
// state (behaviour.md Appendix C.5), and the manual retry request.
//
// Manual retry records a request in `email_retries`; flushing the deferred queue entry or
// re-submitting the stored message is the re-delivery worker's job (issue 6).
#include <Poco/JSON/Array.h>

#include "admind/api/email_views.h"
#include "admind/api/platform_services.h"
#include "admind/api/time_query.h"
#include "core/base/log.h"
#include "core/mail/address.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

const std::set<std::string> kStatuses = {"pending",  "sent",    "softfail",
                                         "hardfail", "bounced", "held"};
// Statuses a manual retry applies to (behaviour.md §1.2: hardfail/softfail/held).
const std::set<std::string> kRetryable = {"softfail", "hardfail", "held"};

// Whether the retry worker has something to act on: a deferred message still in Postfix's
// queue (flushed), a held one in the hold queue (released), or else the stored MIME text
// (re-submitted). SMTP-submitted mail has no stored text, but its queue copies suffice.
bool can_retry(const store::EmailQueueRow& row) {
  if (!kRetryable.count(row.status)) {
    return false;
  }
  return row.raw_retained || (row.status == "softfail" && row.queue_id) ||
         (row.status == "held" && row.in_hold_queue);
}

std::string restrict_of(const Request& req) {
  return req.principal.org_level() ? "" : req.principal.tenant_id;
}

std::optional<ApiError> read_list_filter(const Request& req, store::EmailListFilter* f) {
  for (const auto& [name, value] : req.query) {
    if (name == "status") {
      if (!kStatuses.count(value)) {
        return ApiError::validation(
            "status must be one of pending, sent, softfail, hardfail, bounced, held", "status");
      }
      f->status = value;
    } else if (name == "to" || name == "from") {
      if (!mail::valid_address(value)) {
        return ApiError::validation(name + " must be an email address", name);
      }
      (name == "to" ? f->to : f->from) = value;
    } else if (name == "tag") {
      f->tag = value;
    } else if (name == "after" || name == "before") {
      int64_t us = 0;
      if (!parse_instant(value, &us)) {
        return ApiError::validation(name + " must be unix seconds or an ISO 8601 datetime", name);
      }
      (name == "after" ? f->after_us : f->before_us) = us;
    }
  }
  return std::nullopt;
}

Poco::JSON::Object::Ptr summary_json(const store::EmailSummaryRow& r) {
  auto o = http::new_object();
  o->set("id", r.id);
  o->set("from", r.from_header);
  o->set("to", r.rcpt);
  o->set("subject", r.subject);
  o->set("status", r.status);
  o->set("timestamp", static_cast<double>(r.created_us) / 1e6);
  o->set("timestampIso", base::format_iso8601(r.created_us));
  if (r.tag) {
    o->set("tag", *r.tag);
  }
  return o;
}

Outcome list(PlatformServices& p, Request& req) {
  auto paging = parse_paging(req, false);
  if (auto* e = std::get_if<ApiError>(&paging)) {
    return *e;
  }
  auto page = std::get<http::Page>(paging);
  store::EmailListFilter f;
  if (auto e = read_list_filter(req, &f)) {
    return *e;
  }
  f.restrict_tenant = restrict_of(req);
  auto rows = p.email_reads.list(f, page.page, page.per_page, &page.total);
  if (!rows) {
    return http::api_error_from(rows.error());
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& r : *rows) {
    items->add(summary_json(r));
  }
  return Reply::paged(items, page);
}

Outcome not_found_or(const base::Error& e, const std::string& id) {
  if (e.kind == base::ErrorKind::NotFound) {
    return ApiError::not_found("email " + id);
  }
  return http::api_error_from(e);
}

Outcome deliveries(PlatformServices& p, Request& req) {
  const std::string& id = req.params["emailId"];
  auto row = p.email_reads.queue_row(id, restrict_of(req));
  if (!row) {
    return not_found_or(row.error(), id);
  }
  auto attempts = p.emails.attempts(id);
  if (!attempts) {
    return http::api_error_from(attempts.error());
  }
  std::optional<QueueEntry> entry;
  if (row->queue_id && (row->status == "pending" || row->status == "softfail")) {
    entry = p.queue.find(*row->queue_id);
  }
  auto d = http::new_object();
  d->set("id", row->id);
  d->set("status", row->status);
  d->set("retryState", retry_state_json(retry_state(row->status, row->deferrals, row->manual, entry,
                                                    p.settings.schedule, p.clock.now_us())));
  d->set("canRetryManually", can_retry(*row));
  Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
  for (const auto& a : *attempts) {
    arr->add(attempt_json(a));
  }
  d->set("deliveries", arr);
  return Reply::ok(d);
}

Outcome retry(PlatformServices& p, Request& req) {
  const std::string& id = req.params["emailId"];
  auto row = p.email_reads.queue_row(id, restrict_of(req));
  if (!row) {
    return not_found_or(row.error(), id);
  }
  if (!kRetryable.count(row->status)) {
    return ApiError::unprocessable("email_not_retryable",
                                   "an email with status " + row->status + " cannot be retried");
  }
  if (!can_retry(*row)) {
    return ApiError::unprocessable("email_not_retryable",
                                   "the message content is past its retention period");
  }
  base::Status st =
      p.email_reads.request_retry(id, row->tenant_id, req.principal.key_id, p.clock.now_us());
  if (!st) {
    return http::api_error_from(st.error());
  }
  base::log_info("email_retry_requested", {{"email", id}, {"tenant", row->tenant_id}});
  auto d = http::new_object();
  d->set("id", id);
  d->set("message", "Email queued for retry");
  return Reply::ok(d);
}

}  // namespace

void add_email_read_routes(http::Router& r, PlatformServices& p) {
  r.add("GET", "/v1/emails", "emails.list", [&p](Request& q) { return list(p, q); });
  r.add("GET", "/v1/emails/{emailId}/deliveries", "emails.get_deliveries",
        [&p](Request& q) { return deliveries(p, q); });
  r.add("POST", "/v1/emails/{emailId}/retry", "emails.retry",
        [&p](Request& q) { return retry(p, q); });
}

}  // namespace ark::admind::api
