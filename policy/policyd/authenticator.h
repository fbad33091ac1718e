// Authenticator: checks one SMTP login (behaviour.md Appendix C.7) for ark-policyd.
//
//   username  {tenantId}/{key}  or  {tenantId}/{credential name}
//   password  the credential key
// The key is looked up by its SHA-256 (the credentials table keeps only that and a sealed
// copy); the credential must be of type smtp, belong to the tenant the username names, and
// the part after "/" must be that key or that credential's name. A username naming another
// tenant fails. On success the login Postfix records ({auth_authen}, sasl_username in its
// log) is "{tenantId}/{credential name}": never the key, so no secret reaches the maillog,
// and ark-milter binds the mail by it.
//
// Refusals (Result::Fail, with the reason Postfix puts after "535 5.7.8 ... failed:"):
//   wrong key, unknown login, malformed username ...  "invalid username or password"
//   the credential is on hold                          "credential is on hold"
//   the tenant is suspended or archived                "tenant is not active"
//   TLS required but the session is not secured        "TLS is required"
//   the client address is throttled (flagged temp)    "too many failed attempts, try later"
// Only wrong logins count towards the throttle (a correct key for a held credential
// proves knowledge of the key). The store being unavailable is Result::Unavailable: the
// session then closes without replying (style.md §4) and Postfix answers 454 4.7.0.
//
// Ownership: borrows the store, the throttle and the clock. Thread-safety: safe to call
// from many session threads (the store and the throttle are).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/result.h"
#include "policy/policyd/throttle.h"

namespace ark::policyd {

struct CredentialRecord {
  int64_t id = 0;
  std::string tenant_id;
  std::string name;
  std::string type;  // smtp | api
  bool hold = false;
  std::string tenant_status;  // active | suspended | archived
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  // nullopt: no credential has this key hash. Errors: Transient (database unreachable),
  // anything else is internal; both make the session close without replying.
  virtual base::Result<std::optional<CredentialRecord>> find_by_key_hash(
      const std::string& sha256_hex) = 0;
  // Records a successful login (credentials.last_used_at); failures are only logged.
  virtual void touch(int64_t credential_id) = 0;
};

struct AuthRequest {
  std::string mechanism;  // for the log line
  std::string username;   // authentication identity (authcid)
  std::string authzid;    // PLAIN's authorization identity; must be empty or equal username
  std::string password;
  std::string client_ip;  // Postfix's rip=
  bool secured = false;   // Postfix's "secured" flag: the SMTP session runs TLS
};

struct AuthResult {
  enum class Kind { Ok, Fail, Unavailable };
  Kind kind = Kind::Fail;
  std::string user;    // Ok: the canonical login
  std::string reason;  // Fail: the reason text
  bool temp = false;   // Fail: temporary (throttled)
};

struct AuthSettings {
  bool require_secured = true;
};

class Authenticator {
 public:
  Authenticator(CredentialStore& store, Throttle& throttle, AuthSettings settings)
      : store_(store), throttle_(throttle), settings_(settings) {}

  AuthResult authenticate(const AuthRequest& req) const;

 private:
  AuthResult check(const AuthRequest& req, const CredentialRecord& cred, const std::string& tenant,
                   const std::string& login) const;
  AuthResult refuse(const AuthRequest& req, const char* why) const;

  CredentialStore& store_;
  Throttle& throttle_;
  AuthSettings settings_;
};

inline constexpr const char* kReasonFailed = "invalid username or password";

}  // namespace ark::policyd
