#!/usr/bin/env bash
# The web front in a real browser: starts the suite with scripts/run.sh (on
# free ports, the web front among them, as the development editor),
# imports two more notes beside the seed, and runs browser_test.mjs
# (Debian's chromium, puppeteer-core, axe-core; npm ci in tests/web).
# Screenshots go to BUILD_DIR/tests/web-artifacts.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
source "$root/tests/scripts/suite.sh"
suite_temp
suite_start "$suite_dir" "$build_dir"
ctl=("$build_dir/tools/outreachctl" --address="$suite_gateway")
for note in chisinau_2015 wiesbaden_2013; do
  "${ctl[@]}" import "$root/services/gateway/testdata/$note.txt" >/dev/null
done
status=0
node "$root/tests/web/browser_test.mjs" --url "http://$suite_web" \
  --tls-dir "$suite_dir/tls" \
  --corpus-note "$root/services/gateway/testdata/corpus/01_colon_header.txt" \
  --artifacts "$build_dir/tests/web-artifacts" || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 20 "$suite_dir/logs/web.log" "$suite_dir/logs/gateway.log" >&2 || true
fi
exit "$status"
