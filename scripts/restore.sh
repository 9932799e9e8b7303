#!/usr/bin/env bash
# Restores the suite's three SQLite stores on one machine from a backup of
# scripts/backup.sh. Stop the suite first (Ctrl-C on scripts/run.sh); start
# it again afterwards.
#
#   scripts/restore.sh BACKUP_DIR [--keep-cache]
#
# Each restored store gets a new incarnation, which is part of every cache
# key of its service, and a store that starts moves the suite's write
# generation on, which keys the gateway's composites: nothing cached
# before the restore can be served after it. The script also empties the
# suite's Redis data (.outreach/redis), as a second guard; --keep-cache
# leaves it, as in Kubernetes where Redis keeps running.
#
# Reads OUTREACH_DATA_DIR (.outreach), like scripts/run.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
backup=""
keep_cache=false
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --keep-cache) keep_cache=true ;;
    -*) echo "restore.sh: unknown option $arg" >&2; exit 2 ;;
    *) backup=$arg ;;
  esac
done
if [ -z "$backup" ]; then
  echo "usage: scripts/restore.sh BACKUP_DIR [--keep-cache]" >&2
  exit 2
fi
ensure_packages sqlite3
data_dir=${OUTREACH_DATA_DIR:-$OUTREACH_ROOT/.outreach}
for store in events participants recommendations; do
  [ -f "$backup/$store.db" ] || {
    echo "restore.sh: $backup/$store.db is missing" >&2
    exit 1
  }
done
# A running service would keep its open files (and its caches).
if pgrep -f -- "--db_path=$data_dir/data/" >/dev/null; then
  echo "restore.sh: the suite is running on $data_dir; stop it first" \
       "(Ctrl-C on scripts/run.sh)" >&2
  exit 1
fi
mkdir -p "$data_dir/data"
for store in events participants recommendations; do
  db="$data_dir/data/$store.db"
  cp "$backup/$store.db" "$db.restoring"
  # A new incarnation: the service's cache keys change with it.
  sqlite3 "$db.restoring" \
    "CREATE TABLE IF NOT EXISTS outreach_incarnation (id TEXT NOT NULL);
     DELETE FROM outreach_incarnation;
     INSERT INTO outreach_incarnation (id) VALUES (lower(hex(randomblob(8))));"
  rm -f "$db-wal" "$db-shm"
  mv "$db.restoring" "$db"
done
if ! $keep_cache; then
  rm -f "$data_dir"/redis/dump.rdb "$data_dir"/redis/appendonly.aof
  rm -rf "$data_dir"/redis/appendonlydir
fi
log "Restored the three stores from $backup (taken $(cat "$backup/taken_at" 2>/dev/null || echo '?'))"
