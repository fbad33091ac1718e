#include "admind/events/events_module.h"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "core/base/log.h"

namespace ark::events {

using base::Error;
using base::Result;
using base::Status;

namespace {

// "name=value" -> pair; nullopt when there is no '=' or the name is empty.
std::optional<std::pair<std::string, std::string>> split_item(const std::string& item, char sep) {
  size_t at = item.find(sep);
  if (at == std::string::npos || at == 0) {
    return std::nullopt;
  }
  return std::make_pair(item.substr(0, at), item.substr(at + 1));
}

bool has_key(const StringPairs& pairs, const std::string& key) {
  return std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == key; });
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') {
    return "admind";
  }
  return buf;
}

Status read_sinks(const config::Config& cfg, PluginsConfig* pc) {
  std::set<std::string> names;
  for (const std::string& item : cfg.get_list("plugins.sinks")) {
    auto kv = split_item(item, '=');
    if (!kv || kv->second.empty() || !names.insert(kv->first).second) {
      return Error::invalid("plugins.sinks: item '" + item +
                            "' must be name=file.so with a name used once");
    }
    pc->sinks.push_back(*kv);
    pc->sink_config.push_back({kv->first, {}});
  }
  for (const std::string& item : cfg.get_list("plugins.sink_config")) {
    auto kv = split_item(item, '=');
    auto dotted = kv ? split_item(kv->first, '.') : std::nullopt;
    auto it = std::find_if(pc->sink_config.begin(), pc->sink_config.end(),
                           [&](const auto& s) { return dotted && s.first == dotted->first; });
    if (!dotted || dotted->second.empty() || it == pc->sink_config.end()) {
      return Error::invalid("plugins.sink_config: item '" + item +
                            "' must be name.key=value for a name in plugins.sinks");
    }
    it->second.emplace_back(dotted->second, kv->second);
  }
  return {};
}

// The in-tree webhook transport gets the save-time URL policy unless told otherwise.
void add_url_policy(const config::Config& cfg, StringPairs* settings) {
  auto add = [&](const std::string& key, bool value) {
    if (!has_key(*settings, key)) {
      settings->emplace_back(key, value ? "true" : "false");
    }
  };
  add("allow_http", cfg.get_bool("webhooks.allow_http"));
  add("allow_loopback", cfg.get_bool("webhooks.allow_private"));
  add("allow_private", cfg.get_bool("webhooks.allow_private"));
}

DeliverFn deliver_fn(const PluginInstance& instance) {
  return [&instance](const PluginEvent& ev, uint64_t deadline_ms) {
    return instance.deliver(ev, deadline_ms);
  };
}

}  // namespace

Result<PluginsConfig> plugins_config(const config::Config& cfg) {
  PluginsConfig pc;
  pc.dir = cfg.get_string("plugins.dir");
  pc.webhook = cfg.get_string("plugins.webhook");
  for (const std::string& item : cfg.get_list("plugins.webhook_config")) {
    auto kv = split_item(item, '=');
    if (!kv) {
      return Error::invalid("plugins.webhook_config: item '" + item + "' must be name=value");
    }
    pc.webhook_config.push_back(*kv);
  }
  Status st = read_sinks(cfg, &pc);
  if (!st) {
    return st.error();
  }
  if ((!pc.webhook.empty() || !pc.sinks.empty()) && pc.dir.empty()) {
    return Error::invalid("plugins.dir: empty, but plugins are configured");
  }
  return pc;
}

Result<DispatcherSettings> dispatcher_settings(const config::Config& cfg) {
  DispatcherSettings s;
  s.workers = static_cast<int>(cfg.get_int("events.workers"));
  s.per_target = static_cast<int>(cfg.get_int("events.per_endpoint"));
  s.fanout_batch = static_cast<int>(cfg.get_int("events.batch"));
  s.poll = std::chrono::milliseconds(cfg.get_duration_ms("events.poll_interval"));
  s.timeout = std::chrono::milliseconds(cfg.get_duration_ms("events.timeout"));
  auto schedule = RetrySchedule::parse(cfg.get_list("events.retry_schedule"));
  if (!schedule) {
    return Error::invalid("events.retry_schedule: " + schedule.error().message);
  }
  s.schedule = *schedule;
  s.owner = cfg.get_string("logs.node");
  if (s.owner.empty()) {
    s.owner = hostname();
  }
  return s;
}

EventsModule::EventsModule(storage::DbPool& db, const base::Clock& clock, seal::SealKey seal)
    : clock_(clock),
      services_(PluginHostServices::defaults()),
      seal_(std::move(seal)),
      key_store_(db, seal_, clock),
      store_(db) {}

EventsModule::~EventsModule() {
  stop();
}

Status EventsModule::load_plugins(const config::Config& cfg, const PluginsConfig& pc) {
  host_ = std::make_unique<PluginHost>(pc.dir, services_);
  if (!pc.webhook.empty()) {
    auto plugin = host_->load(pc.webhook);
    if (!plugin) {
      return plugin.error();
    }
    if ((*plugin)->role() != PluginRole::HttpTransport) {
      return Error::invalid("plugins.webhook: " + (*plugin)->file().string() +
                            " is not an HTTP transport plugin");
    }
    StringPairs settings = pc.webhook_config;
    if ((*plugin)->name() == "webhook") {
      add_url_policy(cfg, &settings);
    }
    auto instance = host_->instantiate(**plugin, "webhook", settings);
    if (!instance) {
      return instance.error();
    }
    webhook_ = std::move(*instance);
  }
  for (size_t i = 0; i < pc.sinks.size(); ++i) {
    const auto& [name, file] = pc.sinks[i];
    auto plugin = host_->load(file);
    if (!plugin) {
      return plugin.error();
    }
    if ((*plugin)->role() != PluginRole::Sink) {
      return Error::invalid("plugins.sinks: " + name + "=" + file + " is not a SINK plugin");
    }
    auto instance = host_->instantiate(**plugin, name, pc.sink_config[i].second);
    if (!instance) {
      return instance.error();
    }
    sinks_.emplace_back(name, std::move(*instance));
  }
  return {};
}

Result<std::unique_ptr<EventsModule>> EventsModule::create(const config::Config& cfg,
                                                           storage::DbPool& db,
                                                           const base::Clock& clock,
                                                           bool dispatch) {
  auto pc = plugins_config(cfg);
  auto settings = dispatcher_settings(cfg);
  if (!pc || !settings) {
    return pc ? settings.error() : pc.error();
  }
  auto seal = seal::SealKey::load_file(cfg.get_string("seal.key_file"));
  if (!seal) {
    return Error{seal.error().kind, "seal.key_file: " + seal.error().message, {}};
  }
  std::unique_ptr<EventsModule> m(new EventsModule(db, clock, std::move(*seal)));
  if (Status st = m->load_plugins(cfg, *pc); !st) {
    return st.error();
  }
  auto signer = m->key_store_.load_or_create();
  if (!signer) {
    return Error{signer.error().kind, "webhook signing key: " + signer.error().message, {}};
  }
  m->keys_ = std::make_unique<KeyRing>(std::make_shared<const WebhookSigner>(std::move(*signer)));
  m->key_refresh_ = std::chrono::milliseconds(cfg.get_duration_ms("events.key_refresh"));
  if (m->webhook_) {
    m->sender_ =
        std::make_unique<SigningSender>(*m->keys_, deliver_fn(*m->webhook_), m->store_, clock,
                                        settings->timeout, m->services_.monotonic_ms);
  }
  if (dispatch) {
    if (Status st = m->build_dispatcher(cfg, *settings, clock); !st) {
      return st.error();
    }
  }
  base::log_info("events_ready", {{"kid", m->keys_->current()->active_kid()},
                                  {"webhook_transport", pc->webhook},
                                  {"sinks", static_cast<int64_t>(m->sinks_.size())},
                                  {"dispatch", dispatch ? "on" : "off"}});
  return m;
}

Status EventsModule::build_dispatcher(const config::Config& cfg, const DispatcherSettings& settings,
                                      const base::Clock& clock) {
  auto db_settings = storage::database_settings(cfg);
  if (!db_settings) {
    return db_settings.error();
  }
  db_settings->pool_size = settings.workers + 4;
  dispatch_pool_ = std::make_unique<storage::DbPool>(*db_settings);
  dispatch_store_ = std::make_unique<MysqlDispatchStore>(*dispatch_pool_);
  Transports t;
  if (webhook_) {
    t.webhook = deliver_fn(*webhook_);
  }
  for (const auto& [name, instance] : sinks_) {
    t.sinks.emplace_back(name, deliver_fn(*instance));
  }
  dispatcher_ = std::make_unique<Dispatcher>(settings, *dispatch_store_, std::move(t), *keys_,
                                             clock, services_.monotonic_ms);
  retention_us_ = cfg.get_duration_ms("events.retention") * 1000;
  return {};
}

std::string EventsModule::jwks() const {
  return keys_->current()->jwks_json();
}

void EventsModule::start() {
  refresher_ = std::thread([this] { refresh_loop(); });
  if (dispatcher_) {
    dispatcher_->start();
  }
}

void EventsModule::stop() {
  if (dispatcher_) {
    dispatcher_->stop();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (refresher_.joinable()) {
    refresher_.join();
  }
}

void EventsModule::refresh_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, key_refresh_, [this] { return stopping_; })) {
    lock.unlock();
    refresh_keys();
    purge_if_due();
    lock.lock();
  }
}

void EventsModule::refresh_keys() {
  auto signer = key_store_.load();
  if (!signer) {
    base::log_warn("webhook_keys_refresh_failed", {{"error", signer.error().message}});
  } else if (signer->jwks_json() != keys_->current()->jwks_json()) {
    base::log_info("webhook_keys_changed", {{"kid", signer->active_kid()}});
    keys_->set(std::make_shared<const WebhookSigner>(std::move(*signer)));
  }
}

void EventsModule::purge_if_due() {
  constexpr int64_t kEvery = 3600LL * 1000000;
  int64_t now = clock_.now_us();
  if (retention_us_ <= 0 || now - last_purge_us_ < kEvery) {
    return;
  }
  last_purge_us_ = now;
  auto n = store_.purge_before(now - retention_us_, 1000);
  if (!n) {
    base::log_warn("webhook_retention_failed", {{"error", n.error().message}});
  } else if (*n > 0) {
    base::log_info("webhook_retention", {{"deleted", *n}});
  }
}

}  // namespace ark::events
