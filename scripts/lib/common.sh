# shellcheck shell=bash
# shellcheck disable=SC2034  # settings are read by the scripts that source this file
# Settings and small helpers shared by the dev stack scripts (dev-up, dev-down, dev-ctl,
# integration, quickstart). Sourced, never run.
#
# Settings come from the environment with defaults; everything the stack owns lives under
# ARK_DEV_DIR. dev-up saves the settings it used in $ARK_DEV_DIR/env, and dev-down /
# dev-ctl read them back from there, so they act on the stack that is really running.

ARK_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ARK_PROG="${ARK_PROG:-$(basename "$0")}"

ARK_T0_US="${EPOCHREALTIME/./}"

# Prints "prog: [seconds since start] message" to stderr.
ark_say() {
  local us=$((${EPOCHREALTIME/./} - ARK_T0_US))
  printf '%s: [%d.%01ds] %s\n' "$ARK_PROG" $((us / 1000000)) $((us / 100000 % 10)) "$*" >&2
}
ark_die() {
  ark_say "error: $*"
  exit 1
}

ark_require_root() {
  [ "$(id -u)" -eq 0 ] || ark_die "must run as root (it starts MariaDB and Postfix as their own users)"
}

# The state directory: ARK_DEV_DIR, else the directory of ARK_DEV_ENV, else <repo>/.dev.
ark_resolve_dev_dir() {
  if [ -z "${ARK_DEV_DIR:-}" ] && [ -n "${ARK_DEV_ENV:-}" ]; then
    ARK_DEV_DIR="$(dirname "$ARK_DEV_ENV")"
  fi
  ARK_DEV_DIR="${ARK_DEV_DIR:-$ARK_REPO/.dev}"
  case "$ARK_DEV_DIR" in
    /*) ;;
    *) ARK_DEV_DIR="$PWD/$ARK_DEV_DIR" ;;
  esac
  ARK_DEV_DIR="${ARK_DEV_DIR%/}"
  case "$ARK_DEV_DIR" in
    *[[:space:]\'\"]*) ark_die "ARK_DEV_DIR must not contain blanks or quotes: $ARK_DEV_DIR" ;;
  esac
  export ARK_DEV_DIR
}

# Fixed layout under ARK_DEV_DIR (not configurable, so every script agrees on it).
ark_layout() {
  DEV_ETC="$ARK_DEV_DIR/etc"
  DEV_RUN="$ARK_DEV_DIR/run"
  DEV_LOG="$ARK_DEV_DIR/log"
  DEV_SECRETS="$ARK_DEV_DIR/secrets"
  DEV_DB="$ARK_DEV_DIR/db"
  DEV_DB_CNF="$DEV_DB/my.cnf"
  DEV_DB_RUN="$DEV_RUN/mysqld"
  DEV_PF="$ARK_DEV_DIR/postfix"
  DEV_PF_DATA="$DEV_PF/data"
  DEV_PF_LOG="$DEV_PF/log"
  DEV_MARKER="$ARK_DEV_DIR/.ark-dev-dir"
  DEV_ENV_FILE="$ARK_DEV_DIR/env"
  DEV_API_KEY_FILE="$DEV_SECRETS/org-api-key"
}

# Computes every setting from the environment and defaults (used by dev-up).
ark_settings_from_env() {
  ark_resolve_dev_dir
  ark_layout
  ARK_BUILD_DIR="${ARK_BUILD_DIR:-$ARK_REPO/build}"
  case "$ARK_BUILD_DIR" in /*) ;; *) ARK_BUILD_DIR="$PWD/$ARK_BUILD_DIR" ;; esac
  ARK_PORT_BASE="${ARK_PORT_BASE:-24000}"
  local b="$ARK_PORT_BASE"
  case "$b" in
    *[!0-9]* | "") ark_die "ARK_PORT_BASE must be a number, not '$b'" ;;
  esac
  if [ "$b" -lt 1024 ] || [ "$b" -gt 65000 ]; then
    ark_die "ARK_PORT_BASE must be 1024..65000"
  fi
  # Only the base is read from the environment: a shell that sourced an env file has the
  # port variables exported, and they must not pin a new stack to the old ports.
  ARK_DB_PORT=$((b + 306))
  ARK_SMTP_PORT=$((b + 25))
  ARK_SINK_OK_PORT=$((b + 26))
  ARK_SINK_4XX_PORT=$((b + 27))
  ARK_SINK_5XX_PORT=$((b + 28))
  ARK_SUBMIT_PORT=$((b + 87))
  ARK_API_PORT=$((b + 80))
  ARK_DNS_PORT=$((b + 53))
  ARK_NODE="${ARK_NODE:-dev1}"
  ARK_HOSTNAME="${ARK_HOSTNAME:-mx.ark-dev.test}"
  ARK_LOG_LEVEL="${ARK_LOG_LEVEL:-info}"
  ark_derived_settings
}

# Values that follow from the layout and ports; never overridden.
ark_derived_settings() {
  ARK_API_URL="http://127.0.0.1:$ARK_API_PORT"
  ARK_DB_HOST=127.0.0.1
  ARK_DB_SOCKET="$DEV_DB_RUN/mysqld.sock"
  ARK_DB_NAME=ark
  ARK_DB_USER=ark
  ARK_DB_PASSWORD_FILE="$DEV_SECRETS/db-password"
  ARK_DB_ROOT_CNF="$DEV_DB_CNF"
  ARK_PF_CONF="$DEV_PF/conf"
  ARK_PF_QUEUE="$DEV_PF/queue"
  ARK_MAILLOG="$DEV_PF_LOG/maillog"
  ARK_SINK_DIR="$ARK_DEV_DIR/sink"
  ARK_MILTER_SOCKET="$DEV_RUN/milter.sock"
  ARK_MILTER_CONFIG="$DEV_ETC/milter.yaml"
  ARK_ADMIND_CONFIG="$DEV_ETC/admind.yaml"
  ARK_BINDING_SECRET_FILE="$DEV_SECRETS/binding.key"
  # VERP return paths (admind dns.return_path_host, milter bounces.return_path_host); Postfix
  # relays this host to admind's bounce intake (arkctl postfix-config).
  ARK_RETURN_PATH_HOST=rp.ark.localhost
  ARK_LOG_DIR="$DEV_LOG"
  ARK_RUN_DIR="$DEV_RUN"
  ARK_DEV_CTL="$ARK_REPO/scripts/dev-ctl"
  ARK_MILTER_BIN="$ARK_BUILD_DIR/milter/ark-milter"
  ARK_ADMIND_BIN="$ARK_BUILD_DIR/admind/ark-admind"
  ARK_ARKCTL="$ARK_BUILD_DIR/admind/arkctl"
  ARK_POLICYD_BIN="$ARK_BUILD_DIR/policy/policyd/ark-policyd"
  ARK_POLICYD_CONFIG="$DEV_ETC/policyd.yaml"
  ARK_POLICYD_SOCKET="$DEV_RUN/policyd.sock"
  ARK_TLS_CERT="$ARK_PF_CONF/tls-cert.pem"
  ARK_TLS_KEY="$ARK_PF_CONF/tls-key.pem"
  ARK_DNS_ADDR=127.0.0.54
  ARK_NSD_CONF="$ARK_DEV_DIR/dns/nsd.conf"
  ARK_DNS_ZONE_DIR="$ARK_DEV_DIR/dns/zones"
}

# Variables written to $ARK_DEV_DIR/env, in order.
ARK_ENV_KEYS=(
  ARK_DEV_DIR ARK_BUILD_DIR ARK_REPO ARK_PORT_BASE ARK_NODE ARK_HOSTNAME ARK_LOG_LEVEL
  ARK_API_URL ARK_API_PORT
  ARK_DB_HOST ARK_DB_PORT ARK_DB_SOCKET ARK_DB_NAME ARK_DB_USER ARK_DB_PASSWORD_FILE
  ARK_DB_ROOT_CNF
  ARK_PF_CONF ARK_PF_QUEUE ARK_MAILLOG ARK_SMTP_PORT
  ARK_SINK_DIR ARK_SINK_OK_PORT ARK_SINK_4XX_PORT ARK_SINK_5XX_PORT
  ARK_MILTER_SOCKET ARK_MILTER_CONFIG ARK_ADMIND_CONFIG ARK_BINDING_SECRET_FILE ARK_RETURN_PATH_HOST
  ARK_LOG_DIR ARK_RUN_DIR ARK_DEV_CTL ARK_MILTER_BIN ARK_ADMIND_BIN ARK_ARKCTL
  ARK_ORG_API_KEY
  ARK_DNS_ADDR ARK_DNS_PORT ARK_NSD_CONF ARK_DNS_ZONE_DIR
  ARK_SUBMIT_PORT ARK_POLICYD_BIN ARK_POLICYD_CONFIG ARK_POLICYD_SOCKET ARK_TLS_CERT
)

# Loads the settings a previous dev-up saved (used by dev-down and dev-ctl).
# Returns 1 when there is no saved env file.
ark_settings_load() {
  ark_resolve_dev_dir
  ark_layout
  [ -f "$DEV_ENV_FILE" ] || return 1
  local dir="$ARK_DEV_DIR"
  # shellcheck disable=SC1090
  . "$DEV_ENV_FILE"
  ARK_DEV_DIR="$dir"
  ark_layout
}

# Writes the env file: a comment header, then one `export KEY='VALUE'` line per key.
# Values never contain a single quote, so C++ tests can parse the lines without a shell.
ark_write_env() {
  local tmp="$DEV_ENV_FILE.tmp" key value
  {
    echo "# ark-postfix dev stack settings, written by scripts/dev-up. Source this file."
    echo "# Format: one export KEY='VALUE' line per setting; values never contain quotes."
    for key in "${ARK_ENV_KEYS[@]}"; do
      value="${!key:-}"
      case "$value" in *"'"*) ark_die "$key contains a single quote: $value" ;; esac
      printf "export %s='%s'\n" "$key" "$value"
    done
  } >"$tmp"
  chmod 600 "$tmp"
  mv -f "$tmp" "$DEV_ENV_FILE"
}

# Writes stdin to PATH only if the content differs. Returns 0 if the file changed.
ark_write_if_changed() {
  local path="$1" tmp
  tmp="$(mktemp "$path.XXXXXX")"
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    return 1
  fi
  chmod 644 "$tmp"
  mv -f "$tmp" "$path"
  return 0
}

# Polls CMD... every 0.1 s for up to SECONDS; returns CMD's last status.
ark_poll() {
  local seconds="$1" i
  shift
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  "$@"
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
ark_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the last N lines of FILE with a title, if the file exists and is not empty.
ark_tail() {
  local file="$1" n="${2:-40}"
  [ -s "$file" ] || return 0
  printf -- '----- last %s lines of %s -----\n' "$n" "$file" >&2
  tail -n "$n" "$file" >&2
}
