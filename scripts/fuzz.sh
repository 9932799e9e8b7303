#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of tests/fuzz (clang-14, ASan and
# UBSan) in a build tree of their own, $OUTREACH_BUILD_DIR/fuzz.
#
#   scripts/fuzz.sh                     every target for 5 minutes each
#   scripts/fuzz.sh --seconds 60 fuzz_note_parser
#   scripts/fuzz.sh --build-only        what scripts/test.sh runs first
#   scripts/fuzz.sh --run-only --seconds 11 TARGET
#                                       what each fuzz_* CTest test runs
#
# Each run first replays tests/fuzz/regressions/TARGET (inputs that once
# crashed or hung: they must pass), then fuzzes from the seed corpus
# (tests/fuzz/corpus/TARGET, and for the note parser the notes of
# services/gateway/testdata and examples/notes). New inputs go to a scratch
# directory, not the repository. A crash or timeout leaves its input in
# $OUTREACH_BUILD_DIR/fuzz/artifacts: add it to regressions/TARGET and a
# unit test for the fix.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FUZZ_DIR="$BUILD_DIR/fuzz"
TARGETS=(fuzz_note_parser fuzz_dates_venue fuzz_events_filter fuzz_page_tokens
         fuzz_resource_names)
seconds=300
build=1
run=1
chosen=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build-only) run=0; shift ;;
    --run-only) build=0; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    fuzz_*) chosen+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#chosen[@]} -gt 0 ] || chosen=("${TARGETS[@]}")

if [ "$build" = 1 ]; then
  ensure_packages "${OUTREACH_BUILD_PACKAGES[@]}" "${OUTREACH_FUZZ_PACKAGES[@]}"
  log "Building the fuzz targets in $FUZZ_DIR (clang-14, ASan, UBSan)"
  if [ ! -f "$FUZZ_DIR/CMakeCache.txt" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$OUTREACH_ROOT" -B "$FUZZ_DIR" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOUTREACH_FUZZ=ON >/dev/null
  fi
  cmake --build "$FUZZ_DIR" -j "${OUTREACH_JOBS:-2}" --target fuzzers
fi
[ "$run" = 1 ] || exit 0

status=0
for target in "${chosen[@]}"; do
  binary="$FUZZ_DIR/tests/fuzz/$target"
  if [ ! -x "$binary" ]; then
    echo "fuzz.sh: $binary is not built; run scripts/fuzz.sh --build-only" \
         "(scripts/test.sh does)" >&2
    exit 1
  fi
  seeds=("$OUTREACH_ROOT/tests/fuzz/corpus/$target")
  max_len=4096
  if [ "$target" = fuzz_note_parser ]; then
    seeds+=("$OUTREACH_ROOT/services/gateway/testdata/corpus"
            "$OUTREACH_ROOT/examples/notes")
    max_len=65536
  fi
  regressions=$(find "$OUTREACH_ROOT/tests/fuzz/regressions/$target" -type f \
                  ! -name .keep 2>/dev/null | sort)
  if [ -n "$regressions" ]; then
    log "$target: replaying $(echo "$regressions" | wc -l) regression input(s)"
    # shellcheck disable=SC2086
    "$binary" -timeout=5 $regressions || status=1
  fi
  scratch=$(mktemp -d)
  mkdir -p "$FUZZ_DIR/artifacts"
  log "$target: fuzzing for ${seconds}s"
  if ! "$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
       -max_len="$max_len" -print_final_stats=1 \
       -artifact_prefix="$FUZZ_DIR/artifacts/$target-" \
       "$scratch" "${seeds[@]}" 2>"$scratch.log"; then
    tail -40 "$scratch.log" >&2
    echo "fuzz.sh: $target failed; the input is in $FUZZ_DIR/artifacts" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$scratch.log" \
      | sed "s/^/  $target /" >&2 || true
  fi
  rm -rf "$scratch" "$scratch.log"
done
exit "$status"
