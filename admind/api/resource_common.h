// Helpers shared by the resource handlers: the tenant access gate, mapping store errors to
// API errors with the resource's name, path ids, query parameters, the event enum, and
// the sample deliveries that `test` sends.
//
// Thread-safety: stateless functions; safe from any request thread.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "admind/api/resources.h"
#include "admind/http/json_input.h"

namespace ark::admind::api {

enum class Gate {
  Read,    // any access to the tenant's resources
  Create,  // creating credentials, domains, webhooks, track domains: archived refuses
};

// 403 permission_denied for another tenant's path with a tenant-scoped key; 404 for an
// unknown tenant; 403 tenant_archived for Gate::Create on an archived tenant.
std::optional<http::ApiError> tenant_gate(Services& s, const http::Request& req,
                                          const std::string& tenant_id, Gate gate);
// 403 permission_denied unless the key is organisation-level.
std::optional<http::ApiError> org_only(const http::Request& req, const std::string& what);

// NotFound -> 404 "<what> not found", Conflict -> 409 conflict with the store's message,
// Invalid -> 400 with its field; the rest as api_error_from.
http::ApiError store_error(const base::Error& e, const std::string& what);

// A positive decimal id ("123"); nullopt otherwise (the caller answers 404).
std::optional<int64_t> parse_id(const std::string& text);

// Query parameters. Absent -> nullopt; malformed -> 400 validation_error naming it.
std::variant<std::optional<bool>, http::ApiError> query_bool(const http::Request& req,
                                                             const std::string& name);
std::variant<std::optional<int64_t>, http::ApiError> query_int(const http::Request& req,
                                                               const std::string& name);
std::variant<std::optional<std::string>, http::ApiError> query_enum(
    const http::Request& req, const std::string& name, const std::vector<std::string>& allowed);

// A JSON integer body field (64-bit); records a validation error in `body` when the
// field is missing (if required) or not an integer.
std::optional<int64_t> body_int(const http::Request& req, http::BodyReader& body,
                                const std::string& key, bool required);

// The eight subscribable event types (api.md §2.12).
const std::vector<std::string>& event_types();
// Reads `events` (each one of event_types(), duplicates dropped). min_items: 1 for tenant
// webhooks ("if given: >= 1 item"), 0 for platform webhooks (empty = all).
std::optional<std::vector<std::string>> read_events(http::BodyReader& body, size_t min_items);
// Checks a webhook URL against the configured policy; 400 validation_error on `url`.
std::optional<http::ApiError> check_url(const ResourceServices& r, const std::string& url);

// RFC 4122 version 4 UUID, lower case.
std::string new_uuid();

// Query filters of the delivery lists (success, event, after, before).
std::variant<store::DeliveryFilter, http::ApiError> delivery_filter(const http::Request& req);

// The delivery a `test` sends: the sample event body (api.md Appendix A; platform bodies
// carry tenant_id at envelope level and "_test": true). The webhook sender signs it.
store::DeliveryRow test_delivery(const store::WebhookRow& w, store::WebhookScope scope,
                                 const std::string& event, int64_t now_us);

}  // namespace ark::admind::api
