// arkctl's webhook signing key commands (issue 7; admind/events/signing_keys.h):
//   rotate-webhook-key            make a new active key; the old one is retired but stays
//                                 in /.well-known/jwks.json. Prints the new kid. Running
//                                 admind processes switch within events.key_refresh.
//   webhook-keys                  list the keys: kid, state, created, retired
//   drop-webhook-key --kid KID    remove a retired key from the JWKS (once receivers no
//                                 longer verify deliveries signed with it)
// They read database.* and seal.key_file from admind.yaml.
// Exit codes: 0 done, 64 usage or no such key, 69 database unavailable, 78 config (also a
// seal key that does not open the stored key).
// Thread-safety: runs once in arkctl's main thread.
#pragma once

#include <map>
#include <string>

namespace ark::admind::ctl {

bool is_webhook_key_command(const std::string& command);
int run_webhook_key_command(const std::string& config_path, const std::string& command,
                            const std::map<std::string, std::string>& opts);

}  // namespace ark::admind::ctl
