#!/usr/bin/env bash
# scripts/run.sh under a supervisor: SIGINT or SIGTERM, sent to its process
# group or to its PID alone, with or without SIGINT ignored on entry (as a
# background job of a non-interactive shell has it), stops every process
# cleanly, and the script exits 0.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
source "$root/scripts/lib.sh"

run_case() {
  local signal=$1 target=$2 ignore_int=$3
  local tmp
  tmp=$(mktemp -d)
  local env_vars
  mapfile -t env_vars < <(suite_ports "$tmp")
  env_vars+=(OUTREACH_SKIP_BUILD=1 OUTREACH_BUILD_DIR="$build_dir"
             OUTREACH_DATA_DIR="$tmp")
  # A session of its own, as under a supervisor; stdin not a terminal.
  if [ "$ignore_int" = yes ]; then
    setsid env "${env_vars[@]}" bash -c 'trap "" INT; exec bash "$0"' \
      "$root/scripts/run.sh" </dev/null >"$tmp/out" 2>&1 &
  else
    setsid env "${env_vars[@]}" bash "$root/scripts/run.sh" \
      </dev/null >"$tmp/out" 2>&1 &
  fi
  local pid=$!
  for _ in $(seq 600); do
    grep -q "Press Ctrl-C to stop" "$tmp/out" 2>/dev/null && break
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if ! grep -q "Press Ctrl-C to stop" "$tmp/out"; then
    cat "$tmp/out" >&2
    echo "run.sh did not start ($signal to $target)" >&2
    exit 1
  fi
  if [ "$target" = group ]; then
    kill -"$signal" -- "-$pid"
  else
    kill -"$signal" "$pid"
  fi
  local status=0
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "run.sh still runs 30 s after SIG$signal to its $target" >&2
    kill -KILL -- "-$pid" 2>/dev/null || true
    exit 1
  fi
  wait "$pid" || status=$?
  if [ "$status" != 0 ]; then
    cat "$tmp/out" >&2
    echo "SIG$signal to its $target (SIGINT ignored on entry: $ignore_int):" \
         "exit $status, not 0" >&2
    exit 1
  fi
  if grep -q "ended unexpectedly" "$tmp/out"; then
    echo "SIG$signal to its $target was taken for a crash" >&2
    exit 1
  fi
  for name in events participants recommendations gateway; do
    grep -q '"message":"stopped"' "$tmp/logs/$name.log" || {
      echo "$name did not stop cleanly after SIG$signal to its $target" >&2
      exit 1
    }
  done
  if pgrep -f "$tmp" >/dev/null; then
    echo "processes were left running after SIG$signal to its $target" >&2
    pgrep -af "$tmp" >&2
    pkill -KILL -f "$tmp" || true
    exit 1
  fi
  rm -rf "$tmp"
  echo "SIG$signal to its $target (SIGINT ignored on entry: $ignore_int): ok"
}

run_case INT group no
run_case INT pid no
run_case INT pid yes
run_case TERM group no
run_case TERM pid no
