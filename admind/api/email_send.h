// Routes of the send endpoints (POST /v1/emails, /v1/emails/batch, /v1/emails/raw), served
// by admind/send/send_service.h. See email_send.cpp for the answers' shapes.
//
// Ownership: the router keeps references to the service, which must outlive it.
// Thread-safety: the handlers are safe to run on many request threads.
#pragma once

#include "admind/http/router.h"

namespace ark::admind::send {
class SendService;
}

namespace ark::admind::api {

void add_send_routes(http::Router& router, send::SendService& svc);

}  // namespace ark::admind::api
