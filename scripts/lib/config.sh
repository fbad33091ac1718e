# shellcheck shell=bash
# shellcheck disable=SC2034  # settings are read by the scripts that source this file
# Writes the dev stack's state directory: directories with the owners the daemons need,
# generated secrets, my.cnf, our YAML configs and the private Postfix instance's files.
# Requires common.sh (settings) to be loaded. Every writer is idempotent: secrets are made
# once, config files are rewritten only when their content changes.

# Creates the layout under ARK_DEV_DIR. mysql and postfix must be able to traverse it.
cfg_make_dirs() {
  mkdir -p "$ARK_DEV_DIR"
  [ -e "$DEV_MARKER" ] || : >"$DEV_MARKER"
  chmod 755 "$ARK_DEV_DIR"
  mkdir -p "$DEV_ETC" "$DEV_RUN" "$DEV_LOG" "$DEV_DB" "$DEV_PF" "$ARK_PF_CONF" \
    "$ARK_PF_QUEUE" "$DEV_PF_LOG"
  chmod 755 "$DEV_ETC" "$DEV_RUN" "$DEV_LOG" "$DEV_DB" "$DEV_PF" "$ARK_PF_CONF" "$DEV_PF_LOG"
  mkdir -p "$DEV_SECRETS"
  chmod 700 "$DEV_SECRETS"
  mkdir -p "$DEV_DB/data" "$DEV_DB_RUN" "$DEV_PF_DATA" "$ARK_SINK_DIR"
  chown mysql:mysql "$DEV_DB/data" "$DEV_DB_RUN"
  chmod 750 "$DEV_DB/data"
  chmod 755 "$DEV_DB_RUN"
  chown postfix:postfix "$DEV_PF_DATA" "$ARK_SINK_DIR"
  chmod 755 "$ARK_SINK_DIR"
  cfg_check_access mysql "$DEV_DB_RUN"
  cfg_check_access postfix "$DEV_RUN"
}

# Fails with advice if USER cannot reach DIR (e.g. the repo sits under a 0700 home).
cfg_check_access() {
  local user="$1" dir="$2"
  if ! setpriv --reuid="$user" --regid="$user" --clear-groups -- test -x "$dir"; then
    ark_die "user $user cannot enter $dir (a parent directory is not world-executable);" \
      "set ARK_DEV_DIR to a directory under /tmp"
  fi
}

# Creates a random hex secret of BYTES bytes in FILE (mode 0600) unless it exists.
cfg_secret() {
  local file="$1" bytes="$2"
  [ -s "$file" ] && return 0
  (umask 077 && openssl rand -hex "$bytes" >"$file")
}

cfg_make_secrets() {
  cfg_secret "$ARK_DB_PASSWORD_FILE" 16
  cfg_secret "$ARK_BINDING_SECRET_FILE" 32
  # admind's seal key (core/seal): base64 of 32 random bytes, mode 0600.
  [ -s "$DEV_SECRETS/seal.key" ] || (umask 077 && openssl rand -base64 32 >"$DEV_SECRETS/seal.key")
}

cfg_write_mycnf() {
  ark_write_if_changed "$DEV_DB_CNF" <<MYCNF || true
# MariaDB of the ark dev stack (scripts/dev-up). Always pass it as the FIRST option:
#   mariadb --defaults-file=$DEV_DB_CNF -u root     (root: unix_socket auth, OS root only)
[mariadbd]
datadir = $DEV_DB/data
socket = $ARK_DB_SOCKET
pid-file = $DEV_DB_RUN/mariadbd.pid
bind-address = 127.0.0.1
port = $ARK_DB_PORT
user = mysql
skip-name-resolve
innodb_buffer_pool_size = 128M
innodb_log_file_size = 48M
innodb_flush_log_at_trx_commit = 2
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
max_connections = 300

[client]
socket = $ARK_DB_SOCKET
MYCNF
}

# The database.* and log.* sections shared by milter.yaml and admind.yaml.
cfg_yaml_common() {
  cat <<YAML
database:
  host: "$ARK_DB_HOST"
  port: $ARK_DB_PORT
  socket: "$ARK_DB_SOCKET"
  name: "$ARK_DB_NAME"
  user: "$ARK_DB_USER"
  password_file: "$ARK_DB_PASSWORD_FILE"
  pool_size: 8
  connect_timeout: 3s
  io_timeout: 10s
  acquire_timeout: 5s
log:
  level: $ARK_LOG_LEVEL
  syslog: false
YAML
}

# Sets CFG_MILTER_CHANGED=1 when milter.yaml changed.
cfg_write_milter_yaml() {
  CFG_MILTER_CHANGED=0
  {
    echo "# ark-milter config of the dev stack, written by scripts/dev-up."
    cat <<YAML
milter:
  socket: "unix:$ARK_MILTER_SOCKET"
  socket_group: postfix
  socket_mode: "0660"
  on_internal_error: tempfail
  timeout: 30s
  node: "$ARK_NODE"
binding:
  secret_file: "$ARK_BINDING_SECRET_FILE"
  max_age: 10m
bounces:
  return_path_host: "$ARK_RETURN_PATH_HOST"
seal:
  key_file: "$DEV_SECRETS/seal.key"
dkim:
  key_cache_ttl: 1s
YAML
    cfg_send_policy_yaml
    cfg_yaml_common
  } | ark_write_if_changed "$ARK_MILTER_CONFIG" && CFG_MILTER_CHANGED=1
  return 0
}

# Sets CFG_ADMIND_CHANGED=1 when admind.yaml changed.
cfg_write_admind_yaml() {
  CFG_ADMIND_CHANGED=0
  {
    echo "# ark-admind config of the dev stack, written by scripts/dev-up."
    cat <<YAML
roles: [api, logs, events]
api:
  host: 127.0.0.1
  port: $ARK_API_PORT
  threads: 8
  max_body_size: 20MB
  message_id_domain: "$ARK_HOSTNAME"
  # The tests drive the API much faster than the 10/s default: raise the per-key limit
  # (tests that check 429 set their own tighter limit).
  rate_limit: ${ARK_API_RATE_LIMIT:-100000}
submit:
  host: 127.0.0.1
  port: $ARK_SMTP_PORT
  timeout: 30s
  helo: "$ARK_HOSTNAME"
binding:
  secret_file: "$ARK_BINDING_SECRET_FILE"
logs:
  maillog_file: "$ARK_MAILLOG"
  node: "$ARK_NODE"
  poll_interval: 200ms
  start_at: beginning
  release_interval: 1s
seal:
  key_file: "$DEV_SECRETS/seal.key"
bounces:
  lmtp_socket: "$DEV_RUN/bounces.sock"
postfix:
  config_directory: "$ARK_PF_CONF"
  queue_directory: "$ARK_PF_QUEUE"
webhooks:
  allow_http: true
  allow_private: true
events:
  timeout: 5s
  poll_interval: 200ms
  key_refresh: 2s
  retry_schedule: [${ARK_EVENTS_RETRY_SCHEDULE:-2s,4s,8s,15s,30s,30s,30s,30s,30s,30s}]
plugins:
  # The in-tree plugins of the build; the loader wants this directory owned by root (or
  # admind's user) and not group/other-writable, as a root build leaves it.
  dir: "$ARK_BUILD_DIR/plugins/modules"
  webhook: webhook.so
  sinks: [events-file=jsonl.so]
  sink_config: ["events-file.path=$DEV_LOG/events.jsonl", events-file.fsync=never]
dns:
  return_path_host: "$ARK_RETURN_PATH_HOST"
  resolver: "127.0.0.54:$((ARK_PORT_BASE + 53))"
  timeout: 300ms
YAML
    cfg_limits_yaml
    cfg_yaml_common
  } | ark_write_if_changed "$ARK_ADMIND_CONFIG" && CFG_ADMIND_CHANGED=1
  return 0
}

# Prints TEMPLATE with every @NAME@ replaced, from the NAME=VALUE pairs that follow.
# Fails if a placeholder is left.
cfg_render() {
  local template="$1" text pair
  shift
  text="$(cat "$template")"
  for pair in "$@"; do
    text="${text//@${pair%%=*}@/${pair#*=}}"
  done
  if grep -qE '@[A-Z0-9_]+@' <<<"$text"; then
    ark_die "unfilled placeholder in $template: $(grep -oE '@[A-Z0-9_]+@' <<<"$text" | head -1)"
  fi
  printf '%s\n' "$text"
}

cfg_postfix_vars() {
  PF_VARS=(
    "PF_CONF=$ARK_PF_CONF" "PF_QUEUE=$ARK_PF_QUEUE" "PF_DATA=$DEV_PF_DATA"
    "PF_LOG=$DEV_PF_LOG" "MAILLOG=$ARK_MAILLOG" "HOSTNAME=$ARK_HOSTNAME"
    "SMTP_PORT=$ARK_SMTP_PORT" "SINK_OK_PORT=$ARK_SINK_OK_PORT"
    "SINK_4XX_PORT=$ARK_SINK_4XX_PORT" "SINK_5XX_PORT=$ARK_SINK_5XX_PORT"
    "SUBMIT_PORT=$ARK_SUBMIT_PORT" "TLS_CERT=$ARK_TLS_CERT" "TLS_KEY=$ARK_TLS_KEY"
  )
}

# Runs `arkctl postfix-config --milter-config milter.yaml PART` (PART: --main|--master).
cfg_arkctl_postfix() {
  local out
  if ! out="$("$ARK_ARKCTL" postfix-config --milter-config "$ARK_MILTER_CONFIG" "$1" \
    2>>"$DEV_LOG/arkctl.log")"; then
    ark_tail "$DEV_LOG/arkctl.log" 20
    ark_die "arkctl postfix-config $1 failed"
  fi
  printf '%s\n' "$out"
}

# Base main.cf without the parameters that arkctl's output sets (Postfix would take the
# last one anyway; dropping ours keeps each parameter once), then arkctl's output verbatim.
cfg_postfix_main() {
  local extra keys base
  extra="$(cfg_arkctl_postfix --main)" || exit 1
  base="$(cfg_render "$ARK_REPO/etc/postfix/dev/main.cf.in" "${PF_VARS[@]}")" || exit 1
  keys="$(sed -nE 's/^([A-Za-z0-9_]+)[[:space:]]*=.*/\1/p' <<<"$extra" | sort -u)"
  printf '%s\n' "$base" |
    awk -v keys="$keys" '
      BEGIN { n = split(keys, k, "\n"); for (i = 1; i <= n; i++) drop[k[i]] = 1 }
      { name = $1; sub(/=.*/, "", name) }
      /^[A-Za-z0-9_]+[ \t]*=/ && (name in drop) { next }
      { print }'
  echo
  echo "# ---- appended by scripts/dev-up, verbatim output of:"
  echo "# ---- arkctl postfix-config --milter-config $ARK_MILTER_CONFIG --main"
  printf '%s\n' "$extra"
}

cfg_postfix_master() {
  local extra base
  extra="$(cfg_arkctl_postfix --master)" || exit 1
  base="$(cfg_render "$ARK_REPO/etc/postfix/dev/master.cf.in" "${PF_VARS[@]}")" || exit 1
  printf '%s\n' "$base"
  echo
  echo "# ---- appended by scripts/dev-up, verbatim output of:"
  echo "# ---- arkctl postfix-config --milter-config $ARK_MILTER_CONFIG --master"
  printf '%s\n' "$extra"
}

# Writes main.cf, master.cf and transport. Sets CFG_POSTFIX_CHANGED=1 if any changed.
cfg_write_postfix() {
  local main master transport
  CFG_POSTFIX_CHANGED=0
  cfg_postfix_vars
  main="$(cfg_postfix_main)" || exit 1
  master="$(cfg_postfix_master)" || exit 1
  transport="$(cfg_render "$ARK_REPO/etc/postfix/dev/transport.in" "${PF_VARS[@]}")" || exit 1
  ark_write_if_changed "$ARK_PF_CONF/main.cf" <<<"$main" && CFG_POSTFIX_CHANGED=1
  ark_write_if_changed "$ARK_PF_CONF/master.cf" <<<"$master" && CFG_POSTFIX_CHANGED=1
  ark_write_if_changed "$ARK_PF_CONF/transport" <<<"$transport" && CFG_POSTFIX_CHANGED=1
  return 0
}
