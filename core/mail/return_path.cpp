// VERP return paths; see return_path.h.
#include "core/mail/return_path.h"

#include <cctype>

#include "core/crypto/crypto.h"

namespace ark::mail {
namespace {

constexpr size_t kTagLen = 10;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Over the lower-cased id, so an address lower-cased on the way back still verifies.
std::string tag_for(std::string_view message_id, std::string_view secret) {
  std::string mac = crypto::hmac_sha256(secret, "ark-rp|" + lower(message_id));
  return crypto::hex(mac).substr(0, kTagLen);
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string make_return_path(std::string_view message_id, std::string_view host,
                             std::string_view secret) {
  return std::string(message_id) + "." + tag_for(message_id, secret) + "@" + std::string(host);
}

std::optional<ReturnPath> parse_return_path(std::string_view address, std::string_view secret) {
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
    address = address.substr(1, address.size() - 2);
  }
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || secret.empty()) {
    return std::nullopt;
  }
  std::string_view local = address.substr(0, at);
  std::optional<std::string> rcpt;
  size_t plus = local.find('+');
  if (plus != std::string_view::npos) {
    std::string_view verp = local.substr(plus + 1);
    size_t eq = verp.rfind('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == verp.size()) {
      return std::nullopt;
    }
    rcpt = std::string(verp.substr(0, eq)) + "@" + std::string(verp.substr(eq + 1));
    local = local.substr(0, plus);
  }
  size_t dot = local.rfind('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view id = local.substr(0, dot);
  std::string tag = lower(local.substr(dot + 1));
  if (!valid_id(id) || tag.size() != kTagLen) {
    return std::nullopt;
  }
  if (!crypto::constant_time_equal(tag, tag_for(id, secret))) {
    return std::nullopt;
  }
  return ReturnPath{std::string(id), rcpt};
}

}  // namespace ark::mail
