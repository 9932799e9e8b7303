#!/usr/bin/env bash
# Every command of the README's "Try it while it runs" block, as written,
# (one marked "# refused: CODE" must fail with that code),
# against the suite scripts/run.sh starts (on free ports: the gateway's
# address comes from OUTREACH_ADDRESS, which every tool reads, and the
# events service's port is substituted). Each must exit 0 and print
# something; the HTML note must be a page.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
source "$root/tests/scripts/suite.sh"
suite_temp
tmp=$suite_dir
suite_start "$tmp" "$build_dir"
gw=${suite_gateway#*:}
ev=${suite_events#*:}
# The block: the lines between "Try it while it runs" and the closing fence.
mapfile -t commands < <(awk '/^Try it while it runs/ {on=1; next}
  on && /^```sh/ {inblock=1; next} inblock && /^```/ {exit} inblock' \
  "$root/README.md")
[ ${#commands[@]} -ge 3 ] || { echo "no Try-it block in README.md" >&2; exit 1; }
cd "$root"
status=0
for command in "${commands[@]}"; do
  line=${command//127.0.0.1:8081/127.0.0.1:$ev}
  line=${line//127.0.0.1:8088/$suite_web}
  # The README assumes the default build folder; the test uses its own.
  line=${line//build\/tools\//$build_dir/tools/}
  line=${line//> note.html/> $tmp/note.html}
  # A command marked "# refused: CODE" must fail with that code.
  if [[ "$command" =~ \#\ refused:\ ([A-Z_]+) ]]; then
    code=${BASH_REMATCH[1]}
    if out=$(OUTREACH_ADDRESS="127.0.0.1:$gw" bash -c "$line" 2>&1); then
      echo "NOT REFUSED: $command" >&2
      status=1
    elif [[ "$out" != *"$code"* ]]; then
      echo "REFUSED WITHOUT $code: $command" >&2
      echo "$out" >&2
      status=1
    else
      echo "refused as documented: $command"
    fi
    continue
  fi
  out=$(OUTREACH_ADDRESS="127.0.0.1:$gw" bash -c "$line" 2>&1) || {
    echo "FAILED ($?): $command" >&2
    echo "$out" >&2
    status=1
    continue
  }
  if [ -z "$out" ] && [[ "$line" != *">"* ]]; then
    echo "printed nothing: $command" >&2
    status=1
  fi
  echo "ok: $command"
done
grep -q "<!DOCTYPE html>" "$tmp/note.html" || {
  echo "note.html is not the seed's note as a page" >&2
  status=1
}
exit "$status"
