#!/usr/bin/env bash
# Back up, write, restore: no view shows the write. On one machine, with
# the suite of scripts/run.sh: the seed is imported, backed up, a second
# note imported and every view read (so the gateway caches composites
# that show it), the suite stopped, the backup restored, the suite started
# again. Twice: with restore.sh emptying Redis's data, and with
# --keep-cache (Redis keeps its data, as in Kubernetes), where only the
# stores' new incarnations and the write generation stand between the
# views and the undone write.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
source "$root/tests/scripts/suite.sh"
ctl="$build_dir/tools/outreachctl"
second="$root/services/gateway/testdata/chisinau_2015.txt"

run_case() {
  local keep=$1
  local tmp
  tmp=$(mktemp -d)
  start() { suite_start "$tmp" "$build_dir" "$1"; gw=${suite_gateway#*:}; }
  stop() { suite_stop || { echo "run.sh did not stop cleanly" >&2; exit 1; }; }
  local gw
  views() {
    "$ctl" --address="127.0.0.1:$gw" events list
    "$ctl" --address="127.0.0.1:$gw" profile Moldova
    "$ctl" --address="127.0.0.1:$gw" dashboard
  }
  start 1
  OUTREACH_DATA_DIR="$tmp" bash "$root/scripts/backup.sh" "$tmp/backup" >/dev/null
  local written
  written=$("$ctl" --address="127.0.0.1:$gw" import "$second" |
            awk '$1 == "Event" {print $2; exit}')
  # Read every view after the write, twice: the gateway caches them.
  views >/dev/null; after=$(views)
  grep -q "Events: 2" <<<"$after" || { echo "$after" >&2; exit 1; }
  grep -q "Events attended: 2" <<<"$after" || { echo "$after" >&2; exit 1; }
  stop
  if [ "$keep" = keep ]; then
    OUTREACH_DATA_DIR="$tmp" bash "$root/scripts/restore.sh" "$tmp/backup" \
      --keep-cache
    test -f "$tmp/redis/dump.rdb"  # the cache's data is still there
  else
    OUTREACH_DATA_DIR="$tmp" bash "$root/scripts/restore.sh" "$tmp/backup"
  fi
  start 2
  local restored
  restored=$(views)
  local status=0
  grep -q "Events: 1" <<<"$restored" || status=1
  grep -q "Events attended: 1" <<<"$restored" || status=1
  grep -q "$written" <<<"$restored" && status=1
  if "$ctl" --address="127.0.0.1:$gw" note "$written" >/dev/null 2>&1; then
    echo "the undone write's note still renders" >&2
    status=1
  fi
  stop
  if [ "$status" != 0 ]; then
    echo "after the restore ($keep), a view shows the undone write:" >&2
    echo "$restored" >&2
    exit 1
  fi
  rm -rf "$tmp"
  echo "backup, write, restore ($keep): no view shows the write"
}

run_case flush
run_case keep
