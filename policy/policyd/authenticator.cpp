#include "policy/policyd/authenticator.h"

#include "core/base/log.h"
#include "core/crypto/crypto.h"

namespace ark::policyd {
namespace {

constexpr const char* kReasonHeld = "credential is on hold";
constexpr const char* kReasonInactive = "tenant is not active";
constexpr const char* kReasonTls = "TLS is required";
constexpr const char* kReasonThrottled = "too many failed attempts, try later";

// The log line never carries the username or password: "{tenant}/{key}" holds the key.
void log_result(const AuthRequest& req, std::string_view result, std::string_view reason,
                const std::string& tenant = {}, int64_t credential = 0) {
  base::log_info("auth", {{"mech", req.mechanism},
                          {"client", req.client_ip},
                          {"result", result},
                          {"reason", reason},
                          {"tenant", tenant},
                          {"credential", credential}});
}

AuthResult fail(std::string reason, bool temp = false) {
  return {AuthResult::Kind::Fail, {}, std::move(reason), temp};
}

}  // namespace

AuthResult Authenticator::refuse(const AuthRequest& req, const char* why) const {
  throttle_.record_failure(req.client_ip);
  log_result(req, "fail", why);
  return fail(kReasonFailed);
}

AuthResult Authenticator::authenticate(const AuthRequest& req) const {
  if (throttle_.blocked(req.client_ip)) {
    log_result(req, "fail", "throttled");
    return fail(kReasonThrottled, true);
  }
  if (settings_.require_secured && !req.secured) {
    log_result(req, "fail", "not_secured");
    return fail(kReasonTls);
  }
  if (!req.authzid.empty() && req.authzid != req.username) {
    return refuse(req, "authzid_differs");
  }
  size_t slash = req.username.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == req.username.size() ||
      req.password.empty()) {
    return refuse(req, "malformed_login");
  }
  auto found = store_.find_by_key_hash(crypto::sha256_hex(req.password));
  if (!found) {
    log_result(req, "unavailable", found.error().message);
    return {AuthResult::Kind::Unavailable, {}, found.error().message, false};
  }
  if (!found->has_value()) {
    return refuse(req, "unknown_key");
  }
  return check(req, **found, req.username.substr(0, slash), req.username.substr(slash + 1));
}

AuthResult Authenticator::check(const AuthRequest& req, const CredentialRecord& cred,
                                const std::string& tenant, const std::string& login) const {
  bool names_it = crypto::constant_time_equal(login, req.password) || login == cred.name;
  if (cred.type != "smtp" || cred.tenant_id != tenant || !names_it) {
    return refuse(req, cred.type != "smtp" ? "not_smtp" : "login_mismatch");
  }
  if (cred.hold) {
    log_result(req, "fail", "credential_held", cred.tenant_id, cred.id);
    return fail(kReasonHeld);
  }
  if (cred.tenant_status != "active") {
    log_result(req, "fail", "tenant_inactive", cred.tenant_id, cred.id);
    return fail(kReasonInactive);
  }
  store_.touch(cred.id);
  log_result(req, "ok", "", cred.tenant_id, cred.id);
  return {AuthResult::Kind::Ok, cred.tenant_id + "/" + cred.name, {}, false};
}

}  // namespace ark::policyd
