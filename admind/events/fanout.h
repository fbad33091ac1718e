// Fan-out of one outbox event: which targets receive it and the job each one gets.
//
// Targets (spec/behaviour.md §3.5):
//   tenant webhooks    of the event's tenant, enabled, with allEvents or the type listed;
//   platform webhooks  enabled, with an empty list (every event) or the type listed;
//   sinks              every SINK plugin instance configured in admind (all events).
// Event types outside the subscribable enum (SendLimitApproaching, SendLimitExceeded, and
// whatever comes later) therefore reach allEvents tenant webhooks, catch-all platform
// webhooks and sinks: the dispatcher is generic over types.
//
// Signing happens here, once per body: every tenant webhook of an event gets the same
// bytes and signature, every platform webhook the platform form with its own; sinks get
// the platform form unsigned. Retries send the stored bytes again.
//
// Target names (dispatch_jobs.target): "tenant:<id>", "platform:<pwh_…>", "sink:<name>".
// Thread-safety: pure functions (the signer is thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admind/events/signer.h"
#include "core/base/result.h"

namespace ark::events {

struct OutboxEvent {
  int64_t id = 0;
  std::string uuid;
  std::string tenant_id;
  std::string type;
  std::string payload_json;
  int64_t occurred_us = 0;
};

struct Subscription {
  std::string id;
  std::vector<std::string> events;
  bool all_events = false;  // tenant webhooks only
};

bool tenant_webhook_wants(const Subscription& s, std::string_view type);
bool platform_webhook_wants(const Subscription& s, std::string_view type);
// A JSON array of strings (webhooks.events); anything else gives an empty list.
std::vector<std::string> parse_event_list(std::string_view json);

struct Target {
  enum class Kind { Tenant, Platform, Sink };
  Kind kind = Kind::Tenant;
  std::string id;

  std::string text() const;
  bool is_webhook() const { return kind != Kind::Sink; }
  static std::optional<Target> parse(std::string_view text);
};

struct JobSpec {
  std::string target;  // Target::text()
  std::string body;
  std::optional<Signature> signature;  // webhooks only
};

// The jobs of one event. tenant_hooks and platform_hooks: ids of the subscribed webhooks.
// Errors: Invalid when webhooks need a signature and there is no signer; the signer's
// errors otherwise.
base::Result<std::vector<JobSpec>> plan_jobs(const OutboxEvent& event,
                                             const std::vector<std::string>& tenant_hooks,
                                             const std::vector<std::string>& platform_hooks,
                                             const std::vector<std::string>& sinks,
                                             const WebhookSigner* signer);

}  // namespace ark::events
