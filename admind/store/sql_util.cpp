#include "admind/store/sql_util.h"

#include <cctype>

namespace ark::admind::store {

namespace {
bool plain_name(const std::string& s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') {
      return false;
    }
  }
  return true;
}
}  // namespace

std::string json_name_array(const std::vector<std::string>& names) {
  std::string out = "[";
  for (const auto& n : names) {
    if (!plain_name(n)) {
      continue;
    }
    if (out.size() > 1) {
      out += ',';
    }
    out += '"' + n + '"';
  }
  return out + "]";
}

std::vector<std::string> parse_name_array(const std::string& json) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = json.find('"', i)) != std::string::npos) {
    size_t end = json.find('"', i + 1);
    if (end == std::string::npos) {
      break;
    }
    out.push_back(json.substr(i + 1, end - i - 1));
    i = end + 1;
  }
  return out;
}

}  // namespace ark::admind::store
