# shellcheck shell=bash
# shellcheck disable=SC2034  # settings are read by the scripts that source this file
# Start, stop and status of each dev stack service, shared by dev-up, dev-down and
# dev-ctl. Services: mariadb, sinks (sink-ok, sink-4xx, sink-5xx), milter, postfix, admind,
# dns (NSD, in lib/dns.sh), policyd (ark-policyd, in lib/policyd.sh).
# Every start is a no-op when the service already runs, refuses to start when another
# process holds its port, and waits until the service is ready. Requires common.sh,
# proc.sh and config.sh.

# shellcheck source-path=SCRIPTDIR source=dns.sh
. "$(dirname "${BASH_SOURCE[0]}")/dns.sh"
# shellcheck source-path=SCRIPTDIR source=policyd.sh
. "$(dirname "${BASH_SOURCE[0]}")/policyd.sh"

ARK_SERVICES=(mariadb sinks milter policyd postfix admind dns)
ARK_SINKS=(sink-ok sink-4xx sink-5xx)

# The PID-file names behind a service name.
svc_daemons() {
  case "$1" in
    sinks) printf '%s\n' "${ARK_SINKS[@]}" ;;
    mariadb | milter | policyd | postfix | admind | dns) printf '%s\n' "$1" ;;
    *) ark_die "unknown service '$1' (one of: ${ARK_SERVICES[*]})" ;;
  esac
}

# Dies unless every argument names a service.
svc_check_names() {
  local s
  for s in "$@"; do svc_daemons "$s" >/dev/null; done
}

# Prints everything useful for a failed start: daemon logs and the Postfix maillog.
svc_diagnostics() {
  local f
  for f in "$DEV_LOG"/*.log; do
    case "$f" in */mariadb-install.log) continue ;; esac
    [ -e "$f" ] && ark_tail "$f" 30
  done
  ark_tail "$ARK_MAILLOG" 40
}

# Fails the whole script, with diagnostics.
svc_fail() {
  ark_say "error: $*"
  svc_diagnostics
  exit 1
}

# Waits up to SECONDS for CHECK... to succeed while daemon NAME stays alive.
svc_wait() {
  local name="$1" seconds="$2" i
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    pid_of "$name" >/dev/null || svc_fail "$name exited during start-up (log: $DEV_LOG/$name.log)"
    "$@" && return 0
    sleep 0.1
  done
  svc_fail "$name not ready after ${seconds}s"
}

# Refuses to start NAME when someone else already listens on PORT.
svc_port_free() {
  if ark_port_open "$2"; then
    ark_die "$1: port 127.0.0.1:$2 is already in use by another process" \
      "(set ARK_PORT_BASE to move the whole stack)"
  fi
}

# ---- MariaDB ------------------------------------------------------------------------

svc_mariadb_ready() {
  mariadb-admin --defaults-file="$DEV_DB_CNF" -u root status >/dev/null 2>&1
}

svc_mariadb_install() {
  [ -d "$DEV_DB/data/mysql" ] && return 0
  find "$DEV_DB/data" -mindepth 1 -delete
  ark_say "mariadb: initialising $DEV_DB/data"
  if ! mariadb-install-db --defaults-file="$DEV_DB_CNF" --skip-test-db \
    --auth-root-authentication-method=socket >"$DEV_LOG/mariadb-install.log" 2>&1; then
    ark_tail "$DEV_LOG/mariadb-install.log" 40
    ark_die "mariadb-install-db failed"
  fi
}

svc_mariadb_start() {
  if pid_of mariadb >/dev/null; then
    ark_say "mariadb: already running"
  else
    svc_port_free mariadb "$ARK_DB_PORT"
    svc_mariadb_install
    proc_spawn mariadb mariadbd --defaults-file="$DEV_DB_CNF"
  fi
  svc_wait mariadb 60 svc_mariadb_ready
  ark_say "mariadb: ready on 127.0.0.1:$ARK_DB_PORT and $ARK_DB_SOCKET"
}

# Database and user (idempotent). User ark may also create databases named ark*, so that
# tests can use scratch schemas.
svc_mariadb_bootstrap() {
  local pw
  pw="$(cat "$ARK_DB_PASSWORD_FILE")"
  mariadb --defaults-file="$DEV_DB_CNF" -u root <<SQL
CREATE DATABASE IF NOT EXISTS \`$ARK_DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$ARK_DB_USER'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS '$ARK_DB_USER'@'localhost' IDENTIFIED BY '$pw';
ALTER USER '$ARK_DB_USER'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER '$ARK_DB_USER'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON \`$ARK_DB_NAME%\`.* TO '$ARK_DB_USER'@'127.0.0.1', '$ARK_DB_USER'@'localhost';
SQL
}

# Applies the repository's migrations (never an installed copy in /usr/share/ark/sql).
svc_migrate() {
  if ! "$ARK_ARKCTL" --config "$ARK_ADMIND_CONFIG" migrate --dir "$ARK_REPO/sql" \
    >>"$DEV_LOG/arkctl.log" 2>&1; then
    ark_tail "$DEV_LOG/arkctl.log" 30
    ark_die "arkctl migrate failed"
  fi
  ark_say "database: migrated"
}

# ---- smtp-sink peers ----------------------------------------------------------------

svc_sink_start() {
  local name="$1" port="$2"
  shift 2
  if pid_of "$name" >/dev/null; then
    ark_say "$name: already running"
  else
    svc_port_free "$name" "$port"
    proc_spawn "$name" smtp-sink -u postfix "$@" "127.0.0.1:$port" 128
  fi
  svc_wait "$name" 10 ark_port_open "$port"
}

svc_sinks_start() {
  svc_sink_start sink-ok "$ARK_SINK_OK_PORT" -d "$ARK_SINK_DIR/%Y%m%d%H%M%S."
  svc_sink_start sink-4xx "$ARK_SINK_4XX_PORT" \
    -r RCPT -b "450 4.2.0 Mailbox temporarily busy (ark dev sink)"
  svc_sink_start sink-5xx "$ARK_SINK_5XX_PORT" -f RCPT -B "550 5.1.1 No such user (ark dev sink)"
  ark_say "sinks: ready on ports $ARK_SINK_OK_PORT (ok), $ARK_SINK_4XX_PORT (4xx)," \
    "$ARK_SINK_5XX_PORT (5xx)"
}

# ---- ark-milter ---------------------------------------------------------------------

# Ready once the socket exists and user postfix may connect to it.
svc_milter_ready() {
  [ -S "$ARK_MILTER_SOCKET" ] &&
    setpriv --reuid=postfix --regid=postfix --init-groups -- test -w "$ARK_MILTER_SOCKET"
}

svc_milter_start() {
  if pid_of milter >/dev/null; then
    [ "${CFG_MILTER_CHANGED:-0}" = 1 ] &&
      ark_say "milter: warning: milter.yaml changed; restart it: dev-ctl restart milter"
    ark_say "milter: already running"
  else
    rm -f "$ARK_MILTER_SOCKET"
    proc_spawn milter "$ARK_MILTER_BIN" --config "$ARK_MILTER_CONFIG"
  fi
  svc_wait milter 20 svc_milter_ready
  ark_say "milter: ready on unix:$ARK_MILTER_SOCKET"
}

# ---- Postfix ------------------------------------------------------------------------

svc_postfix() {
  postfix -c "$ARK_PF_CONF" "$@" </dev/null >>"$DEV_LOG/postfix.log" 2>&1
}

# Postfix prints its errors only to a TTY (stack.md §4): rerun the check under script(1).
svc_postfix_fail() {
  ark_say "error: postfix $1 failed; postfix check on a pseudo-TTY says:"
  script -qec "postfix -c '$ARK_PF_CONF' check" /dev/null </dev/null >&2 || true
  svc_fail "postfix $1 failed"
}

# The master's PID, from its own pid file, if that master is alive.
svc_postfix_master_pid() {
  local pid
  pid="$(tr -d ' \n' <"$ARK_PF_QUEUE/pid/master.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && proc_alive "$pid" && printf '%s\n' "$pid"
}

svc_postfix_start() {
  if pid_of postfix >/dev/null; then
    if [ "${CFG_POSTFIX_CHANGED:-0}" = 1 ]; then
      svc_postfix reload || svc_postfix_fail reload
      ark_say "postfix: configuration changed, reloaded"
    fi
    ark_say "postfix: already running"
  else
    svc_port_free postfix "$ARK_SMTP_PORT"
    # `postfix start` runs the same integrity checks as `postfix check` first.
    svc_postfix start || svc_postfix_fail start
    ark_poll 10 svc_postfix_master_pid >/dev/null || svc_postfix_fail "start (no master pid)"
    pid_record postfix "$(svc_postfix_master_pid)"
  fi
  svc_wait postfix 10 ark_port_open "$ARK_SMTP_PORT"
  ark_say "postfix: ready on 127.0.0.1:$ARK_SMTP_PORT (config $ARK_PF_CONF)"
}

# ---- ark-admind ---------------------------------------------------------------------

# Ready when /healthz says 200; with MariaDB stopped, any HTTP answer will do.
svc_admind_ready() {
  local code
  code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$ARK_API_URL/healthz" 2>/dev/null)"
  [ "$code" = 200 ] && return 0
  ! pid_of mariadb >/dev/null && [ -n "$code" ] && [ "$code" != 000 ]
}

svc_admind_start() {
  if pid_of admind >/dev/null; then
    [ "${CFG_ADMIND_CHANGED:-0}" = 1 ] &&
      ark_say "admind: warning: admind.yaml changed; restart it: dev-ctl restart admind"
    ark_say "admind: already running"
  else
    svc_port_free admind "$ARK_API_PORT"
    proc_spawn admind "$ARK_ADMIND_BIN" --config "$ARK_ADMIND_CONFIG"
  fi
  svc_wait admind 30 svc_admind_ready
  ark_say "admind: ready on $ARK_API_URL"
}

# Creates the org-level API key once; later runs reuse the saved one.
svc_api_key() {
  local out
  if [ ! -s "$DEV_API_KEY_FILE" ]; then
    out="$("$ARK_ARKCTL" --config "$ARK_ADMIND_CONFIG" create-api-key --name dev \
      2>>"$DEV_LOG/arkctl.log")" || {
      ark_tail "$DEV_LOG/arkctl.log" 20
      ark_die "arkctl create-api-key failed"
    }
    out="$(tail -n 1 <<<"$out" | tr -d '[:space:]')"
    [ -n "$out" ] || ark_die "arkctl create-api-key printed no key"
    (umask 077 && printf '%s\n' "$out" >"$DEV_API_KEY_FILE")
    ark_say "admind: created org API key 'dev'"
  fi
  ARK_ORG_API_KEY="$(tr -d '[:space:]' <"$DEV_API_KEY_FILE")"
}

# ---- generic ------------------------------------------------------------------------

# Postfix and MariaDB keep their own PID files inside ARK_DEV_DIR. If one of them was
# restarted by hand (e.g. `postfix -c $ARK_PF_CONF start`), its new process is still this
# stack's: record it, so that start does not clash with it and stop does not miss it.
svc_adopt() {
  local pid="" file
  case "$1" in
    postfix) pid="$(svc_postfix_master_pid)" || return 0 ;;
    mariadb)
      file="$DEV_DB_RUN/mariadbd.pid"
      pid="$(tr -d ' \n' <"$file" 2>/dev/null)" || return 0
      [ -n "$pid" ] && proc_alive "$pid" || return 0
      ;;
    *) return 0 ;;
  esac
  pid_of "$1" >/dev/null && return 0
  pid_record "$1" "$pid"
  ark_say "$1: found running as pid $pid (not started by these scripts); adopted it"
}

svc_start() {
  svc_adopt "$1"
  case "$1" in
    mariadb) svc_mariadb_start ;;
    sinks) svc_sinks_start ;;
    milter) svc_milter_start ;;
    postfix) svc_postfix_start ;;
    admind) svc_admind_start ;;
    dns) svc_dns_start ;;
    policyd) svc_policyd_start ;;
    *) svc_daemons "$1" >/dev/null ;;
  esac
}

# Stop deadlines: MariaDB may flush for a while; libmilter notices SIGTERM only every
# few seconds (stack.md §5). After the deadline the rest is SIGKILLed.
svc_stop_seconds() {
  case "$1" in
    mariadb) echo 60 ;;
    milter) echo 10 ;;
    *) echo 15 ;;
  esac
}

# Stops SERVICES... in parallel, with the longest of their deadlines.
svc_stop() {
  local names=() s seconds=0 t
  for s in "$@"; do
    svc_adopt "$s"
    mapfile -t -O "${#names[@]}" names < <(svc_daemons "$s")
    t="$(svc_stop_seconds "$s")"
    [ "$t" -gt "$seconds" ] && seconds="$t"
  done
  [ "${#names[@]}" -eq 0 ] && return 0
  proc_stop "$seconds" "${names[@]}"
  for s in "$@"; do
    [ "$s" != milter ] || rm -f "$ARK_MILTER_SOCKET"
  done
  return 0
}

# Prints one status line per daemon of SERVICE; fails if any of them is not running.
svc_status() {
  local name pid rc=0
  while read -r name; do
    if pid="$(pid_of "$name")"; then
      printf '%-9s running (pid %s)\n' "$name" "$pid"
    else
      printf '%-9s stopped\n' "$name"
      rc=3
    fi
  done < <(svc_daemons "$1")
  return "$rc"
}
