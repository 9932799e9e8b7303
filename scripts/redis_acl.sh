#!/usr/bin/env bash
# Writes a Redis ACL file giving each Outreach service a user of its own,
# limited to its own keys and the suite's shared write generation, and a
# password file per user (mode 600):
#
#   scripts/redis_acl.sh DIR      -> DIR/users.acl, DIR/<user>.password
#
# Users: events, participants and recommendations read and write
# outreach:<service>:* and bump outreach:write-generation; the gateway
# reads and writes outreach:gateway:* and only reads the generation;
# outreach-admin (scripts' own checks) may do anything. The default user is
# off: a connection that does not authenticate can do nothing.
#
# Each user may run only the commands the cache uses (common/cache/
# redis_cache.cc): GET, SET, DEL, INCR, EVAL (whose script's own GET and
# SET are checked against the same keys) and PING. Passwords are kept
# when DIR already has them, so a restart keeps its users.
set -euo pipefail
dir=${1:?usage: redis_acl.sh DIR}
mkdir -p "$dir"
chmod 700 "$dir"

password() {
  local file="$dir/$1.password"
  if [ ! -s "$file" ]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file")
  fi
  cat "$file"
}

commands="-@all +get +set +del +incr +eval +ping"
{
  echo "user default off"
  echo "user outreach-admin on >$(password outreach-admin) ~* &* +@all"
  for service in events participants recommendations; do
    echo "user $service on >$(password "$service") resetkeys" \
         "~outreach:$service:* ~outreach:write-generation resetchannels $commands"
  done
  echo "user gateway on >$(password gateway) resetkeys ~outreach:gateway:*" \
       "%R~outreach:write-generation resetchannels $commands"
} >"$dir/users.acl.new"
chmod 600 "$dir/users.acl.new"
mv "$dir/users.acl.new" "$dir/users.acl"
