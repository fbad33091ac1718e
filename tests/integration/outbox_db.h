// The events tests' view of the dev stack's MariaDB (issue 7): the shared TestDb, and the
// VERP return path an NDR is sent to.
#pragma once

#include <string>

#include "tests/integration/test_db.h"

namespace ark::itest {

using OutboxDb = TestDb;

// The return path admind gives the message (format of core/mail/return_path.h:
// <message id>.<first 10 hex of HMAC-SHA256(secret, "ark-rp|" + lower-case id)>@<host>).
std::string return_path(const std::string& message_id, const std::string& host,
                        const std::string& secret);

}  // namespace ark::itest
