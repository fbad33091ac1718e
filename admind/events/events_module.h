// EventsModule: everything admind needs to get events out, built from its config.
//
//   plugins.dir             the only directory plugins are loaded from (plugin_host.h has
//                           the ownership and permission rules)
//   plugins.webhook         the HTTP transport for tenant and platform webhooks (webhook.so);
//                           "" = this process sends no webhooks (jobs wait for one that does)
//   plugins.webhook_config  name=value items for it; for the in-tree webhook plugin
//                           allow_http comes from webhooks.allow_http and allow_loopback /
//                           allow_private from webhooks.allow_private unless given here, so
//                           the save-time URL check and the send-time one agree
//   plugins.sinks           name=file.so: SINK plugin instances (jsonl.so, your own)
//   plugins.sink_config     name.key=value items of those instances
//   events.*                dispatcher settings (dispatcher.h), retry_schedule (C.2), and
//                           key_refresh (how often rotated signing keys are picked up)
//   events.retention  attempt records (and jobs failed for good) older than this
//                           are deleted, hourly, by admind processes with the events role
// List items cannot contain commas (the config format splits lists on them).
//
// create() loads and instantiates every configured plugin and loads the signing keys
// (generating the first one if the table is empty). Any failure is an Error whose message is
// the one line admind prints before exiting with 78: a plugin the host refuses, a wrong ABI
// major, bad plugin settings, a seal key that does not open the stored key.
// With the api role the module serves /.well-known/jwks.json and the sender for test and
// replay; with the events role start() also runs the Dispatcher.
//
// Ownership: owns the plugin host, instances, key ring, stores, the dispatcher's own
// connection pool, sender and dispatcher, and destroys them in reverse order (dispatcher
// first). Borrows the shared pool and the clock.
// Thread-safety: create/start/stop from the main thread; jwks() and sender() from any.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "admind/events/dispatch_store.h"
#include "admind/events/dispatcher.h"
#include "admind/events/plugin_host.h"
#include "admind/events/signing_keys.h"
#include "admind/events/signing_sender.h"
#include "core/config/config.h"
#include "core/seal/seal.h"

namespace ark::events {

struct PluginsConfig {
  std::string dir;
  std::string webhook;  // file name; "" = none
  StringPairs webhook_config;
  std::vector<std::pair<std::string, std::string>> sinks;        // instance name -> file name
  std::vector<std::pair<std::string, StringPairs>> sink_config;  // per instance
};

// Reads and checks plugins.* (Invalid naming the key and item).
base::Result<PluginsConfig> plugins_config(const config::Config& cfg);
// Reads events.* and logs.node (the lease owner; hostname when empty).
base::Result<DispatcherSettings> dispatcher_settings(const config::Config& cfg);

class EventsModule {
 public:
  // dispatch: this process has the events role.
  static base::Result<std::unique_ptr<EventsModule>> create(const config::Config& cfg,
                                                            storage::DbPool& db,
                                                            const base::Clock& clock,
                                                            bool dispatch);
  ~EventsModule();

  // null when no webhook transport is configured.
  WebhookSender* sender() { return sender_.get(); }
  // The JWKS document (active key first, then the retired ones).
  std::string jwks() const;
  void start();
  void stop();

 private:
  EventsModule(storage::DbPool& db, const base::Clock& clock, seal::SealKey seal);
  base::Status load_plugins(const config::Config& cfg, const PluginsConfig& pc);
  base::Status build_dispatcher(const config::Config& cfg, const DispatcherSettings& settings,
                                const base::Clock& clock);
  void refresh_loop();
  void refresh_keys();
  void purge_if_due();

  const base::Clock& clock_;
  PluginHostServices services_;
  std::unique_ptr<PluginHost> host_;
  std::unique_ptr<PluginInstance> webhook_;
  std::vector<std::pair<std::string, std::unique_ptr<PluginInstance>>> sinks_;
  seal::SealKey seal_;
  SigningKeyStore key_store_;
  std::unique_ptr<KeyRing> keys_;
  MysqlDispatchStore store_;  // shared pool: test/replay records, retention
  // The dispatcher's own connections (events.workers + 4), so a busy outbox never makes
  // API requests wait for a connection, nor the other way round.
  std::unique_ptr<storage::DbPool> dispatch_pool_;
  std::unique_ptr<MysqlDispatchStore> dispatch_store_;
  std::unique_ptr<SigningSender> sender_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::chrono::milliseconds key_refresh_{60000};
  int64_t retention_us_ = 0;  // 0: no purge (no events role)
  int64_t last_purge_us_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread refresher_;
};

}  // namespace ark::events
