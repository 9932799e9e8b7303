#!/usr/bin/env bash
# Against the suite the README's run command starts: eight simultaneous
# `outreachctl import` runs of a new note all exit 0 and leave one event
# with all of its participations and outcomes, and nothing orphaned.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
source "$root/tests/scripts/suite.sh"
suite_temp
tmp=$suite_dir
suite_start "$tmp" "$build_dir"
gw=${suite_gateway#*:}
ctl=("$build_dir/tools/outreachctl" --address="127.0.0.1:$gw")
note="$root/services/gateway/testdata/corpus/12_tabbed_cells_debris.txt"
pids=()
for i in $(seq 8); do
  "${ctl[@]}" import "$note" >"$tmp/import-$i.out" 2>&1 &
  pids+=($!)
done
status=0
for i in $(seq 8); do
  if ! wait "${pids[$((i - 1))]}"; then
    echo "import $i failed:" >&2
    cat "$tmp/import-$i.out" >&2
    status=1
  fi
done
events=$("${ctl[@]}" events list --filter='text : "chemical security"')
count=$(grep -c '^events/' <<<"$events" || true)
[ "$count" = 1 ] || { echo "expected one event, got $count:" >&2; echo "$events" >&2; status=1; }
event=$(awk '/^events\// {print $1; exit}' <<<"$events")
# As admin: the note's assistance need has no consent to publish, and
# an editor (the default identity) does not see it.
json=$("${ctl[@]}" --identity=admin note "$event" --format=json)
participations=$(grep -c '"printedName"' <<<"$json" || true)
outcomes=$(grep -c '"kind": "RECOMMENDATION_KIND' <<<"$json" || true)
[ "$participations" = 12 ] || { echo "$participations participations, not 12" >&2; status=1; }
[ "$outcomes" = 3 ] || { echo "$outcomes outcomes, not 3" >&2; status=1; }
"${ctl[@]}" --identity=admin check >"$tmp/check.out" || { cat "$tmp/check.out" >&2; status=1; }
grep -q "Incomplete imports: 0" "$tmp/check.out" || { cat "$tmp/check.out" >&2; status=1; }
[ "$status" = 0 ] && echo "8 simultaneous imports: one complete event, 12 participations, 3 outcomes, no orphan"
exit "$status"
