#!/usr/bin/env bash
# buf lint (STANDARD rules, exceptions in protos/buf.yaml) over the v1
# contracts. Fails, never skips, when buf is missing: scripts/test.sh
# installs it from tools/contracts.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
buf="$root/tools/contracts/node_modules/.bin/buf"
if [ ! -x "$buf" ]; then
  echo "buf is not installed; run scripts/test.sh (or npm ci in tools/contracts)" >&2
  exit 1
fi
cd "$root/protos"
"$buf" lint
echo "buf lint: clean"
