#!/usr/bin/env bash
# Every flag of every binary appears in docs/operations.md, in that
# binary's table, with the default the binary reports; and --help exits 0.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
checker=$(cat <<'PY'
import re, sys
name, doc_path, root = sys.argv[1], sys.argv[2], sys.argv[3]
flags = re.findall(r"^  --(\S+) \(default: (.*)\)$", sys.stdin.read(), re.M)
if not flags:
    sys.exit(f"{name} --help lists no flags")
doc = open(doc_path).read()
m = re.search(r"^### `" + re.escape(name) + r"`.*?\n(.*?)(?=^### |^## |\Z)", doc,
              re.M | re.S)
if not m:
    sys.exit(f"docs/operations.md has no table for {name}")
rows = {}
for line in m.group(1).splitlines():
    r = re.match(r"\| `--([a-z0-9_]+)` \| (.*?) \|", line)
    if r:
        rows[r.group(1)] = r.group(2)
bad = []
for flag, default in flags:
    if flag not in rows:
        bad.append(f"--{flag} is missing")
        continue
    want = "empty" if default == '""' else f"`{default}`"
    # A default that is a path in this checkout is documented relative.
    if default.startswith(root + "/"):
        want = "`" + default[len(root) + 1:] + "`"
    if want not in rows[flag]:
        bad.append(f"--{flag}: the binary says {want}, the docs {rows[flag]}")
for flag in rows:
    if flag not in dict(flags):
        bad.append(f"--{flag} is documented but {name} has no such flag")
if bad:
    sys.exit(f"{name}: " + "; ".join(bad))
PY
)
status=0
for binary in services/events/events_server \
              services/participants/participants_server \
              services/recommendations/recommendations_server \
              services/gateway/gateway_server services/web/web_server \
              tools/outreachctl \
              tools/outreach_health tools/bench/outreach_bench \
              tools/bench/bench_echo; do
  help=$("$build_dir/$binary" --help) || {
    echo "$binary --help exited $?, not 0" >&2
    status=1
    continue
  }
  /usr/bin/python3 -c "$checker" "$(basename "$binary")" \
      "$root/docs/operations.md" "$root" <<<"$help" || status=1
done
[ "$status" = 0 ] && echo "every flag is documented with its default"
exit "$status"
