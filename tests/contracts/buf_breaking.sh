#!/usr/bin/env bash
# buf breaking (WIRE_JSON rules, protos/buf.yaml): the v1 contracts must
# stay compatible, on the wire and in JSON, with the committed baseline
# image tools/contracts/baseline/outreach_v1.binpb. Fails, never skips,
# when buf is missing: scripts/test.sh installs it.
#
# The baseline is the contract as released; refresh it only when a release
# is cut:  (cd protos && buf build -o ../tools/contracts/baseline/outreach_v1.binpb)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
buf="$root/tools/contracts/node_modules/.bin/buf"
if [ ! -x "$buf" ]; then
  echo "buf is not installed; run scripts/test.sh (or npm ci in tools/contracts)" >&2
  exit 1
fi
cd "$root/protos"
"$buf" breaking --against "$root/tools/contracts/baseline/outreach_v1.binpb"
echo "buf breaking: compatible with the v1 baseline"
