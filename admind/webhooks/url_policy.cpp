#include "admind/webhooks/url_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace ark::admind::webhooks {
namespace {

HostClass classify_v4(uint32_t a) {  // host byte order
  auto in = [a](uint32_t net, int bits) {
    uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  if (in(0x7F000000, 8)) {
    return HostClass::Loopback;
  }
  if (in(0x00000000, 8) || in(0x0A000000, 8) || in(0x64400000, 10) || in(0xA9FE0000, 16) ||
      in(0xAC100000, 12) || in(0xC0000000, 24) || in(0xC0A80000, 16) || in(0xC6120000, 15) ||
      a >= 0xE0000000) {
    return HostClass::Private;
  }
  return HostClass::Public;
}

HostClass classify_v6(const std::array<unsigned char, 16>& b) {
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static const unsigned char kNat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b.data(), kMapped, 12) == 0 || std::memcmp(b.data(), kNat64, 12) == 0) {
    uint32_t v4 = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) |
                  uint32_t{b[15]};
    return classify_v4(v4);
  }
  bool zero_head = std::all_of(b.begin(), b.begin() + 15, [](unsigned char c) { return c == 0; });
  if (zero_head && b[15] == 1) {
    return HostClass::Loopback;
  }
  if ((zero_head && b[15] == 0) || (b[0] & 0xFE) == 0xFC ||
      (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) || b[0] == 0xFF) {
    return HostClass::Private;
  }
  return HostClass::Public;
}

bool valid_name(std::string_view host) {
  if (!host.empty() && host.back() == '.') {
    host.remove_suffix(1);
  }
  if (host.empty() || host.size() > 253) {
    return false;
  }
  size_t start = 0;
  std::string_view last;
  while (start <= host.size()) {
    size_t dot = std::min(host.find('.', start), host.size());
    std::string_view label = host.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') {
        return false;
      }
    }
    last = label;
    start = dot + 1;
  }
  // "127.1", "0x7f.1", "2130706433": numeric forms that resolvers read as IPv4.
  return !std::all_of(last.begin(), last.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

bool is_localhost_name(std::string host) {
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!host.empty() && host.back() == '.') {
    host.pop_back();
  }
  return host == "localhost" ||
         (host.size() > 10 && host.compare(host.size() - 10, 10, ".localhost") == 0);
}

// Splits the authority into host and port; returns a reason on failure.
std::optional<std::string> split_authority(std::string_view auth, std::string* host,
                                           bool* bracketed) {
  std::string_view port;
  *bracketed = !auth.empty() && auth.front() == '[';
  if (*bracketed) {
    size_t close = auth.find(']');
    if (close == std::string_view::npos) {
      return "unterminated IPv6 literal";
    }
    *host = std::string(auth.substr(1, close - 1));
    std::string_view rest = auth.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return "unexpected characters after the IPv6 literal";
    }
    port = rest.empty() ? rest : rest.substr(1);
    if (!rest.empty() && port.empty()) {
      return "empty port";
    }
  } else {
    size_t colon = auth.find(':');
    *host = std::string(auth.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = auth.substr(colon + 1);
      if (port.empty()) {
        return "empty port";
      }
    }
  }
  if (host->empty()) {
    return "the URL has no host";
  }
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return "the port must be a number from 1 to 65535";
    }
    int n = std::stoi(std::string(port));
    if (n < 1 || n > 65535) {
      return "the port must be a number from 1 to 65535";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<HostClass> classify_ip_literal(std::string_view host) {
  std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return classify_v4(ntohl(v4.s_addr));
  }
  std::array<unsigned char, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) {
    return classify_v6(v6);
  }
  return std::nullopt;
}

std::optional<std::string> check_webhook_url(std::string_view url, const UrlPolicy& policy) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return "the URL must not contain spaces or control characters";
    }
  }
  std::string lower(url.substr(0, std::min<size_t>(url.size(), 8)));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t skip = 0;
  if (lower.rfind("https://", 0) == 0) {
    skip = 8;
  } else if (lower.rfind("http://", 0) == 0) {
    if (!policy.allow_http) {
      return "the URL must use https://";
    }
    skip = 7;
  } else {
    return "the URL must be an absolute https:// URL";
  }
  std::string_view rest = url.substr(skip);
  std::string_view auth = rest.substr(0, rest.find_first_of("/?#"));
  if (auth.find('@') != std::string_view::npos) {
    return "credentials in the URL (user@host) are not allowed";
  }
  std::string host;
  bool bracketed = false;
  if (auto why = split_authority(auth, &host, &bracketed)) {
    return why;
  }
  HostClass cls = HostClass::Name;
  auto ip = classify_ip_literal(host);
  bool v6 = host.find(':') != std::string::npos;
  if (ip && bracketed == v6) {  // IPv6 only inside brackets, IPv4 never
    cls = *ip;
  } else if (bracketed || !valid_name(host)) {
    return "'" + host + "' is not a valid host name or IP address";
  } else if (is_localhost_name(host)) {
    cls = HostClass::Loopback;
  }
  if ((cls == HostClass::Loopback || cls == HostClass::Private) && !policy.allow_private) {
    return "the URL points to a loopback or private address";
  }
  return std::nullopt;
}

}  // namespace ark::admind::webhooks
