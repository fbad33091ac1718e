// webhook: the Ark HTTP transport plugin (role ARK_PLUGIN_ROLE_HTTP_TRANSPORT).
//
// admind builds each webhook request (envelope body, X-Ark-Signature, X-Ark-Signature-KID,
// Content-Type, User-Agent; spec/behaviour.md §3) and signs it once. This plugin only carries
// it: one POST of the exact body and headers to the URL, one connection per delivery
// ("Connection: close"), no redirects followed (a redirect could point past the address
// policy), no cookies, no proxy.
//
// Results:
//   Ok             any 2xx response.
//   Retry          any other response (status and body excerpt reported), connection
//                  refused or reset, DNS failure, TLS failure, or the deadline reached.
//   FailPermanent  the URL is refused by policy: http:// while allow_http is off, or every
//                  address of the host is loopback/private while that is not allowed.
//   Invalid        the URL does not parse, or a header is forbidden or malformed.
//
// Deadline: everything (DNS, connect, TLS handshake, sending, reading the response) must
// finish by the deadline the host passes; whatever is still running then is abandoned and
// the result is Retry. Only the first `response_excerpt_bytes` of the body are read.
//
// Config:
//   allow_http              false  accept http:// URLs (https:// is always accepted)
//   allow_loopback          false  connect to 127.0.0.0/8 and ::1
//   allow_private           false  connect to private, link-local, CGNAT and other
//                                  non-public ranges (see address.h)
//   ca_file                 ""     PEM bundle to trust instead of the system store
//   response_excerpt_bytes  1024   bytes of the response body kept (0..65536)
//
// Ownership: the instance owns its TLS context. Thread-safety: deliver() keeps all state on
// its own stack; the TLS context is shared read-only, so concurrent calls are safe.
#include <memory>
#include <string>

#include "ark_plugin_sdk.h"
#include "connection.h"
#include "http_message.h"
#include "url.h"

namespace ark::plugins::webhook {
namespace {

using ark::plugin::Failure;
using ark::plugin::Outcome;

struct Settings {
  bool allow_http = false;
  AddressPolicy policy;
  std::string ca_file;
  size_t excerpt_bytes = 1024;
};

Settings read_settings(const ark::plugin::Config& config) {
  config.allow_only(
      {"allow_http", "allow_loopback", "allow_private", "ca_file", "response_excerpt_bytes"});
  Settings s;
  s.allow_http = config.get_bool("allow_http", false);
  s.policy.allow_loopback = config.get_bool("allow_loopback", false);
  s.policy.allow_private = config.get_bool("allow_private", false);
  s.ca_file = std::string(config.get_or("ca_file", ""));
  s.excerpt_bytes = config.get_uint("response_excerpt_bytes", 1024, 0, 65536);
  return s;
}

std::chrono::milliseconds left(Deadline deadline) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
  return d.count() > 0 ? d : std::chrono::milliseconds(0);
}

class WebhookPlugin {
 public:
  WebhookPlugin(const ark::plugin::Host& host, const ark::plugin::Config& config)
      : host_(host), settings_(read_settings(config)) {
    try {
      tls_ = std::make_unique<TlsContext>(settings_.ca_file);
    } catch (const std::exception& e) {
      throw Failure(Outcome::Invalid, e.what());
    }
    host_.info(std::string("webhook ready allow_http=") + (settings_.allow_http ? "1" : "0") +
               " allow_loopback=" + (settings_.policy.allow_loopback ? "1" : "0") +
               " allow_private=" + (settings_.policy.allow_private ? "1" : "0"));
  }

  Outcome deliver(const ark::plugin::Event& event, uint64_t deadline_ms,
                  ark::plugin::Report& report) {
    Deadline deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(host_.remaining_ms(deadline_ms));
    std::string error;
    std::optional<Url> url = parse_url(event.url(), &error);
    if (!url) {
      throw Failure(Outcome::Invalid, "bad webhook URL: " + error);
    }
    if (!url->https && !settings_.allow_http) {
      throw Failure(Outcome::FailPermanent, "http:// URLs are not allowed (allow_http is off)");
    }
    HeaderList headers;
    for (size_t i = 0; i < event.header_count(); ++i) {
      headers.emplace_back(event.header(i).name, event.header(i).value);
    }
    std::optional<std::string> request =
        build_post(url->target, url->host_header, headers, event.body(), &error);
    if (!request) {
      throw Failure(Outcome::Invalid, error);
    }
    SigpipeBlock no_sigpipe;
    return exchange(*url, *request, deadline, report);
  }

 private:
  // Resolves, applies the address policy and connects to the first allowed address that
  // answers. nullptr with the outcome in *outcome and the reason in *error otherwise.
  std::unique_ptr<Connection> connect(const Url& url, Deadline deadline, Outcome* outcome,
                                      std::string* error) {
    Resolved resolved = resolve(url.host, url.port, left(deadline));
    *outcome = Outcome::Retry;
    if (resolved.status != ResolveStatus::Ok) {
      *error = resolved.error;
      return nullptr;
    }
    *error = "no address allowed for " + url.host;
    bool any_allowed = false;
    for (const Address& address : resolved.addresses) {
      if (!settings_.policy.allows(address.cls)) {
        *error += " (" + address.text + " refused by policy)";
        continue;
      }
      any_allowed = true;
      if (auto conn = Connection::open(address, deadline, error)) {
        return conn;
      }
    }
    if (!any_allowed) {
      *outcome = Outcome::FailPermanent;
    }
    return nullptr;
  }

  Outcome exchange(const Url& url, const std::string& request, Deadline deadline,
                   ark::plugin::Report& report) {
    Outcome outcome = Outcome::Retry;
    std::string error;
    std::unique_ptr<Connection> conn = connect(url, deadline, &outcome, &error);
    bool ok = conn != nullptr;
    ok = ok && (!url.https || conn->start_tls(*tls_, url.host, url.host_is_ip, deadline, &error));
    ok = ok && conn->write_all(request, deadline, &error);
    ResponseParser parser(settings_.excerpt_bytes);
    ok = ok && read_response(*conn, deadline, &parser, &error);
    if (parser.head_complete()) {
      report.set_status_code(parser.status());
      report.set_response_excerpt(parser.excerpt());
      if (parser.status() >= 200 && parser.status() < 300) {
        return Outcome::Ok;
      }
      error = "HTTP status " + std::to_string(parser.status());
      outcome = Outcome::Retry;
    }
    report.set_error(error);
    return outcome;
  }

  static bool read_response(Connection& conn, Deadline deadline, ResponseParser* parser,
                            std::string* error) {
    char buf[16384];
    while (!parser->done()) {
      long n = conn.read_some(buf, sizeof buf, deadline, error);
      if (n < 0) {
        return false;
      }
      if (n == 0) {
        parser->feed_eof();
        break;
      }
      if (!parser->feed(std::string_view(buf, static_cast<size_t>(n)))) {
        break;
      }
    }
    if (!parser->done()) {
      *error = "bad response: " + parser->error();
      return false;
    }
    return true;
  }

  ark::plugin::Host host_;
  Settings settings_;
  std::unique_ptr<TlsContext> tls_;
};

}  // namespace
}  // namespace ark::plugins::webhook

ARK_PLUGIN_DEFINE(ark::plugins::webhook::WebhookPlugin, "webhook", "1.0.0",
                  ARK_PLUGIN_ROLE_HTTP_TRANSPORT)
