#!/usr/bin/env bash
# Runs every test: native core tests, the wasm package build, browser tests in headless
# Chromium (wasm-bindgen-test), and the Node tests of the built package. Leaves pkg/ built.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh

log "native tests (cargo test)"
cargo test --quiet 2>&1 | tee /tmp/insightflow-native.log | grep -E '^(test result|running|failures|---- |thread)' || true
grep -q 'test result: FAILED\|error\[\|error: ' /tmp/insightflow-native.log && { cat /tmp/insightflow-native.log | tail -60; exit 1; }

bash scripts/build.sh

log "browser tests (wasm-bindgen-test in headless Chromium)"
wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --release -- --test web 2>&1 | tee /tmp/insightflow-web.log | grep -vE '^\s*(Compiling|Downloaded|Finished|Running|Blocking)' || true
grep -q 'test result: ok' /tmp/insightflow-web.log || { echo "browser tests failed" >&2; exit 1; }

log "node tests of the built package"
npm run --silent test:node
log "all tests passed"
