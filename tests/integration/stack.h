// Test-side access to the running dev stack (scripts/dev-up): its environment file,
// an HTTP client for the API, raw SMTP to the private Postfix, and helpers that wait
// for a condition with a deadline (no fixed sleeps).
//
// Thread-safety: test code, single-threaded.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ark::itest {

// Variables from $ARK_DEV_ENV ("export KEY=VALUE" lines). Throws if unset or unreadable.
const std::map<std::string, std::string>& env();
std::string env_get(const std::string& key);

struct HttpResult {
  int status = 0;
  std::string body;
  Poco::JSON::Object::Ptr json;  // null when the body is not a JSON object
  std::map<std::string, std::string> headers;
};

// key: the Bearer token; "" sends no Authorization header.
HttpResult http(const std::string& method, const std::string& path, const std::string& key,
                const std::string& body = "");

// The one HTTP exchange under http() and api_call.h's call(): any extra headers; base_url
// "" = the dev stack's ARK_API_URL. POST and PATCH always carry a JSON content type and a
// Content-Length, as the SDKs send them.
HttpResult http_exchange(const std::string& method, const std::string& path, const std::string& key,
                         const std::string& body, const std::map<std::string, std::string>& headers,
                         const std::string& base_url, int timeout_s);

// Sends one message over SMTP to the private Postfix. Returns the SMTP code of the first
// refusal (or 250 when accepted) and the server's text in *reply.
int smtp_send(const std::string& from, const std::vector<std::string>& rcpts,
              const std::string& data, std::string* reply);

// Polls fn every 100 ms until it returns true or the deadline passes.
bool eventually(const std::function<bool()>& fn, std::chrono::milliseconds deadline);

std::string read_file(const std::string& path);
// The smtp-sink's copy (ARK_SINK_DIR) of the message containing `needle`, waiting up to
// `deadline` for it; "" when none arrived. The copy starts with the sink's envelope lines
// (X-Mail-Args: <envelope sender>, X-Rcpt-Args).
std::string sink_copy(const std::string& needle,
                      std::chrono::milliseconds deadline = std::chrono::seconds(30));
// Runs a command through /bin/sh; returns its exit status.
int run(const std::string& command);
// Creates a tenant through the API with the org key; returns its id.
std::string create_tenant(const std::string& name);

}  // namespace ark::itest
