#!/usr/bin/env bash
# The benchmark command in its smoke mode: every scenario runs briefly
# against a real suite on free ports, without errors, and the report is
# written with the machine, target, scenario and memory tables.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# bench PHASE ARGS...: one bench.sh run, bounded, so that a hang names its
# phase and leaves the rest of the test's time (ctest's timeout would say
# only that the whole test ran out). Each takes about 30 s here.
bench() {
  local phase=$1 status=0 started=$SECONDS
  shift
  OUTREACH_SKIP_BUILD=1 OUTREACH_BUILD_DIR="$build_dir" \
    timeout -k 10 150 bash "$root/scripts/bench.sh" "$@" || status=$?
  echo "bench smoke: the $phase run took $((SECONDS - started)) s (exit $status)" >&2
  if [ "$status" -eq 124 ]; then echo "bench smoke: the $phase run hung" >&2; fi
  return "$status"
}
bench main --smoke --output="$tmp/performance.md"
report="$tmp/performance.md"
for heading in "## Machine" "## Targets" "## Scenarios" "## Resident memory" \
               "## How cost grows" "## Cost of security" \
               "### The floor of a dry-run import" \
               "### The served floor of a dry-run import"; do
  grep -qF "$heading" "$report" || { echo "missing: $heading" >&2; exit 1; }
done
for scenario in echo_bare echo_runtime get_event_cache_hit get_event_cache_off \
                list_events_1k list_events_100k resolve_entities_40 note_warm \
                note_cold render_note import_dry_run create_event \
                get_event_cache_hit_open echo_tls get_event_cache_hit_tls \
                list_events_1k_tls note_warm_tls; do
  grep -q "^| \`$scenario\` |" "$report" || { echo "missing: $scenario" >&2; exit 1; }
done
grep -q "Smoke run" "$report"
# The dry run's parts, timed in one process: each a number.
for part in "parse the note" "resolve its names" "check its groups" \
            "the whole dry run" "serialize the report"; do
  grep -qE "^\| $part.* \| [0-9]+\.[0-9] \|$" "$report" || { echo "missing: $part" >&2; exit 1; }
done
# The served floor: the real dry run and the three chains, each a QPS with
# its share of the same round's echo, and the medians compared.
grep -qE '^\| 1 \| [0-9]+ \| [1-9][0-9]* \([0-9.]+%\) \| [1-9][0-9]* \([0-9.]+%\) \| [1-9][0-9]* \([0-9.]+%\) \| [1-9][0-9]* \([0-9.]+%\) \|$' "$report" \
  || { echo "missing: the served floor's round" >&2; exit 1; }
grep -qE "^Medians of the per-round ratios to the bare echo: the real dry run [0-9.]+%" "$report" \
  || { echo "missing: the served floor's medians" >&2; exit 1; }

# The engines comparison (--engines): the events service on a real
# PostgreSQL beside SQLite, every scenario without errors.
engines=$(bench engines --engines --smoke)
grep -qF "## PostgreSQL beside SQLite" <<<"$engines" || { echo "missing: engines section" >&2; exit 1; }
for label in "GetEvent, cache hit (Redis)" "GetEvent, no cache (the store)" \
             "ListEvents, 50 of 1,000" "CreateEvent"; do
  grep -qF "| $label |" <<<"$engines" || { echo "missing: $label" >&2; echo "$engines" >&2; exit 1; }
done
if grep -qF "This run had problems" <<<"$engines"; then echo "$engines" >&2; exit 1; fi

# The scale run (--scale): the dashboard, profiles and imports at two
# sizes, every seeding call and scenario without errors.
scale=$(bench scale --scale --smoke) || { echo "$scale" >&2; exit 1; }
grep -qF "## Cost as the records grow" <<<"$scale" || { echo "missing: scale section" >&2; exit 1; }
for label in "\`GetDashboard\`, whole, composed (cache off)" \
             "\`GetStateProfile\`, an entity at 10 events" "import, 500 participants"; do
  grep -qF "| $label |" <<<"$scale" || { echo "missing: $label" >&2; echo "$scale" >&2; exit 1; }
done

# Bad input to the load generator is refused with a reason, not run.
bench="$build_dir/tools/bench/outreach_bench"
expect_refused() {
  local expected=$1
  shift
  local out status=0
  out=$("$bench" --target=127.0.0.1:1 "$@" 2>&1) || status=$?
  if [ "$status" -ne 2 ] || ! grep -qF -- "$expected" <<<"$out"; then
    echo "outreach_bench $* exited $status: $out" >&2
    exit 1
  fi
}
expect_refused "unknown method" --method=/outreach.events.v1.EventsService/NoSuch
expect_refused "unknown method" --method=nonsense
expect_refused "bad --request for outreach.events.v1.GetEventRequest" \
  --method=/outreach.events.v1.EventsService/GetEvent --request='{"nmae": 1}'
echo "bench smoke: report complete"
