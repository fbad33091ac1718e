// Routing table: (method, path pattern) -> handler. Patterns are literal segments and
// `{name}` captures; literal segments win over captures at the same position, so
// `/v1/emails/batch` is never taken for `/v1/emails/{emailId}` (spec api.md §1).
//
// Thread-safety: built once at startup, then read-only and shared by request threads.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "admind/http/request.h"

namespace ark::admind::http {

using Handler = std::function<Outcome(Request&)>;

struct RouteMatch {
  const Handler* handler = nullptr;  // null: no route
  bool path_known = false;           // the path exists for some other method
  std::string name;                  // the route's short name, e.g. "tenants.get"
};

class Router {
 public:
  void add(std::string method, std::string pattern, std::string name, Handler handler);
  // Fills req.params on a match. Path segments are percent-decoded.
  RouteMatch match(std::string_view method, std::string_view path,
                   std::map<std::string, std::string>* params) const;
  size_t size() const { return routes_.size(); }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{x}" marks a capture
    std::string name;
    Handler handler;
    int literal_score = 0;  // more literal segments first
  };
  std::vector<Route> routes_;
};

// Splits "/a/b/c" into segments and percent-decodes each ('+' stays a plus).
// Returns false on a malformed escape.
bool split_path(std::string_view path, std::vector<std::string>* out);

}  // namespace ark::admind::http
