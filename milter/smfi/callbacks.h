// The libmilter adapter: the C callbacks registered with libmilter, kept as thin
// dispatchers into Connection (milter/connection.h), plus the one place where a Decision
// becomes smfi_setreply + an sfsistat.
//
// Protocol (Sendmail milter protocol v6 as Postfix speaks it): we negotiate only what we
// use: actions ADDHDRS|CHGHDRS (smfi_insheader for DKIM-Signature is covered by ADDHDRS)
// and QUARANTINE (held mail goes to Postfix's hold queue); steps connect, MAIL, RCPT (only
// while the send policy is on), headers, end of headers, body (while DKIM signs or the send
// policy counts the size), end of message, abort, close. HELO, DATA and unknown commands
// are switched off (SMFIP_NO*), so Postfix does not send them. Macros used: {i} (queue id)
// at end of headers (for logging) and at end of message (recorded); {auth_authen} at MAIL
// (the SASL login) and {daemon_name} (from connect, for the relay listener). Postfix sends
// all of them by default (milter_connect_macros, milter_mail_macros,
// milter_end_of_header_macros, milter_end_of_data_macros).
//
// Ownership: the connection context is created at connect, stored in the libmilter
// private slot as a raw pointer, and deleted exactly once at close (re-adopted by a
// unique_ptr). The process-wide filter is installed before smfi_main and is shared by
// every connection (each connection keeps the snapshot it started with).
// Error policy: every callback has a catch-all; nothing throws into libmilter. A failure
// answers with the configured on_internal_error action.
// Thread-safety: libmilter runs connections on several threads; the installed filter is
// immutable, guarded by a mutex only for swapping.
#pragma once

#include <memory>

#include "core/base/result.h"
#include "milter/message_filter.h"

namespace ark::milter::smfi {

// Installs (or replaces) the filter new connections use.
void install_filter(std::shared_ptr<const MessageFilter> filter);

// smfi_register with our callbacks and flags. Call after smfi_setconn, before
// smfi_opensocket. Errors: Internal when libmilter refuses.
base::Status register_filter();

}  // namespace ark::milter::smfi
