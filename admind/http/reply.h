// What a handler returns: a success reply (data for the envelope, or a flat page, or a
// raw body) or an ApiError. The server turns either into bytes in one place.
//
// Thread-safety: value types; a Reply is built and consumed by one request thread.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "admind/http/api_error.h"

namespace ark::admind::http {

struct Page {
  int page = 1;
  int per_page = 30;
  int64_t total = 0;
};

struct Reply {
  int status = 200;
  Poco::Dynamic::Var data;   // envelope `data`
  std::optional<Page> page;  // set: flat paginated shape (data is the array)
  // Extra top-level members of a flat page (e.g. `period` of GET /usage/tenants).
  std::vector<std::pair<std::string, Poco::Dynamic::Var>> page_extras;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> raw;  // set: sent as is instead of the JSON envelope
  std::string content_type;        // for raw bodies

  static Reply ok(Poco::Dynamic::Var d, int status = 200) {
    Reply r;
    r.status = status;
    r.data = std::move(d);
    return r;
  }
  // A body that is not the JSON envelope (CSV export, a replayed idempotent response).
  static Reply raw_body(std::string body, std::string content_type, int status = 200) {
    Reply r;
    r.status = status;
    r.raw = std::move(body);
    r.content_type = std::move(content_type);
    return r;
  }
  static Reply paged(Poco::JSON::Array::Ptr items, Page p) {
    Reply r;
    r.data = items;
    r.page = p;
    return r;
  }
};

using Outcome = std::variant<Reply, ApiError>;

// An ordered JSON object (Poco keeps insertion order with this flag), so responses read
// in the order the spec lists the fields.
inline Poco::JSON::Object::Ptr new_object() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

}  // namespace ark::admind::http
