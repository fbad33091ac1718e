#include "admind/events/signing_sender.h"

#include "admind/events/envelope.h"
#include "core/base/log.h"

namespace ark::events {

base::Result<DirectResult> SigningSender::send_now(const DirectDelivery& d) {
  std::shared_ptr<const WebhookSigner> signer = keys_.current();
  if (!signer) {
    return base::Error::invalid("no webhook signing key loaded");
  }
  auto signature = signer->sign(d.body);
  if (!signature) {
    return signature.error();
  }
  StringPairs headers = webhook_headers(*signature);
  PluginEvent ev{d.event, d.event_uuid, d.tenant_id.value_or(""), d.body, d.url, &headers};
  ev.timestamp_unix_us = static_cast<uint64_t>(clock_.now_us());
  DeliveryOutcome o = transport_(ev, monotonic_ms_() + static_cast<uint64_t>(timeout_.count()));

  AttemptRecord r;
  r.id = new_delivery_id(d.platform);
  r.platform = d.platform;
  r.webhook_id = d.webhook_id;
  r.tenant_id = d.tenant_id;
  r.kind = d.kind;
  r.replay_of = d.replay_of;
  r.event = d.event;
  r.event_uuid = d.event_uuid;
  r.url = d.url;
  r.status_code = o.status_code > 0 ? std::optional<int>(o.status_code) : std::nullopt;
  r.success = o.result == DeliveryResult::Ok;
  r.request_headers_json = headers_json(headers);
  r.payload = d.body;
  if (o.status_code > 0) {
    r.response_body = o.response_excerpt;
  }
  if (!r.success) {
    r.error = o.error.empty() ? std::string("plugin result ") + to_string(o.result) : o.error;
  }
  r.duration_ms = static_cast<int64_t>(o.duration_ms);
  r.attempted_us = clock_.now_us() - r.duration_ms * 1000;
  base::log_info("webhook_direct_send", {{"kind", d.kind},
                                         {"webhook", d.webhook_id},
                                         {"delivery", r.id},
                                         {"result", to_string(o.result)},
                                         {"status", o.status_code},
                                         {"duration_ms", r.duration_ms}});
  base::Status st = store_.record(r);
  if (!st) {
    return st.error();
  }
  return DirectResult{r.id,    r.success,     r.status_code, r.duration_ms, o.response_excerpt,
                      r.error, r.attempted_us};
}

}  // namespace ark::events
