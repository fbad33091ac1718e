// arkctl's DNS and DKIM commands (issue 5):
//   dns-check [--domain UUID]    run the scheduled DNS re-check now: every monitored domain
//                                (or just this one, whatever its state), recording
//                                DomainDNSError on a change of state; prints one line per
//                                domain checked with the per-record statuses
//   dkim-rotate --domain UUID    make the next DKIM key; prints the TXT record to publish
//                                (signing switches once a DNS check finds it)
//   dkim-ed25519 --domain UUID   add an Ed25519 key; prints its TXT record
// Exit codes: 0 done, 64 usage, 69 database or DNS unavailable, 78 config.
// Thread-safety: runs once in arkctl's main thread.
#pragma once

#include <map>
#include <string>

namespace ark::admind::ctl {

bool is_dns_command(const std::string& command);
int run_dns_command(const std::string& config_path, const std::string& command,
                    const std::map<std::string, std::string>& opts);

}  // namespace ark::admind::ctl
