// Opening libmilter's listening socket from the validated settings.
//
// A unix socket (the default; see docs on why TCP costs ~90 ms per message without the
// latency shim) is created with a tight umask, then given the configured group and mode,
// so Postfix (group postfix) can connect and nobody else can, with no window in between
// where it is wider open. A stale socket file from a crash is removed first.
//
// Call order (libmilter's): configure_listener, then smfi::register_filter, then
// open_listener, then smfi_main.
// Thread-safety: startup only, before smfi_main starts threads (it changes the umask).
#pragma once

#include "core/base/result.h"
#include "milter/settings.h"

namespace ark::milter::smfi {

// smfi_setconn, smfi_settimeout, smfi_setbacklog. Errors: Internal if libmilter refuses.
base::Status configure_listener(const MilterSettings& settings);

// smfi_opensocket, then chgrp/chmod for a unix socket. Errors: Invalid naming the key
// (missing directory, unknown group), Internal when the socket cannot be opened.
base::Status open_listener(const MilterSettings& settings);

}  // namespace ark::milter::smfi
