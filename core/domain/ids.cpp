#include "core/domain/ids.h"

#include "core/crypto/crypto.h"

namespace ark::domain {

std::string new_tenant_id() { return "cm" + crypto::random_alnum(13, true); }
std::string new_email_id() { return crypto::random_alnum(16, false); }
std::string new_message_id() { return "msg" + crypto::random_alnum(21, false); }
std::string new_request_id() { return "req_" + crypto::random_urlsafe(16); }

}  // namespace ark::domain
