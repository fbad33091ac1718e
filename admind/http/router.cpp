#include "admind/http/router.h"

#include <algorithm>

namespace ark::admind::http {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}
}  // namespace

bool split_path(std::string_view path, std::vector<std::string>* out) {
  out->clear();
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    std::string seg;
    for (size_t k = i; k < end; ++k) {
      if (path[k] == '%') {
        if (k + 2 >= end) {
          return false;
        }
        int hi = hex_value(path[k + 1]);
        int lo = hex_value(path[k + 2]);
        if (hi < 0 || lo < 0) {
          return false;
        }
        seg += static_cast<char>(hi * 16 + lo);
        k += 2;
      } else {
        seg += path[k];
      }
    }
    out->push_back(std::move(seg));
    i = end;
  }
  return true;
}

void Router::add(std::string method, std::string pattern, std::string name, Handler handler) {
  Route r;
  r.method = std::move(method);
  split_path(pattern, &r.segments);
  for (const auto& s : r.segments) {
    if (s.empty() || s.front() != '{') {
      ++r.literal_score;
    }
  }
  r.name = std::move(name);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
  // Routes with more literal segments are tried first.
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
    return a.literal_score > b.literal_score;
  });
}

RouteMatch Router::match(std::string_view method, std::string_view path,
                         std::map<std::string, std::string>* params) const {
  RouteMatch result;
  std::vector<std::string> segs;
  if (!split_path(path, &segs)) {
    return result;
  }
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) {
      continue;
    }
    std::map<std::string, std::string> captured;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& p = r.segments[i];
      if (!p.empty() && p.front() == '{') {
        ok = !segs[i].empty();
        captured[p.substr(1, p.size() - 2)] = segs[i];
      } else {
        ok = p == segs[i];
      }
    }
    if (!ok) {
      continue;
    }
    if (r.method != method) {
      result.path_known = true;
      continue;
    }
    result.handler = &r.handler;
    result.name = r.name;
    *params = std::move(captured);
    return result;
  }
  return result;
}

}  // namespace ark::admind::http
