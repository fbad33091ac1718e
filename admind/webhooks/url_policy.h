// Save-time check of webhook URLs (tenant and platform webhooks; issue 7 "Webhook URL
// safety"): https is required unless `webhooks.allow_http`; loopback and private targets
// are refused unless `webhooks.allow_private`.
//
// What can be decided from the URL text alone is decided here: the scheme, the syntax
// (absolute URL, a host, no userinfo, no spaces or control characters, a port 1-65535),
// IP literals (IPv4 and bracketed IPv6, classified like the webhook transport does:
// loopback 127/8 and ::1; private 0/8, 10/8, 100.64/10, 169.254/16, 172.16/12, 192.0.0/24,
// 192.168/16, 198.18/15, 224/4 and up, ::, fc00::/7, fe80::/10, ff00::/8, and IPv4-mapped
// or NAT64 addresses by the IPv4 inside), and names that always mean this machine
// (`localhost`, `*.localhost`). A name that resolves to a private address is caught at
// send time by the transport, which resolves and classifies every address (DNS rebinding).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ark::admind::webhooks {

struct UrlPolicy {
  bool allow_http = false;
  bool allow_private = false;  // also loopback
};

enum class HostClass { Name, Public, Loopback, Private };

// Classifies an IP literal (IPv4 dotted quad or IPv6 without brackets); nullopt when the
// text is not an IP literal.
std::optional<HostClass> classify_ip_literal(std::string_view host);

// nullopt when the URL is acceptable, else a one-line reason for the API error.
std::optional<std::string> check_webhook_url(std::string_view url, const UrlPolicy& policy);

}  // namespace ark::admind::webhooks
