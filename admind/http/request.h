// One API request as the handlers see it: method, path parameters, query, parsed JSON
// body, the authenticated principal, and the request id. Built by the server glue;
// handlers never touch Poco's networking types.
//
// Thread-safety: owned by one request thread.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>

#include "admind/http/reply.h"

namespace ark::admind::http {

// Who is calling: an organisation-level key (acts on every tenant) or a tenant-scoped key.
struct Principal {
  int64_t key_id = 0;
  std::string tenant_id;  // empty: organisation-level
  bool org_level() const { return tenant_id.empty(); }
  // A tenant-scoped key may only touch its own tenant.
  bool may_access(const std::string& tenant) const { return org_level() || tenant == tenant_id; }
};

// The API rate-limit window of the caller after counting this request (api.md §2.8).
struct RateState {
  int limit = 0;
  int remaining = 0;
  int64_t reset_s = 0;    // unix seconds when the oldest counted request leaves the window
  bool limited = false;   // this request was refused (429)
  int retry_after_s = 0;  // set when limited
};

struct Request {
  std::string method;
  std::string path;
  std::string request_id;
  std::map<std::string, std::string> params;   // path captures
  std::map<std::string, std::string> query;    // decoded; last value wins
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string raw_body;
  bool body_consumed = false;    // false: the body was never read (keep-alive unsafe)
  Poco::JSON::Object::Ptr body;  // set for JSON bodies that parsed to an object
  Principal principal;
  std::string endpoint;           // the matched route's short name ("emails.send"); "" if none
  std::string client_ip;          // peer address of the connection
  std::string key_prefix;         // first 8 characters of the Bearer key (the header itself is
                                  // dropped from `headers` once authentication has used it)
  int64_t received_us = 0;        // wall clock when the request arrived
  std::optional<RateState> rate;  // set once the rate limiter has counted the request

  std::optional<std::string> header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) {
      return std::nullopt;
    }
    return it->second;
  }
};

}  // namespace ark::admind::http
