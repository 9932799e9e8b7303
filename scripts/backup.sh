#!/usr/bin/env bash
# Backs up the suite's three SQLite stores on one machine, while it runs:
# sqlite3's online backup gives a consistent copy of each store, whatever
# is being written. The cache is not backed up (it is rebuilt from the
# stores).
#
#   scripts/backup.sh [DEST]     DEST: a new folder (default
#                                .outreach/backups/<UTC time>)
#
# Reads OUTREACH_DATA_DIR (.outreach), like scripts/run.sh. Restore with
# scripts/restore.sh DEST. In Kubernetes, docs/operations.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case "${1:-}" in -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
ensure_packages sqlite3
data_dir=${OUTREACH_DATA_DIR:-$OUTREACH_ROOT/.outreach}
dest=${1:-$data_dir/backups/$(date -u +%Y%m%dT%H%M%SZ)}
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
  echo "backup.sh: $dest exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dest"
for store in events participants recommendations; do
  db="$data_dir/data/$store.db"
  if [ ! -f "$db" ]; then
    echo "backup.sh: $db does not exist (is OUTREACH_DATA_DIR right?)" >&2
    exit 1
  fi
  sqlite3 "$db" ".timeout 10000" ".backup '$dest/$store.db'"
  # The copy must be a sound database.
  check=$(sqlite3 "$dest/$store.db" "PRAGMA integrity_check")
  if [ "$check" != ok ]; then
    echo "backup.sh: the backup of $store failed its integrity check: $check" >&2
    exit 1
  fi
done
date -u +%Y-%m-%dT%H:%M:%SZ >"$dest/taken_at"
log "Backed up the three stores to $dest"
echo "$dest"
