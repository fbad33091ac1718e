#include "admind/admind_config.h"

#include "core/storage/db.h"
#include "policy/engine/policy_config.h"

namespace ark::admind {

namespace {
config::Schema build() {
  using config::KeyType;
  config::Schema s("ark-admind");
  s.add({"roles",
         KeyType::List,
         "api,logs,events",
         "roles this process runs",
         {"api", "logs", "events"}});
  s.add({"api.host", KeyType::String, "127.0.0.1", "address the REST API listens on"});
  s.add({"api.port", KeyType::Int, "8080", "REST API TCP port", {}, 1, 65535});
  s.add({"api.threads", KeyType::Int, "16", "most concurrent requests", {}, 1, 1024});
  s.add({"api.max_body_size",
         KeyType::Size,
         "20MB",
         "largest accepted request body",
         {},
         1024,
         1LL << 30});
  s.add({"api.message_id_domain", KeyType::String, "ark.localhost",
         "domain part of the Message-ID headers of API-sent mail"});
  s.add({"api.default_tenant", KeyType::String, "",
         "tenant an organisation key sends for when the request names none; empty: required"});
  s.add({"api.rate_limit",
         KeyType::Int,
         "10",
         "API requests per second per key (sliding window, counted per admind process)",
         {},
         1,
         1000000});
  s.add({"retention.api_logs",
         KeyType::Duration,
         "30d",
         "how long API request logs are kept",
         {},
         60000,
         3650LL * 86400000});
  s.add({"retention.raw_messages",
         KeyType::Duration,
         "7d",
         "how long the MIME text of API sends is kept (expand=raw/content, manual retry)",
         {},
         60000,
         3650LL * 86400000});
  s.add({"retention.purge_interval",
         KeyType::Duration,
         "1h",
         "how often expired logs, raw messages and idempotency keys are purged",
         {},
         1000,
         86400000});
  s.add({"usage.external_id_key", KeyType::String, "externalId",
         "tenant metadata key reported as external_id in usage"});
  s.add({"postfix.queue_directory", KeyType::String, "/var/spool/postfix",
         "the local Postfix queue_directory, read for retryState; empty: not read"});
  s.add({"postfix.minimal_backoff_time",
         KeyType::Duration,
         "5m",
         "Postfix minimal_backoff_time (must match main.cf; gives retryState.maxAttempts)",
         {},
         1000,
         86400000});
  s.add({"postfix.maximal_backoff_time",
         KeyType::Duration,
         "4h",
         "Postfix maximal_backoff_time (must match main.cf)",
         {},
         1000,
         7 * 86400000LL});
  s.add({"postfix.maximal_queue_lifetime",
         KeyType::Duration,
         "2d",
         "Postfix maximal_queue_lifetime (must match main.cf)",
         {},
         1000,
         100 * 86400000LL});
  s.add({"submit.host", KeyType::String, "127.0.0.1", "the local Postfix smtpd address"});
  s.add({"submit.port", KeyType::Int, "25", "the local Postfix smtpd port", {}, 1, 65535});
  s.add({"submit.timeout", KeyType::Duration, "30s", "SMTP timeout per command", {}, 1000, 600000});
  s.add({"submit.helo", KeyType::String, "localhost", "EHLO name used towards Postfix"});
  s.add({"binding.secret_file", KeyType::String, "/etc/ark/binding.secret",
         "file holding the HMAC secret shared with ark-milter"});
  s.add({"logs.release_interval",
         KeyType::Duration,
         "30s",
         "how often mail held over a send limit is checked for room in the tenant's windows "
         "(then counted and released); 0: only a retry releases it",
         {},
         0,
         86400000});
  s.add({"logs.maillog_file", KeyType::String, "/var/log/mail.log",
         "the Postfix log file this node's follower reads"});
  s.add({"logs.node", KeyType::String, "", "node name recorded with checkpoints; empty: hostname"});
  s.add({"logs.poll_interval",
         KeyType::Duration,
         "200ms",
         "how often the log is polled",
         {},
         10,
         60000});
  s.add({"logs.batch_lines",
         KeyType::Int,
         "500",
         "most lines applied per transaction",
         {},
         1,
         100000});
  s.add({"logs.start_at",
         KeyType::Enum,
         "end",
         "where to start when no checkpoint exists yet",
         {"beginning", "end"}});
  s.add({"logs.rotated_files", KeyType::String, "",
         "glob of rotated copies of the log, searched after a restart; empty: "
         "<maillog_file>.* and <maillog_file>-*"});
  s.add({"bounces.lmtp_socket", KeyType::String, "",
         "UNIX socket of the LMTP server taking NDRs for dns.return_path_host; empty: off"});
  s.add({"bounces.lmtp_socket_group", KeyType::String, "postfix",
         "group of the LMTP socket (Postfix's lmtp client must be able to connect)"});
  s.add({"bounces.suppress_on_ndr", KeyType::Bool, "true",
         "suppress the address (reason `hard fail`) when a later NDR is permanent (5.x.x)"});
  s.add({"postfix.config_directory", KeyType::String, "",
         "Postfix config directory passed to postqueue/postsuper -c for manual retries; "
         "empty: Postfix's default"});
  // Events out (issue 7): admind/events/events_module.h documents these keys.
  s.add({"events.workers",
         KeyType::Int,
         "16",
         "concurrent event deliveries (worker threads of the events role)",
         {},
         1,
         512});
  s.add({"events.per_endpoint",
         KeyType::Int,
         "2",
         "most deliveries in flight to one webhook or sink per admind process",
         {},
         1,
         512});
  s.add({"events.timeout",
         KeyType::Duration,
         "10s",
         "deadline of one delivery (DNS, connect, TLS, request and response)",
         {},
         100,
         300000});
  s.add({"events.retry_schedule", KeyType::List, "1m,5m,15m,30m,1h,2h,4h,8h,12h,24h,24h",
         "waits before each retry of a failed delivery; when used up the delivery has failed"});
  s.add({"events.poll_interval",
         KeyType::Duration,
         "500ms",
         "how often the outbox and due retries are looked for when idle",
         {},
         10,
         60000});
  s.add({"events.batch",
         KeyType::Int,
         "100",
         "outbox rows fanned out per transaction",
         {},
         1,
         10000});
  s.add({"events.key_refresh",
         KeyType::Duration,
         "60s",
         "how often the webhook signing keys are re-read (rotation by arkctl)",
         {},
         1000,
         86400000});
  s.add({"events.retention",
         KeyType::Duration,
         "30d",
         "how long webhook attempt records (and deliveries that failed for good) are kept",
         {},
         60000,
         3650LL * 86400000});
  s.add({"plugins.dir", KeyType::String, "/usr/lib/ark/plugins",
         "the only directory event plugins are loaded from (root- or admind-owned, not "
         "group/other-writable)"});
  s.add({"plugins.webhook", KeyType::String, "webhook.so",
         "HTTP transport plugin for tenant and platform webhooks; empty: none"});
  s.add({"plugins.webhook_config", KeyType::List, "",
         "name=value settings of the webhook transport (allow_http, allow_loopback and "
         "allow_private default to webhooks.*)"});
  s.add({"plugins.sinks", KeyType::List, "",
         "SINK plugin instances as name=file.so; each gets every event"});
  s.add({"plugins.sink_config", KeyType::List, "",
         "settings of the sink instances as name.key=value"});
  s.add({"seal.key_file", KeyType::String, "/etc/ark/seal.key",
         "32-byte key (base64 or raw) sealing stored secrets; not world-readable"});
  s.add({"webhooks.allow_http", KeyType::Bool, "false",
         "accept http:// webhook URLs (https is required otherwise)"});
  s.add({"webhooks.allow_private", KeyType::Bool, "false",
         "accept webhook URLs naming loopback or private addresses"});
  s.add({"dns.spf_include", KeyType::String, "spf.ark.localhost",
         "host in the SPF include: tenants publish"});
  s.add({"dns.return_path_host", KeyType::String, "rp.ark.localhost",
         "CNAME target of the tenants' return-path records"});
  s.add(
      {"dns.dkim_selector_prefix", KeyType::String, "ark", "DKIM selectors are <prefix>-<random>"});
  s.add({"dns.dmarc_rua", KeyType::String, "dmarc@ark.localhost",
         "aggregate-report address in the recommended DMARC record; empty: none"});
  s.add({"dns.track_cname_target", KeyType::String, "track.ark.localhost",
         "CNAME target of the tenants' track domains"});
  s.add({"dns.resolver", KeyType::String, "127.0.0.1:53",
         "nameserver (IP:port, [IPv6]:port) asked by domain and track-domain verification"});
  s.add({"dns.timeout", KeyType::Duration, "2s", "timeout per DNS query attempt", {}, 1, 60000});
  s.add({"dns.recheck_interval",
         KeyType::Duration,
         "6h",
         "how often verified domains are re-checked (DomainDNSError on a change); 0: never",
         {},
         0,
         30LL * 86400000});
  policy::add_send_policy_keys(s);  // the send path's checks (issue 4); as in milter.yaml
  storage::add_database_keys(s);
  s.add({"log.level",
         KeyType::Enum,
         "info",
         "least severe level logged",
         {"debug", "info", "warning", "error"}});
  s.add({"log.syslog", KeyType::Bool, "false", "also log to syslog (facility mail)"});
  return s;
}
}  // namespace

const config::Schema& admind_schema() {
  static const config::Schema schema = build();
  return schema;
}

}  // namespace ark::admind
