#include "url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace ark::plugins::webhook {
namespace {

bool has_forbidden_char(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool parse_port(std::string_view text, uint16_t* port) {
  if (text.empty() || text.size() > 5) {
    return false;
  }
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) {
    return false;
  }
  *port = static_cast<uint16_t>(value);
  return true;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// Splits "host[:port]" or "[v6][:port]"; *port is nullopt when there is no ':' at all.
bool split_authority(std::string_view authority, std::string_view* host,
                     std::optional<std::string_view>* port, std::string* error) {
  *host = authority;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      *error = "unterminated IPv6 literal";
      return false;
    }
    *host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      *error = "garbage after IPv6 literal";
      return false;
    }
    if (!rest.empty()) {
      *port = rest.substr(1);
    }
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    *host = authority.substr(0, colon);
    *port = authority.substr(colon + 1);  // a second ':' makes the port invalid
  }
  return true;
}

// Fills url->host and url->port from the authority part.
bool parse_authority(std::string_view authority, Url* url, std::string* error) {
  std::string_view host;
  std::optional<std::string_view> port;
  if (!split_authority(authority, &host, &port, error)) {
    return false;
  }
  url->host = lower(host);
  if (url->host.empty()) {
    *error = "empty host";
    return false;
  }
  bool bracketed = authority.front() == '[';
  unsigned char buf[16];
  if (bracketed != (inet_pton(AF_INET6, url->host.c_str(), buf) == 1)) {
    *error = bracketed ? "bad IPv6 literal" : "IPv6 literals must be in brackets";
    return false;
  }
  if (port && !parse_port(*port, &url->port)) {
    *error = "bad port";
    return false;
  }
  return true;
}

}  // namespace

std::optional<Url> parse_url(std::string_view text, std::string* error) {
  Url url;
  size_t sep = text.find("://");
  std::string scheme = lower(text.substr(0, sep == std::string_view::npos ? 0 : sep));
  if (scheme != "http" && scheme != "https") {
    *error = "URL must start with http:// or https://";
    return std::nullopt;
  }
  if (has_forbidden_char(text)) {
    *error = "URL contains spaces or control characters";
    return std::nullopt;
  }
  url.https = scheme == "https";
  url.port = url.https ? 443 : 80;
  std::string_view rest = text.substr(sep + 3);
  rest = rest.substr(0, rest.find('#'));
  size_t path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  if (authority.find('@') != std::string_view::npos) {
    *error = "credentials in URLs are not allowed";
    return std::nullopt;
  }
  if (!parse_authority(authority, &url, error)) {
    return std::nullopt;
  }
  url.host_is_ip = is_ip_literal(url.host);
  std::string_view target = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  url.target =
      target.empty() || target.front() == '?' ? "/" + std::string(target) : std::string(target);
  bool v6 = url.host.find(':') != std::string::npos;
  url.host_header = v6 ? "[" + url.host + "]" : url.host;
  if (url.port != (url.https ? 443 : 80)) {
    url.host_header += ":" + std::to_string(url.port);
  }
  return url;
}

}  // namespace ark::plugins::webhook
