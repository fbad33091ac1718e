// Opening libmilter's listening socket from the validated settings.
//
// A unix socket (the default: TCP costs latency, see tcp_latency_shim.cpp) is created
// with a tight umask, then given the configured group and mode, so Postfix (group
// postfix) can connect and nobody else can, with no window in between where it is wider
// open. A stale socket file from a crash is removed first; on a clean stop we remove our
// own socket file (libmilter leaves it), but only if it is still the one we made.
//
// Call order (libmilter's): check_listener, configure_listener, smfi::register_filter,
// open_listener, smfi_main, remove_listener_socket.
// Thread-safety: startup and shutdown only, outside smfi_main (it changes the umask).
#pragma once

#include "core/base/result.h"
#include "milter/settings.h"

namespace ark::milter::smfi {

// The host-dependent checks --check-config also runs: for a unix socket, its directory
// exists and the group exists. Errors: Invalid, naming the key.
base::Status check_listener(const MilterSettings& settings);

// smfi_setconn, smfi_settimeout, smfi_setbacklog. Errors: Internal if libmilter refuses.
base::Status configure_listener(const MilterSettings& settings);

// check_listener, smfi_opensocket, then chgrp/chmod for a unix socket. Errors: Invalid
// naming the key, Internal when the socket cannot be opened.
base::Status open_listener(const MilterSettings& settings);

// Unlinks the unix socket if it is still the file open_listener made. No-op for inet.
void remove_listener_socket(const MilterSettings& settings);

}  // namespace ark::milter::smfi
