#include "core/mail/address.h"

#include <cctype>
#include <cstring>

namespace ark::mail {
namespace {

bool atext(unsigned char c) {
  return std::isalnum(c) || std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr || c >= 0x80;
}

bool valid_local(std::string_view local) {
  if (local.empty() || local.size() > 64) {
    return false;
  }
  if (local.front() == '"') {
    if (local.size() < 2 || local.back() != '"') {
      return false;
    }
    for (size_t i = 1; i + 1 < local.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(local[i]);
      if (c < 0x20 || c == 0x7f || (c == '"' && local[i - 1] != '\\')) {
        return false;
      }
    }
    return true;
  }
  if (local.front() == '.' || local.back() == '.') {
    return false;
  }
  for (size_t i = 0; i < local.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(local[i]);
    if (c == '.') {
      if (local[i - 1] == '.') {
        return false;
      }
    } else if (!atext(c)) {
      return false;
    }
  }
  return true;
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 253) {
    return false;
  }
  int labels = 0;
  size_t start = 0;
  while (start <= d.size()) {
    size_t dot = d.find('.', start);
    if (dot == std::string_view::npos) {
      dot = d.size();
    }
    std::string_view label = d.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (unsigned char c : label) {
      if (!(std::isalnum(c) || c == '-' || c >= 0x80)) {
        return false;
      }
    }
    ++labels;
    start = dot + 1;
  }
  return labels >= 2;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

bool valid_address(std::string_view addr) {
  if (addr.size() > 254) {
    return false;
  }
  size_t at = addr.rfind('@');
  if (at == std::string_view::npos) {
    return false;
  }
  return valid_local(addr.substr(0, at)) && valid_domain(addr.substr(at + 1));
}

std::string lower_domain(std::string_view addr) {
  std::string out(addr);
  size_t at = out.rfind('@');
  for (size_t i = at == std::string::npos ? out.size() : at; i < out.size(); ++i) {
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

base::Result<Mailbox> parse_mailbox(std::string_view text) {
  using base::Error;
  std::string_view s = trim(text);
  Mailbox mb;
  for (unsigned char c : s) {
    if (c == '\r' || c == '\n' || c == 0) {
      return Error::invalid("address contains a line break or NUL");
    }
  }
  if (!s.empty() && s.back() == '>') {
    size_t lt = s.rfind('<');
    if (lt == std::string_view::npos) {
      return Error::invalid("unbalanced angle brackets");
    }
    std::string_view name = trim(s.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    } else if (name.find_first_of("\"<>") != std::string_view::npos) {
      return Error::invalid("display name must be quoted when it has special characters");
    }
    mb.display = std::string(name);
    s = trim(s.substr(lt + 1, s.size() - lt - 2));
  }
  if (!valid_address(s)) {
    return Error::invalid("invalid email address '" + std::string(s) + "'");
  }
  mb.address = std::string(s);
  mb.domain = lower_domain(s).substr(s.rfind('@') + 1);
  return mb;
}

}  // namespace ark::mail
