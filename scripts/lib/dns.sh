# shellcheck shell=bash
# shellcheck disable=SC2034  # settings are read by the scripts that source this file
# The dev stack's authoritative DNS server (issue 5): NSD on $ARK_DNS_ADDR:$ARK_DNS_PORT
# (127.0.0.54, port base + 53, the address of admind's dns.resolver), serving the zones that
# tests write as $ARK_DNS_ZONE_DIR/<zone>.zone. dev-up only writes its config: tests that
# need DNS start it themselves (tests/integration/dns_zone.h), or their own server on that
# address, one at a time; `dev-ctl start dns` runs it by hand. It runs in the foreground (nsd -d) as root without a
# chroot, keeps no database, and takes commands over a unix socket:
#   nsd-control -c $ARK_NSD_CONF addzone <zone> ark     (a new zone file)
#   nsd-control -c $ARK_NSD_CONF reload <zone>          (after rewriting one)
# Added zones are remembered in its zone list, so a restart keeps them. ark-admind's
# dns.resolver points here (config.sh). Sourced by services.sh; requires common.sh.

dns_layout() {
  DEV_DNS="$ARK_DEV_DIR/dns"
  ARK_NSD_CONF="$DEV_DNS/nsd.conf"
  ARK_DNS_ZONE_DIR="$DEV_DNS/zones"
  ARK_NSD_CONTROL_SOCKET="$DEV_RUN/nsd.ctl"
}

cfg_write_nsd_conf() {
  dns_layout
  mkdir -p "$ARK_DNS_ZONE_DIR"
  chmod 755 "$DEV_DNS" "$ARK_DNS_ZONE_DIR"
  ark_write_if_changed "$ARK_NSD_CONF" <<NSD || true
# NSD of the ark dev stack, written by scripts/dev-up (scripts/lib/dns.sh).
server:
  ip-address: $ARK_DNS_ADDR@$ARK_DNS_PORT
  username: ""
  chroot: ""
  zonesdir: "$ARK_DNS_ZONE_DIR"
  database: ""
  zonelistfile: "$DEV_DNS/zone.list"
  xfrdfile: "$DEV_DNS/xfrd.state"
  xfrdir: "$DEV_DNS"
  pidfile: "$DEV_RUN/nsd-server.pid"
  server-count: 1
  tcp-count: 64
  verbosity: 1
  hide-version: yes
remote-control:
  control-enable: yes
  control-interface: "$ARK_NSD_CONTROL_SOCKET"
pattern:
  name: "ark"
  zonefile: "%s.zone"
NSD
}

svc_dns_ready() {
  nsd-control -c "$ARK_NSD_CONF" status >/dev/null 2>&1
}

svc_dns_start() {
  cfg_write_nsd_conf
  if pid_of dns >/dev/null; then
    ark_say "dns: already running"
  else
    rm -f "$ARK_NSD_CONTROL_SOCKET"
    proc_spawn dns nsd -d -c "$ARK_NSD_CONF"
  fi
  svc_wait dns 20 svc_dns_ready
  ark_say "dns: NSD ready on $ARK_DNS_ADDR:$ARK_DNS_PORT (zones in $ARK_DNS_ZONE_DIR)"
}
