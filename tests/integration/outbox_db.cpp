#include "tests/integration/outbox_db.h"

#include <cctype>

#include "core/crypto/crypto.h"

namespace ark::itest {

std::string return_path(const std::string& message_id, const std::string& host,
                        const std::string& secret) {
  std::string lower = message_id;
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string tag = crypto::hex(crypto::hmac_sha256(secret, "ark-rp|" + lower)).substr(0, 10);
  return message_id + "." + tag + "@" + host;
}

}  // namespace ark::itest
