#!/usr/bin/env bash
# Runs every test: native core tests, a fuzz smoke, the wasm package build, browser tests in headless
# Chromium (wasm-bindgen-test), and the Node tests of the built package. Leaves pkg/ built.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh || exit 1
logs="${TMPDIR:-/tmp}/insightflow-test"
mkdir -p "$logs"

# run STEP-NAME CMD...: runs CMD with its output in a log; prints the test summary lines,
# and the whole tail of the log when it fails.
run() {
  local name=$1; shift
  log "$name"
  "$@" > "$logs/$name.log" 2>&1
  local rc=$?
  grep -E '^(test result:|running [0-9]+ test|# (tests|pass|fail)|failures:|target +executions|[a-z_]+ +[0-9?]+ +[0-9?]+ +[0-9?]+ +([0-9]+ +)?(ok|CRASH))' "$logs/$name.log" || true
  if [ $rc -ne 0 ]; then
    echo "---- $name failed (exit $rc); last lines of $logs/$name.log:" >&2
    tail -n 80 "$logs/$name.log" >&2
    exit $rc
  fi
}

# Real remote engines for tests/remote*.rs (ClickHouse, dask-sql, Cube, a fake server with faults),
# on free ports in a state directory of this run; stopped on exit. Their addresses reach the
# tests through the environment (the browser tests read them when they are compiled).
export INSIGHTFLOW_REMOTE_STATE="${TMPDIR:-/tmp}/insightflow-remote-$$"
log "remote test servers"
bash scripts/remote-servers.sh start > "$logs/remote-servers.log" 2>&1 || { tail -n 40 "$logs/remote-servers.log" >&2; exit 1; }
# Chromium and chromedriver leave a ~50 MB profile directory in $TMPDIR per session; the browser
# steps get a scratch $TMPDIR of this run, removed on exit, so runs do not fill the disk.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/insightflow-scratch-XXXXXX")
trap 'bash scripts/remote-servers.sh stop; rm -rf "$scratch"' EXIT
set -a; source "$INSIGHTFLOW_REMOTE_STATE/env"; set +a

run native cargo test
# Fuzz smoke: every fuzz target for a fixed seed and number of runs (each job prints its seconds),
# replaying the crashes found earlier. A long run: `bash scripts/fuzz.sh 3600` (see the script).
run fuzz bash scripts/fuzz.sh
bash scripts/build.sh || exit 1
# What `wasm-pack test --headless --chrome` does, restricted to tests/web.rs, tests/web_questions.rs
# and tests/remote_web.rs,
# built with the wasm-test profile (tests need panic=unwind, so they never share the release
# artifacts).
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner TMPDIR="$scratch" \
  run browser cargo test --profile wasm-test --target wasm32-unknown-unknown --test web --test web_questions --test remote_web
TMPDIR="$scratch" run node npm run --silent test:node
# The package in real Chromium: plain page, worker host, Vite app, Node entry, tsc --strict, demo.
TMPDIR="$scratch" run package node --test tests/browser/
log "all tests passed"
