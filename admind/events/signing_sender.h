// SigningSender: the WebhookSender admind wires into the API (test and replay). It signs
// the body with the key ring's active key, hands it to the webhook transport plugin with
// the dispatcher's timeout, and records the attempt through the DispatchStore.
//
// Ownership: borrows the key ring, store and clock; owns a copy of the transport function.
// Thread-safety: send_now is safe from many threads (the signer, the transport plugin and
// the store all are).
#pragma once

#include <chrono>
#include <functional>

#include "admind/events/dispatch_store.h"
#include "admind/events/dispatcher.h"
#include "admind/events/signing_keys.h"
#include "admind/events/webhook_sender.h"

namespace ark::events {

class SigningSender final : public WebhookSender {
 public:
  SigningSender(const KeyRing& keys, DeliverFn transport, DispatchStore& store,
                const base::Clock& clock, std::chrono::milliseconds timeout,
                std::function<uint64_t()> monotonic_ms)
      : keys_(keys),
        transport_(std::move(transport)),
        store_(store),
        clock_(clock),
        timeout_(timeout),
        monotonic_ms_(std::move(monotonic_ms)) {}

  base::Result<DirectResult> send_now(const DirectDelivery& delivery) override;

 private:
  const KeyRing& keys_;
  DeliverFn transport_;
  DispatchStore& store_;
  const base::Clock& clock_;
  std::chrono::milliseconds timeout_;
  std::function<uint64_t()> monotonic_ms_;
};

}  // namespace ark::events
