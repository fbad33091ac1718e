// arkctl: the sysadmin's tool. Subcommands:
//   migrate [--dir DIR]                      apply sql/ migrations
//   create-api-key [--name N] [--tenant ID]  make an API key; printed once on stdout
//   postfix-config --milter-config FILE [--policyd-config FILE] [--main|--master]
//                                            print the Postfix settings for our daemons
//   check-config                             validate the admind config
//   rotate-webhook-key | webhook-keys | drop-webhook-key   (ctl/webhook_key_commands.h)
//   dns-check | dkim-rotate | dkim-ed25519   DNS re-check and DKIM keys (ctl/dns_commands.h)
// Global: --config FILE (admind.yaml; its database.* keys are used).
#include <filesystem>
#include <iostream>
#include <map>
#include <vector>

#include "admind/admind_config.h"
#include "admind/ctl/dns_commands.h"
#include "admind/ctl/postfix_config.h"
#include "admind/ctl/webhook_key_commands.h"
#include "admind/store/key_store.h"
#include "core/base/exit_codes.h"
#include "core/base/log.h"
#include "core/storage/migrate.h"
#include "milter/settings.h"
#include "policy/policyd/settings.h"

#ifndef ARK_SQL_DIR
#define ARK_SQL_DIR "/usr/share/ark/sql"
#endif
#ifndef ARK_SOURCE_SQL_DIR
#define ARK_SOURCE_SQL_DIR ""
#endif

namespace {

using namespace ark;

int usage() {
  std::cerr << "usage: arkctl [--config admind.yaml] <command> [options]\n"
               "  migrate [--dir DIR]\n"
               "  create-api-key [--name NAME] [--tenant TENANT_ID]\n"
               "  postfix-config --milter-config milter.yaml [--policyd-config policyd.yaml]\n"
               "                 [--main|--master]\n"
               "  check-config\n"
               "  rotate-webhook-key | webhook-keys | drop-webhook-key --kid KID\n"
               "  dns-check [--domain UUID]\n"
               "  dkim-rotate --domain UUID | dkim-ed25519 --domain UUID\n";
  return base::kExitUsage;
}

struct Args {
  std::string config = "/etc/ark/admind.yaml";
  bool config_given = false;  // --config was on the command line
  std::string command;
  std::map<std::string, std::string> opts;  // --name value / --flag ""
};

bool parse_args(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--config" && i + 1 < argc) {
      a->config = argv[++i];
      a->config_given = true;
    } else if (s.rfind("--", 0) == 0) {
      bool flag = s == "--main" || s == "--master";
      if (!flag && i + 1 >= argc) {
        return false;
      }
      a->opts[s.substr(2)] = flag ? "" : argv[++i];
    } else if (a->command.empty()) {
      a->command = s;
    } else {
      return false;
    }
  }
  return !a->command.empty();
}

std::string sql_dir(const Args& a) {
  if (auto it = a.opts.find("dir"); it != a.opts.end()) {
    return it->second;
  }
  if (const char* env = std::getenv("ARK_SQL_DIR")) {
    return env;
  }
  if (std::filesystem::exists(ARK_SQL_DIR)) {
    return ARK_SQL_DIR;
  }
  return ARK_SOURCE_SQL_DIR;
}

int with_db(const Args& a, const std::function<int(storage::DbPool&)>& fn) {
  auto cfg = config::load_config(admind::admind_schema(), a.config);
  if (!cfg) {
    std::cerr << "arkctl: " << cfg.error().message << "\n";
    return base::kExitConfig;
  }
  auto settings = storage::database_settings(*cfg);
  if (!settings) {
    std::cerr << "arkctl: " << settings.error().message << "\n";
    return base::kExitConfig;
  }
  settings->pool_size = 1;
  storage::DbPool db(*settings);
  return fn(db);
}

int cmd_migrate(const Args& a) {
  return with_db(a, [&](storage::DbPool& db) {
    auto n = storage::migrate(db, sql_dir(a));
    if (!n) {
      std::cerr << "arkctl: migrate: " << n.error().message << "\n";
      return base::kExitUnavailable;
    }
    auto v = storage::schema_version(db);
    std::cout << "applied " << *n << " migration(s); schema version "
              << (v ? std::to_string(*v) : "?") << "\n";
    return base::kExitOk;
  });
}

int cmd_create_key(const Args& a) {
  return with_db(a, [&](storage::DbPool& db) {
    admind::store::KeyStore keys(db, base::SystemClock::instance());
    std::string name = a.opts.count("name") ? a.opts.at("name") : "arkctl";
    std::string tenant = a.opts.count("tenant") ? a.opts.at("tenant") : "";
    auto k = keys.create(name, tenant);
    if (!k) {
      std::cerr << "arkctl: create-api-key: " << k.error().message << "\n";
      return k.error().kind == base::ErrorKind::NotFound ? base::kExitUsage
                                                         : base::kExitUnavailable;
    }
    std::cerr << "Created " << (tenant.empty() ? "organisation-level" : "tenant-scoped")
              << " API key " << k->id << ". It is shown once; store it now.\n";
    std::cout << k->key << "\n";
    return base::kExitOk;
  });
}

// The bounce intake's part of the wiring comes from admind.yaml: --config, else the
// admind.yaml next to the milter config, else the default path; none found: no intake.
bool add_delivery_wiring(const Args& a, const std::string& milter_config,
                         admind::ctl::PostfixWiring* w) {
  std::string path = a.config;
  if (!a.config_given) {
    auto beside = std::filesystem::path(milter_config).parent_path() / "admind.yaml";
    path = std::filesystem::exists(beside) ? beside.string() : a.config;
    if (!std::filesystem::exists(path)) {
      return true;
    }
  }
  auto cfg = config::load_config(admind::admind_schema(), path);
  if (!cfg) {
    std::cerr << "arkctl: " << cfg.error().message << "\n";
    return false;
  }
  w->return_path_host = cfg->get_string("dns.return_path_host");
  w->bounce_lmtp_socket = cfg->get_string("bounces.lmtp_socket");
  return true;
}

// SMTP AUTH: ark-policyd's socket, from --policyd-config or a policyd.yaml next to the
// milter config (how the dev stack and a packaged install lay them out).
bool add_sasl_wiring(const Args& a, const std::string& milter_config,
                     admind::ctl::PostfixWiring* w) {
  std::string path;
  if (auto it = a.opts.find("policyd-config"); it != a.opts.end()) {
    path = it->second;
  } else {
    auto beside = std::filesystem::path(milter_config).parent_path() / "policyd.yaml";
    if (!std::filesystem::exists(beside)) {
      return true;
    }
    path = beside.string();
  }
  auto cfg = config::load_config(policyd::policyd_schema(), path);
  if (!cfg) {
    std::cerr << "arkctl: " << cfg.error().message << "\n";
    return false;
  }
  auto s = policyd::policyd_settings(*cfg);
  if (!s) {
    std::cerr << "arkctl: " << s.error().message << "\n";
    return false;
  }
  w->sasl_socket = s->socket_path;
  return true;
}

int cmd_postfix_config(const Args& a) {
  auto it = a.opts.find("milter-config");
  if (it == a.opts.end()) {
    return usage();
  }
  auto mcfg = config::load_config(milter::milter_schema(), it->second);
  if (!mcfg) {
    std::cerr << "arkctl: " << mcfg.error().message << "\n";
    return base::kExitConfig;
  }
  auto ms = milter::milter_settings(*mcfg);
  if (!ms) {
    std::cerr << "arkctl: " << ms.error().message << "\n";
    return base::kExitConfig;
  }
  admind::ctl::PostfixWiring w{ms->socket, "", ""};
  if (!add_delivery_wiring(a, it->second, &w) || !add_sasl_wiring(a, it->second, &w)) {
    return base::kExitConfig;
  }
  // With a bounce intake, reports arrive by SMTP through ark-milter, which lets them in only
  // for its own return-path host; the two daemons must name the same one.
  if (!w.bounce_lmtp_socket.empty() && ms->return_path_host != w.return_path_host) {
    std::cerr << "arkctl: bounces.return_path_host in " << it->second << " ('"
              << ms->return_path_host << "') must equal admind's dns.return_path_host ('"
              << w.return_path_host << "') while admind's bounces.lmtp_socket is set\n";
    return base::kExitConfig;
  }
  bool main_only = a.opts.count("main") != 0;
  bool master_only = a.opts.count("master") != 0;
  if (!master_only) {
    auto main_cf = admind::ctl::render_main_cf(w);
    if (!main_cf) {
      std::cerr << "arkctl: " << main_cf.error().message << "\n";
      return base::kExitConfig;
    }
    std::cout << (main_only ? "" : "# --- main.cf ---\n") << *main_cf;
  }
  if (!main_only) {
    std::cout << (master_only ? "" : "# --- master.cf ---\n") << admind::ctl::render_master_cf(w);
  }
  return base::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse_args(argc, argv, &a)) {
    return usage();
  }
  base::log_init("arkctl", base::LogLevel::Warning, false);
  try {
    if (a.command == "migrate") {
      return cmd_migrate(a);
    }
    if (a.command == "create-api-key") {
      return cmd_create_key(a);
    }
    if (a.command == "postfix-config") {
      return cmd_postfix_config(a);
    }
    if (admind::ctl::is_dns_command(a.command)) {
      return admind::ctl::run_dns_command(a.config, a.command, a.opts);
    }
    if (admind::ctl::is_webhook_key_command(a.command)) {
      return admind::ctl::run_webhook_key_command(a.config, a.command, a.opts);
    }
    if (a.command == "check-config") {
      auto cfg = config::load_config(admind::admind_schema(), a.config);
      if (!cfg) {
        std::cerr << "arkctl: " << cfg.error().message << "\n";
        return base::kExitConfig;
      }
      std::cout << a.config << " is valid\n";
      return base::kExitOk;
    }
  } catch (const std::exception& e) {
    std::cerr << "arkctl: " << e.what() << "\n";
    return base::kExitSoftware;
  }
  return usage();
}
