// Process exit codes, from sysexits(3), used by every front end's main().
#pragma once

namespace ark::base {
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;        // EX_USAGE: bad command line
inline constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: a dependency is down
inline constexpr int kExitSoftware = 70;     // EX_SOFTWARE: internal error
inline constexpr int kExitConfig = 78;       // EX_CONFIG: configuration error
}  // namespace ark::base
