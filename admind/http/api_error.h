// The REST error vocabulary (spec api.md §2.6, behaviour.md Appendix C.6) and the one
// place where base::Error kinds become HTTP statuses and error codes.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <string>

#include "core/base/result.h"

namespace ark::admind::http {

struct ApiError {
  int status = 500;
  std::string code = "internal_error";
  std::string message;
  std::string field;       // omitted from the body when empty
  std::string suggestion;  // omitted from the body when empty
  int retry_after_s = 0;   // > 0: sent as a Retry-After header

  static ApiError validation(std::string message, std::string field = {},
                             std::string suggestion = {}) {
    return {400, "validation_error", std::move(message), std::move(field), std::move(suggestion)};
  }
  static ApiError invalid_email(std::string message, std::string field) {
    return {400, "invalid_email_format", std::move(message), std::move(field),
            "Use addr@domain, Name <addr@domain> or \"Quoted Name\" <addr@domain>"};
  }
  static ApiError not_found(std::string what) {
    return {404, "not_found", std::move(what) + " not found", {}, {}};
  }
  static ApiError permission_denied(std::string message) {
    return {403, "permission_denied", std::move(message), {}, {}};
  }
  static ApiError unprocessable(std::string code, std::string message, std::string field = {}) {
    return {422, std::move(code), std::move(message), std::move(field), {}};
  }
  static ApiError unavailable(std::string message) {
    return {503, "service_unavailable", std::move(message), {}, "Retry in a few seconds"};
  }
  static ApiError internal(std::string message) {
    return {500, "internal_error", std::move(message), {}, {}};
  }
};

// Maps an error value from the store or another layer. Transient -> 503,
// NotFound -> 404, Conflict -> 409, Invalid -> 400, Permanent/Internal -> 500.
ApiError api_error_from(const base::Error& error);

}  // namespace ark::admind::http
