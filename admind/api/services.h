// The objects the REST handlers use, built once in admind's composition root.
//
// Ownership: borrowed references; the application owns them and outlives the server.
// Thread-safety: every member is safe to share between request threads.
#pragma once

#include <string>

#include "admind/events/webhook_sender.h"
#include "admind/http/request.h"
#include "admind/http/router.h"
#include "admind/store/email_store.h"
#include "admind/store/tenant_store.h"
#include "admind/submit/submitter.h"
#include "core/base/clock.h"

namespace ark::admind::api {

struct Services {
  const base::Clock& clock;
  store::TenantStore& tenants;
  store::EmailStore& emails;
  const submit::Submitter& submitter;
  std::string binding_secret;
  std::string message_id_domain;
  std::string default_tenant;  // used when an organisation key sends without tenantId
  // Sends webhook tests and replays now (issue 7); null when no transport is configured.
  events::WebhookSender* webhook_sender = nullptr;
};

void add_tenant_routes(http::Router& router, Services& s);
void add_email_routes(http::Router& router, Services& s);

// page/perPage from the query (api.md §2.5). zero_page_ok: treat page=0 as 1.
std::variant<http::Page, http::ApiError> parse_paging(const http::Request& req, bool zero_page_ok);

}  // namespace ark::admind::api
