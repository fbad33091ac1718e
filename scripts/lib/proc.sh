# shellcheck shell=bash
# Process tracking for the dev stack: every daemon dev-up starts is recorded in
# $DEV_RUN/<name>.pid as "PID STARTTIME" (STARTTIME from /proc/PID/stat), so a recycled
# PID is never mistaken for ours. Daemons are started with setsid, so each one leads its
# own session and process group; stopping signals that group and waits until no live
# process of the session remains. Nothing is ever found or stopped by name.
#
# A daemon whose starter has exited is re-parented to PID 1, which may reap it late, so a
# zombie counts as stopped.

# Reads /proc/PID/stat into PROC_STATE, PROC_START (start time) and PROC_SID (session);
# fails if there is no such process. No subshell, so scanning /proc stays cheap.
proc_read() {
  local stat rest
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  [ -n "$stat" ] || return 1
  rest="${stat##*) }"
  # Fields after "pid (comm) ": state ppid pgrp session ... starttime is field 22.
  local -a f
  read -r -a f <<<"$rest"
  PROC_STATE="${f[0]}"
  PROC_SID="${f[3]}"
  PROC_START="${f[19]}"
}

# True if PID is running (not a zombie) and, when given, started at STARTTIME.
proc_alive() {
  proc_read "$1" || return 1
  case "$PROC_STATE" in Z | X | x) return 1 ;; esac
  [ -z "${2:-}" ] || [ "$PROC_START" = "$2" ]
}

# Records PID as the daemon NAME.
pid_record() {
  local name="$1" pid="$2"
  proc_read "$pid" || return 1
  printf '%s %s\n' "$pid" "$PROC_START" >"$DEV_RUN/$name.pid"
}

# Prints NAME's PID if the recorded process is still running; fails otherwise.
pid_of() {
  local file="$DEV_RUN/$1.pid" pid start
  [ -f "$file" ] || return 1
  read -r pid start <"$file" || return 1
  [ -n "$pid" ] && proc_alive "$pid" "$start" || return 1
  printf '%s\n' "$pid"
}

# Prints the live (non-zombie) processes whose session id is SID.
proc_session_members() {
  local sid="$1" dir pid
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    proc_read "$pid" || continue
    case "$PROC_STATE" in Z | X | x) continue ;; esac
    [ "$PROC_SID" = "$sid" ] && printf '%s\n' "$pid"
  done
  return 0
}

# Starts CMD... as daemon NAME in its own session, stdin from /dev/null, stdout and
# stderr appended to $DEV_LOG/NAME.log, and records its PID.
proc_spawn() {
  local name="$1"
  shift
  setsid "$@" </dev/null >>"$DEV_LOG/$name.log" 2>&1 &
  pid_record "$name" "$!"
}

# Sends SIGNAL to NAME's process group (its session leader's group).
proc_signal() {
  local name="$1" sig="$2" pid
  pid="$(pid_of "$name")" || return 0
  kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null || true
}

# True once no live process is left in NAME's session.
proc_gone() {
  local file="$DEV_RUN/$1.pid" pid start
  [ -f "$file" ] || return 0
  read -r pid start <"$file" || return 0
  if proc_alive "$pid" "$start"; then
    return 1
  fi
  [ -z "$(proc_session_members "$pid")" ]
}

# Stops the daemons NAMES...: SIGTERM to all at once, then waits up to SECONDS for all of
# them; whatever is left gets SIGKILL. Removes their PID files.
proc_stop() {
  local seconds="$1" name pid i left
  shift
  for name in "$@"; do
    proc_signal "$name" TERM
  done
  for ((i = 0; i < seconds * 10; i++)); do
    left=0
    for name in "$@"; do proc_gone "$name" || left=1; done
    [ "$left" -eq 0 ] && break
    sleep 0.1
  done
  for name in "$@"; do
    if ! proc_gone "$name"; then
      ark_say "$name did not stop within ${seconds}s; sending SIGKILL"
      proc_kill_session "$name"
    fi
    rm -f "$DEV_RUN/$name.pid"
  done
}

# SIGKILLs every live process in NAME's session and waits briefly for them.
proc_kill_session() {
  local file="$DEV_RUN/$1.pid" leader start pid i
  read -r leader start <"$file" || return 0
  for ((i = 0; i < 50; i++)); do
    local members
    members="$(proc_session_members "$leader")"
    [ -z "$members" ] && return 0
    for pid in $members; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.1
  done
  ark_say "warning: processes of $1 (session $leader) are still alive: $members"
}
