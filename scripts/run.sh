#!/usr/bin/env bash
# Runs the Outreach suite on loopback, on the embedded default: SQLite files
# and a redis-server of its own, all under .outreach/ (or $OUTREACH_DATA_DIR).
# Installs what is missing (apt-get), builds, starts everything, prints how
# to reach it, and serves until Ctrl-C, which stops everything cleanly.
#
#   scripts/run.sh          serve until Ctrl-C
#   scripts/run.sh --once   start, check health, print, stop (a smoke test)
#
# Settings (environment): OUTREACH_DATA_DIR, OUTREACH_REDIS_PORT (6390),
# OUTREACH_EVENTS_PORT (8081), OUTREACH_PARTICIPANTS_PORT (8082),
# OUTREACH_RECOMMENDATIONS_PORT (8083), OUTREACH_GATEWAY_PORT (8080),
# OUTREACH_WEB_PORT (8088, the web front, as the development editor),
# OUTREACH_<SERVICE>_METRICS_PORT (Prometheus /metrics; 9081, 9082, 9083 and
# 9080 for the gateway), OUTREACH_<SERVICE>_HEALTH_PORT (plaintext health
# only; 7081, 7082, 7083 and 7080),
# OUTREACH_NOTE (the note imported at start; the seed by default),
# OUTREACH_TLS=off (plaintext on loopback, nobody authenticated: for
# benchmarks), OUTREACH_SKIP_BUILD=1 to use an existing build.
#
# Security: mutual TLS by default. A development CA and a certificate per
# identity are made under $OUTREACH_DATA_DIR/tls (scripts/dev_tls.sh); each
# service presents its own and is held to deploy/k8s/base/authz/<service>.json;
# outreachctl presents editor's unless --identity says otherwise.
#
# Signals: SIGINT or SIGTERM, sent to this script's PID or to its process
# group, stop everything cleanly; the exit status is 0 (130 for Ctrl-C at a
# terminal). A supervisor may start it with SIGINT ignored (a background
# job of a non-interactive shell is): the script restores the default
# first, so that its handler can be installed.
set -euo pipefail
if [ -z "${OUTREACH_RUN_SIGNALS_RESET:-}" ]; then
  export OUTREACH_RUN_SIGNALS_RESET=1
  exec env --default-signal=INT,TERM bash "${BASH_SOURCE[0]}" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

once=false
for arg in "$@"; do
  case "$arg" in
    --once) once=true ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ "${OUTREACH_SKIP_BUILD:-0}" != 1 ]; then
  ensure_packages "${OUTREACH_BUILD_PACKAGES[@]}"
  build_all
fi

data_dir=${OUTREACH_DATA_DIR:-$OUTREACH_ROOT/.outreach}
redis_port=${OUTREACH_REDIS_PORT:-6390}
events_port=${OUTREACH_EVENTS_PORT:-8081}
participants_port=${OUTREACH_PARTICIPANTS_PORT:-8082}
recommendations_port=${OUTREACH_RECOMMENDATIONS_PORT:-8083}
gateway_port=${OUTREACH_GATEWAY_PORT:-8080}
web_port=${OUTREACH_WEB_PORT:-8088}
events_metrics_port=${OUTREACH_EVENTS_METRICS_PORT:-9081}
participants_metrics_port=${OUTREACH_PARTICIPANTS_METRICS_PORT:-9082}
recommendations_metrics_port=${OUTREACH_RECOMMENDATIONS_METRICS_PORT:-9083}
gateway_metrics_port=${OUTREACH_GATEWAY_METRICS_PORT:-9080}
events_health_port=${OUTREACH_EVENTS_HEALTH_PORT:-7081}
participants_health_port=${OUTREACH_PARTICIPANTS_HEALTH_PORT:-7082}
recommendations_health_port=${OUTREACH_RECOMMENDATIONS_HEALTH_PORT:-7083}
gateway_health_port=${OUTREACH_GATEWAY_HEALTH_PORT:-7080}
tls_mode=${OUTREACH_TLS:-on}
case "$tls_mode" in on|off) ;; *) echo "OUTREACH_TLS=$tls_mode: want on or off" >&2; exit 2 ;; esac
# The tools started below, and any started from this shell, find the
# certificates through it.
export OUTREACH_DATA_DIR=$data_dir
note_file=${OUTREACH_NOTE:-$OUTREACH_ROOT/examples/notes/kiev_2013.txt}
mkdir -p "$data_dir/data" "$data_dir/redis" "$data_dir/logs"

pids=()
stopping=false
stop_all() {
  $stopping && return
  stopping=true
  log "Stopping"
  # Services first, so they drain before their cache goes away.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
}
# Asked to stop: a clean stop is a success. Ctrl-C at a terminal keeps the
# shell's convention (130).
on_signal() {
  if [ "$1" = INT ] && [ -t 0 ]; then exit 130; fi
  exit 0
}
trap stop_all EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$redis_port" "$events_port" "$participants_port" "$recommendations_port" "$gateway_port" \
         "$web_port" \
         "$events_metrics_port" "$participants_metrics_port" \
         "$recommendations_metrics_port" "$gateway_metrics_port" \
         "$events_health_port" "$participants_health_port" \
         "$recommendations_health_port" "$gateway_health_port"; do
  if ! port_free "$p"; then
    echo "port $p on 127.0.0.1 is in use; is the suite already running?" \
         "Set OUTREACH_REDIS_PORT / OUTREACH_EVENTS_PORT /" \
         "OUTREACH_PARTICIPANTS_PORT / OUTREACH_RECOMMENDATIONS_PORT /" \
         "OUTREACH_GATEWAY_PORT / OUTREACH_WEB_PORT (and OUTREACH_<SERVICE>_METRICS_PORT," \
         "OUTREACH_<SERVICE>_HEALTH_PORT) to use others." >&2
    exit 1
  fi
done

log "Starting redis-server on 127.0.0.1:$redis_port (data in $data_dir/redis)"
# A Redis user per service, each held to its own keys
# (scripts/redis_acl.sh); nothing is allowed without a password.
acl_dir=$data_dir/redis/acl
"$OUTREACH_ROOT/scripts/redis_acl.sh" "$acl_dir"
redis_ping() {
  REDISCLI_AUTH=$(cat "$acl_dir/outreach-admin.password") \
    redis-cli -p "$redis_port" --user outreach-admin ping >/dev/null 2>&1
}
# Each child runs in a session of its own: a signal sent to this script's
# process group reaches the script alone, which then stops the children in
# order (services first, so that they drain while their cache is there).
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$data_dir/redis" \
  --aclfile "$acl_dir/users.acl" \
  --save "60 1" --appendonly no --daemonize no \
  >>"$data_dir/logs/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  redis_ping && break
  sleep 0.1
done
if ! redis_ping; then
  echo "redis-server did not start; see $data_dir/logs/redis.log" >&2
  tail -5 "$data_dir/logs/redis.log" >&2
  exit 1
fi

tls_dir=$data_dir/tls
if [ "$tls_mode" = on ]; then
  log "Development certificates in $tls_dir"
  "$OUTREACH_ROOT/scripts/dev_tls.sh" "$tls_dir"
fi
# security_flags NAME: the flags that make service NAME serve mutual TLS
# with its own certificate, under its policy, accepting development bearer
# tokens; nothing when OUTREACH_TLS=off.
security_flags() {
  [ "$tls_mode" = on ] || return 0
  printf '%s\n' --tls_cert="$tls_dir/$1.crt" --tls_key="$tls_dir/$1.key" \
    --tls_ca="$tls_dir/ca.crt" --authz_policy="$OUTREACH_ROOT/deploy/k8s/base/authz/$1.json" \
    --jwt_public_keys="$tls_dir/jwt-signing.pub" --jwt_issuer=outreach-dev \
    --jwt_audience=outreach
}

# start_service NAME PORT METRICS_PORT HEALTH_PORT BINARY [FLAGS...]: starts
# one of the suite's binaries on 127.0.0.1:PORT, with /metrics on
# METRICS_PORT, plaintext health on HEALTH_PORT and its log in
# logs/NAME.log, and waits until its health says SERVING.
start_service() {
  local name=$1 port=$2 metrics_port=$3 health_port=$4 binary=$5
  shift 5
  local security
  mapfile -t security < <(security_flags "$name")
  log "Starting $name on 127.0.0.1:$port (metrics on :$metrics_port, health on :$health_port)"
  # The Redis password goes in the environment, never on a command line.
  OUTREACH_REDIS_PASSWORD=$(cat "$acl_dir/$name.password") \
  setsid "$BUILD_DIR/$binary" --listen_host=127.0.0.1 --port="$port" \
    --redis_username="$name" \
    --metrics_port="$metrics_port" --health_port="$health_port" \
    "${security[@]}" "$@" \
    >>"$data_dir/logs/$name.log" 2>&1 &
  pids+=($!)
  if ! wait_for_serving "127.0.0.1:$health_port" 30 "${pids[-1]}"; then
    echo "$name did not become ready; see $data_dir/logs/$name.log" >&2
    tail -5 "$data_dir/logs/$name.log" >&2
    exit 1
  fi
}

redis="--redis_address=127.0.0.1:$redis_port"
start_service events "$events_port" "$events_metrics_port" "$events_health_port" \
  services/events/events_server \
  --db_path="$data_dir/data/events.db" "$redis" \
  --participants_address="127.0.0.1:$participants_port" \
  --recommendations_address="127.0.0.1:$recommendations_port"
start_service participants "$participants_port" "$participants_metrics_port" \
  "$participants_health_port" \
  services/participants/participants_server \
  --db_path="$data_dir/data/participants.db" "$redis" \
  --events_address="127.0.0.1:$events_port"
start_service recommendations "$recommendations_port" "$recommendations_metrics_port" \
  "$recommendations_health_port" \
  services/recommendations/recommendations_server \
  --db_path="$data_dir/data/recommendations.db" "$redis" \
  --events_address="127.0.0.1:$events_port" \
  --participants_address="127.0.0.1:$participants_port"
start_service gateway "$gateway_port" "$gateway_metrics_port" "$gateway_health_port" \
  services/gateway/gateway_server "$redis" \
  --events_address="127.0.0.1:$events_port" \
  --participants_address="127.0.0.1:$participants_port" \
  --recommendations_address="127.0.0.1:$recommendations_port"

# The web front, for people: its own certificate to the gateway, and, with
# no sign-in proxy on a laptop, every request as the development editor,
# whose short-lived tokens it signs with the development key (the gateway
# verifies them like any other). Loopback only.
web_flags=(--listen_host=127.0.0.1 --port="$web_port"
  --gateway_address="127.0.0.1:$gateway_port" --dev_identity=editor)
if [ "$tls_mode" = on ]; then
  web_flags+=(--tls_cert="$tls_dir/web.crt" --tls_key="$tls_dir/web.key"
    --tls_ca="$tls_dir/ca.crt" --dev_signing_key="$tls_dir/jwt-signing.key")
fi
log "Starting web on 127.0.0.1:$web_port"
setsid "$BUILD_DIR/services/web/web_server" "${web_flags[@]}" \
  >>"$data_dir/logs/web.log" 2>&1 &
pids+=($!)
if ! wait_for_http "127.0.0.1:$web_port" 30 "${pids[-1]}"; then
  echo "web did not become ready; see $data_dir/logs/web.log" >&2
  tail -5 "$data_dir/logs/web.log" >&2
  exit 1
fi

# Reflection is granted to admin only (deploy/k8s/base/authz/).
health=("$BUILD_DIR/tools/outreach_health" --identity=admin --list)
"${health[@]}" --address="127.0.0.1:$events_port" \
  --service=outreach.events.v1.EventsService
"${health[@]}" --address="127.0.0.1:$participants_port" \
  --service=outreach.participants.v1.ParticipantsService
"${health[@]}" --address="127.0.0.1:$recommendations_port" \
  --service=outreach.recommendations.v1.RecommendationsService
"${health[@]}" --address="127.0.0.1:$gateway_port" \
  --service=outreach.gateway.v1.GatewayService

# The main job: import the note (again is harmless: it creates nothing new)
# and print it rebuilt from the records.
ctl=("$BUILD_DIR/tools/outreachctl" --address="127.0.0.1:$gateway_port")
log "Importing $note_file"
report=$("${ctl[@]}" import "$note_file")
echo "$report"
event=$(awk '$1 == "Event" {print $2; exit}' <<<"$report")
log "The information note of $event, rebuilt from the records"
"${ctl[@]}" note "$event"
cat <<INFO

Outreach is running on loopback:
  events service         127.0.0.1:$events_port   (outreach.events.v1.EventsService)
  participants service   127.0.0.1:$participants_port   (outreach.participants.v1.ParticipantsService)
  recommendations        127.0.0.1:$recommendations_port   (outreach.recommendations.v1.RecommendationsService)
  gateway                127.0.0.1:$gateway_port   (outreach.gateway.v1.GatewayService)
  web                    http://127.0.0.1:$web_port/   (pages and /v1 JSON, as the development editor)
  redis cache            127.0.0.1:$redis_port
  data                   $data_dir/data   logs  $data_dir/logs
  security               $( [ "$tls_mode" = on ] && echo "mutual TLS, certificates in $tls_dir" || echo "OFF: plaintext, nobody authenticated")

CLI:      $BUILD_DIR/tools/outreachctl note $event [--format=html] [--identity=viewer|editor|admin]
Health:   $BUILD_DIR/tools/outreach_health --address=127.0.0.1:$events_health_port --tls=off
Contracts: protos/outreach/*/v1/*.proto (server reflection: --identity=admin)
INFO

if $once; then
  exit 0
fi
echo "Press Ctrl-C to stop."
# Returns when any process ends; a service dying is an error.
wait -n "${pids[@]}" || true
if ! $stopping; then
  echo "a process ended unexpectedly; see $data_dir/logs" >&2
  exit 1
fi
