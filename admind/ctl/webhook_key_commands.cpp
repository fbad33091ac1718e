#include "admind/ctl/webhook_key_commands.h"

#include <iostream>

#include "admind/admind_config.h"
#include "admind/events/signing_keys.h"
#include "core/base/exit_codes.h"
#include "core/storage/db.h"

namespace ark::admind::ctl {
namespace {

int fail(const std::string& what, const base::Error& e) {
  std::cerr << "arkctl: " << what << ": " << e.message << "\n";
  switch (e.kind) {
    case base::ErrorKind::NotFound:
    case base::ErrorKind::Conflict:
      return base::kExitUsage;
    case base::ErrorKind::Invalid:
      return base::kExitConfig;
    default:
      return base::kExitUnavailable;
  }
}

std::string when(int64_t us) {
  return base::format_iso8601(us);
}

int run(events::SigningKeyStore& keys, const std::string& command,
        const std::map<std::string, std::string>& opts) {
  if (command == "rotate-webhook-key") {
    auto kid = keys.rotate();
    if (!kid) {
      return fail(command, kid.error());
    }
    std::cerr << "New active webhook signing key; the previous one stays published.\n";
    std::cout << *kid << "\n";
    return base::kExitOk;
  }
  if (command == "drop-webhook-key") {
    auto it = opts.find("kid");
    if (it == opts.end()) {
      std::cerr << "arkctl: drop-webhook-key needs --kid KID\n";
      return base::kExitUsage;
    }
    base::Status st = keys.drop(it->second);
    return st ? base::kExitOk : fail(command, st.error());
  }
  auto list = keys.list();
  if (!list) {
    return fail(command, list.error());
  }
  for (const auto& k : *list) {
    std::cout << k.kid << " " << k.state << " created=" << when(k.created_us)
              << (k.retired_us ? " retired=" + when(*k.retired_us) : std::string()) << "\n";
  }
  return base::kExitOk;
}

}  // namespace

bool is_webhook_key_command(const std::string& command) {
  return command == "rotate-webhook-key" || command == "webhook-keys" ||
         command == "drop-webhook-key";
}

int run_webhook_key_command(const std::string& config_path, const std::string& command,
                            const std::map<std::string, std::string>& opts) {
  auto cfg = config::load_config(admind_schema(), config_path);
  if (!cfg) {
    std::cerr << "arkctl: " << cfg.error().message << "\n";
    return base::kExitConfig;
  }
  auto settings = storage::database_settings(*cfg);
  auto seal = seal::SealKey::load_file(cfg->get_string("seal.key_file"));
  if (!settings || !seal) {
    std::cerr << "arkctl: "
              << (!settings ? settings.error().message : "seal.key_file: " + seal.error().message)
              << "\n";
    return base::kExitConfig;
  }
  settings->pool_size = 1;
  storage::DbPool db(*settings);
  events::SigningKeyStore keys(db, *seal, base::SystemClock::instance());
  return run(keys, command, opts);
}

}  // namespace ark::admind::ctl
