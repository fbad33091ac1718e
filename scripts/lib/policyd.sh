# shellcheck shell=bash
# shellcheck disable=SC2034  # settings are read by the scripts that source this file
# The dev stack's SMTP AUTH (issue 4): ark-policyd on $ARK_POLICYD_SOCKET (Postfix's
# smtpd_sasl_path, wired by `arkctl postfix-config`, which finds policyd.yaml next to
# milter.yaml), and the self-signed certificate of the submission listener
# (127.0.0.1:$ARK_SUBMIT_PORT, STARTTLS required, AUTH only there; etc/postfix/dev/master.cf.in).
# Sourced by services.sh; requires common.sh and config.sh.

# policyd.yaml for the dev stack: fast failure answers and a generous throttle, so tests
# that try wrong passwords do not lock each other out.
cfg_write_policyd_yaml() {
  CFG_POLICYD_CHANGED=0
  {
    echo "# ark-policyd config of the dev stack, written by scripts/dev-up."
    cat <<YAML
policyd:
  socket: "$ARK_POLICYD_SOCKET"
  socket_group: postfix
  socket_mode: "0660"
auth:
  require_tls: true
  failure_delay: 100ms
throttle:
  max_failures: ${ARK_POLICYD_MAX_FAILURES:-50}
  window: 1m
YAML
    cfg_yaml_common
  } | ark_write_if_changed "$ARK_POLICYD_CONFIG" && CFG_POLICYD_CHANGED=1
  return 0
}

# A self-signed certificate for smtpd's STARTTLS (made once).
cfg_make_tls_cert() {
  [ -s "$ARK_TLS_CERT" ] && [ -s "$ARK_TLS_KEY" ] && return 0
  (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$ARK_HOSTNAME" \
    -addext "subjectAltName=DNS:$ARK_HOSTNAME,IP:127.0.0.1" \
    -keyout "$ARK_TLS_KEY" -out "$ARK_TLS_CERT" >/dev/null 2>&1) ||
    ark_die "openssl could not make the dev TLS certificate"
  chmod 644 "$ARK_TLS_CERT"
}

# Ready once the socket exists and user postfix may connect to it.
svc_policyd_ready() {
  [ -S "$ARK_POLICYD_SOCKET" ] &&
    setpriv --reuid=postfix --regid=postfix --init-groups -- test -w "$ARK_POLICYD_SOCKET"
}

svc_policyd_start() {
  if pid_of policyd >/dev/null; then
    [ "${CFG_POLICYD_CHANGED:-0}" = 1 ] &&
      ark_say "policyd: warning: policyd.yaml changed; restart it: dev-ctl restart policyd"
    ark_say "policyd: already running"
  else
    proc_spawn policyd "$ARK_POLICYD_BIN" --config "$ARK_POLICYD_CONFIG"
  fi
  svc_wait policyd 20 svc_policyd_ready
  ark_say "policyd: ready on $ARK_POLICYD_SOCKET"
}

# The send-policy keys (policy/engine/policy_config.h) of the dev stack, the same in
# milter.yaml and admind.yaml: unlimited by default (tests that need a limit set
# tenant_send_limits rows) and sandbox recipients in a test-only domain.
cfg_limits_yaml() {
  cat <<YAML
limits:
  hourly: ${ARK_LIMIT_HOURLY:-0}
sandbox:
  recipients: ["@members.ark-dev.test"]
  daily_limit: 10
YAML
}

# milter.yaml only: the send policy on, with a short cache so tests see credential, tenant
# and domain changes at once.
cfg_send_policy_yaml() {
  cat <<YAML
send:
  enabled: true
  cache_ttl: 200ms
YAML
  cfg_limits_yaml
}
