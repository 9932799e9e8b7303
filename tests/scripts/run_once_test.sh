#!/usr/bin/env bash
# The README's run command, end to end: scripts/run.sh --once on free ports
# and a temporary data folder must start Redis, the three services and the
# gateway, import the seed note and print it rebuilt from the records,
# report SERVING with the service listed by reflection, and stop cleanly.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
source "$root/scripts/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(OUTREACH_SKIP_BUILD=1 OUTREACH_BUILD_DIR="$build_dir" \
      OUTREACH_DATA_DIR="$tmp" OUTREACH_REDIS_PORT=$(free_port "$tmp") \
      OUTREACH_EVENTS_PORT=$(free_port "$tmp") OUTREACH_PARTICIPANTS_PORT=$(free_port "$tmp") \
      OUTREACH_RECOMMENDATIONS_PORT=$(free_port "$tmp") OUTREACH_GATEWAY_PORT=$(free_port "$tmp") \
      OUTREACH_WEB_PORT=$(free_port "$tmp") \
      OUTREACH_EVENTS_METRICS_PORT=$(free_port "$tmp") \
      OUTREACH_PARTICIPANTS_METRICS_PORT=$(free_port "$tmp") \
      OUTREACH_RECOMMENDATIONS_METRICS_PORT=$(free_port "$tmp") \
      OUTREACH_GATEWAY_METRICS_PORT=$(free_port "$tmp") \
      OUTREACH_EVENTS_HEALTH_PORT=$(free_port "$tmp") \
      OUTREACH_PARTICIPANTS_HEALTH_PORT=$(free_port "$tmp") \
      OUTREACH_RECOMMENDATIONS_HEALTH_PORT=$(free_port "$tmp") \
      OUTREACH_GATEWAY_HEALTH_PORT=$(free_port "$tmp") \
      bash "$root/scripts/run.sh" --once 2>&1) || {
  status=$?
  echo "$out"
  echo "scripts/run.sh --once exited with $status; its logs:" >&2
  tail -n 20 "$tmp"/logs/*.log >&2 || true
  exit 1
}
echo "$out"
grep -q "SERVING" <<<"$out"
grep -q "outreach.events.v1.EventsService" <<<"$out"
grep -q "outreach.participants.v1.ParticipantsService" <<<"$out"
grep -q "outreach.recommendations.v1.RecommendationsService" <<<"$out"
grep -q "outreach.gateway.v1.GatewayService" <<<"$out"
# The main job: the seed imported and its note printed from the records.
grep -q "Participants 36" <<<"$out"
grep -qP "^Date and Venue\t5-6 November 2013, Kiev, Ukraine$" <<<"$out"
grep -q "1540experts@un.org" <<<"$out"
# The web front's address, for people.
grep -qE "web +http://127\.0\.0\.1:[0-9]+/" <<<"$out"
test -f "$tmp/data/events.db"
test -f "$tmp/data/participants.db"
grep -q '"message":"stopped"' "$tmp/logs/events.log"
grep -q '"message":"stopped"' "$tmp/logs/participants.log"
grep -q '"message":"stopped"' "$tmp/logs/recommendations.log"
grep -q '"message":"stopped"' "$tmp/logs/gateway.log"
if pgrep -f "$tmp" >/dev/null; then
  echo "processes were left running" >&2
  exit 1
fi
grep -q "mutual TLS, certificates in $tmp/tls" <<<"$out"
test -f "$tmp/tls/ca.crt"

# The benchmarks' mode: OUTREACH_TLS=off serves plaintext, and the tools
# the script runs follow it (a fresh data folder: no certificates at all).
mapfile -t ports < <(suite_ports "$tmp")
off=$(env "${ports[@]}" OUTREACH_TLS=off OUTREACH_SKIP_BUILD=1 \
      OUTREACH_BUILD_DIR="$build_dir" OUTREACH_DATA_DIR="$tmp/off" \
      bash "$root/scripts/run.sh" --once 2>&1) || {
  echo "$off"
  echo "OUTREACH_TLS=off scripts/run.sh --once failed" >&2
  exit 1
}
grep -q "security               OFF: plaintext" <<<"$off"
grep -q "SERVING" <<<"$off"
test ! -e "$tmp/off/tls"
echo "run.sh --once: ok"
