#!/usr/bin/env bash
# Runs every Outreach test: installs what is missing (apt-get, npm), builds
# with two jobs and ccache, and runs CTest (unit tests, integration tests
# with real redis-server and service processes, the Python example client
# against the live suite, buf lint and buf breaking, and a smoke test of
# scripts/run.sh).
#
#   scripts/test.sh                 everything
#   scripts/test.sh -L unit         extra arguments go to ctest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages "${OUTREACH_BUILD_PACKAGES[@]}" "${OUTREACH_TEST_PACKAGES[@]}"
ensure_npm
if [ ! -x "$OUTREACH_ROOT/tools/contracts/node_modules/.bin/buf" ]; then
  log "Installing contract tools (npm ci)"
  (cd "$OUTREACH_ROOT/tools/contracts" && npm ci --no-audit --no-fund --loglevel=error)
fi
build_all

log "Running tests"
cd "$BUILD_DIR"
ctest -j "${OUTREACH_JOBS:-2}" --output-on-failure --timeout 300 "$@"
