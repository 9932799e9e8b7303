#!/usr/bin/env bash
# Against the suite the README's run command starts: each service's Redis
# user reaches its own keys and no other service's; a connection without a
# password can do nothing; and an entry planted in the events service's
# cache (a forged version far ahead of the store) is dropped and the event
# read from the store, not served and not left to stick.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
source "$root/tests/scripts/suite.sh"
suite_temp
tmp=$suite_dir
# The planted-entry check below is about what the events service does with
# an entry it reads from Redis; with its in-process near cache on, the
# event is served from memory and Redis is never asked (which is also
# safe). Every flag can come from the environment: off here, for all.
export OUTREACH_NEAR_CACHE_BYTES=0
suite_start "$tmp" "$build_dir"
port=$(sed -n 's/^OUTREACH_REDIS_PORT=//p' "$tmp/ports.env")
acl=$tmp/redis/acl
as() {
  local user=$1
  shift
  REDISCLI_AUTH=$(cat "$acl/$user.password") \
    redis-cli -p "$port" --user "$user" "$@" 2>&1
}
status=0
expect() {  # expect WHAT PATTERN OUTPUT
  if grep -q -- "$2" <<<"$3"; then echo "ok: $1"; else
    echo "FAILED: $1: got '$3'" >&2; status=1; fi
}

expect "no password, no access" NOAUTH "$(redis-cli -p "$port" get outreach:write-generation 2>&1)"
for service in events participants recommendations gateway; do
  expect "$service writes its own keys" OK \
    "$(as "$service" set "outreach:$service:acl-test" 1)"
  for other in events participants recommendations gateway; do
    [ "$other" = "$service" ] && continue
    expect "$service cannot read $other's keys" NOPERM \
      "$(as "$service" get "outreach:$other:v1:anything")"
  done
  expect "$service cannot list keys" NOPERM "$(as "$service" keys '*')"
  expect "$service cannot reach into others' keys through a script" NOPERM \
    "$(as "$service" eval "return redis.call('GET', KEYS[1])" 1 outreach:x:y)"
done
expect "events bumps the write generation" '^[0-9]' \
  "$(as events incr outreach:write-generation)"
expect "the gateway only reads it" NOPERM "$(as gateway incr outreach:write-generation)"
expect "the gateway reads it" '^[0-9]' "$(as gateway get outreach:write-generation)"

# A planted entry. Read the seed's note once so its event is cached, then
# overwrite that entry (as an admin could, or anyone holding the events
# user's password) with a forged version no store revision reaches.
ctl=("$build_dir/tools/outreachctl" --address="$suite_gateway")
event=$("${ctl[@]}" events list | awk '/^events\// {print $1; exit}')
"${ctl[@]}" note "$event" >/dev/null
mapfile -t keys < <(as outreach-admin --scan --pattern "outreach:events:v1:*${event#events/}")
[ "${#keys[@]}" -ge 1 ] || { echo "FAILED: no cached entry for $event" >&2; exit 1; }
for key in "${keys[@]}"; do
  as outreach-admin set "$key" "999999999999:V:forged" >/dev/null
done
# A note composed anew (a new write generation: the gateway's composites
# miss) reads the event from the events service, which must not believe
# the entry.
as events incr outreach:write-generation >/dev/null
out=$("${ctl[@]}" note "$event") || { echo "FAILED: note: $out" >&2; status=1; }
expect "the note is read from the store" "Regional Workshop" "$out"
for key in "${keys[@]}"; do
  value=$(as outreach-admin get "$key")
  if [[ "$value" == 999999999999:* ]]; then
    echo "FAILED: the forged entry stuck at $key" >&2
    status=1
  else
    echo "ok: the forged entry at $key is gone"
  fi
done
grep -q "dropped an implausible cache entry" "$tmp/logs/events.log" ||
  { echo "FAILED: events.log does not record the drop" >&2; status=1; }
suite_stop
exit "$status"
