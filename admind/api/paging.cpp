#include <charconv>

#include "admind/api/services.h"

namespace ark::admind::api {

namespace {
bool parse_int(const std::string& s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}
}  // namespace

std::variant<http::Page, http::ApiError> parse_paging(const http::Request& req, bool zero_page_ok) {
  http::Page p;
  if (auto it = req.query.find("page"); it != req.query.end()) {
    if (!parse_int(it->second, &p.page) || p.page < (zero_page_ok ? 0 : 1)) {
      return http::ApiError::validation("page must be an integer >= 1", "page");
    }
    if (p.page == 0) {
      p.page = 1;
    }
  }
  if (auto it = req.query.find("perPage"); it != req.query.end()) {
    if (!parse_int(it->second, &p.per_page) || p.per_page < 1 || p.per_page > 100) {
      return http::ApiError::validation("perPage must be an integer from 1 to 100", "perPage");
    }
  }
  return p;
}

}  // namespace ark::admind::api
