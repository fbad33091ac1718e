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

  AttemptRecord r{
      new_delivery_id(d.platform), d.platform, d.webhook_id, d.tenant_id, d.kind, d.replay_of};
  r.event = d.event;
  r.event_uuid = d.event_uuid;
  r.url = d.url;
  r.request_headers_json = headers_json(headers);
  r.payload = d.body;
  fill_outcome(o, clock_.now_us(), &r);
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
