# Sourced by the script tests that need the suite scripts/run.sh starts.
#
# suite_start DIR BUILD_DIR [RUNS]: starts scripts/run.sh in a session of
#   its own, on free loopback ports chosen once per DIR (kept in
#   DIR/ports.env, so a restart serves the same addresses), with its data in
#   DIR, and waits until it serves: the RUNS-th (default 1) "Press Ctrl-C"
#   line in DIR/run.out. Sets suite_pid, suite_gateway, suite_events and
#   suite_web (host:port).
# suite_stop: SIGTERM, then waits; fails unless run.sh exits 0.
# suite_temp: makes a folder (printed into `suite_dir`) that is stopped and
#   removed when the test exits.
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

suite_start() {
  local dir=$1 build_dir=$2 runs=${3:-1}
  [ -f "$dir/ports.env" ] || suite_ports "$dir" >"$dir/ports.env"
  local ports
  mapfile -t ports <"$dir/ports.env"
  suite_gateway=127.0.0.1:$(sed -n 's/^OUTREACH_GATEWAY_PORT=//p' "$dir/ports.env")
  suite_web=127.0.0.1:$(sed -n 's/^OUTREACH_WEB_PORT=//p' "$dir/ports.env")
  suite_events=127.0.0.1:$(sed -n 's/^OUTREACH_EVENTS_PORT=//p' "$dir/ports.env")
  # The tools find the suite's certificates through it, as they find
  # .outreach/tls from the checkout's root.
  export OUTREACH_DATA_DIR=$dir
  env "${ports[@]}" OUTREACH_SKIP_BUILD=1 OUTREACH_BUILD_DIR="$build_dir" \
    OUTREACH_DATA_DIR="$dir" \
    setsid bash "$OUTREACH_ROOT/scripts/run.sh" </dev/null >>"$dir/run.out" 2>&1 &
  suite_pid=$!
  for _ in $(seq 600); do
    [ "$(grep -c "Press Ctrl-C to stop" "$dir/run.out" 2>/dev/null)" = "$runs" ] &&
      return 0
    kill -0 "$suite_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$dir/run.out" >&2
  echo "scripts/run.sh did not start" >&2
  return 1
}

suite_stop() {
  kill -TERM "$suite_pid" 2>/dev/null || true
  wait "$suite_pid"
}

suite_temp() {
  suite_dir=$(mktemp -d)
  trap 'suite_stop 2>/dev/null || true; rm -rf "$suite_dir" 2>/dev/null || true' EXIT
}
