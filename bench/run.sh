#!/usr/bin/env bash
# The benchmark: insightflow vs DuckDB-WASM (worker and sync) vs Arquero in headless Chromium.
#
#   bash bench/run.sh [--quick] [--runs N] [--sf 0.1,1] [--only sizes,startup,load,tpch,analyze]
#                     [--engines insightflow,duckdb,duckdbSync,arquero] [--no-build] [--pkg DIR]
#
# 1. builds the release package (OPT=1 scripts/build.sh: wasm-opt -Oz, cached by hash);
# 2. installs what is missing: npm dev dependencies, tpchgen-cli (crates.io), pyarrow (PyPI);
# 3. generates the data once into ~/.cache/insightflow (1 M-row CSV + the same as Parquet,
#    TPC-H SF 0.1 and SF 1 as Parquet, Arrow copies of the TPC-H columns Arquero reads);
# 4. runs bench/run.mjs, which writes bench/results/latest.json and latest.md.
# --quick: SF 0.1 only and 3 runs (a smoke run, not a figure). Not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
start=$(date +%s)
CACHE="$HOME/.cache/insightflow"
TPCHGEN_VERSION=4.0.0

build=1
pkgdir=pkg
sfs="0.1 1"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --no-build) build=0 ;;
    --pkg) build=0; pkgdir="${args[$((i + 1))]}" ;;
    --quick) sfs="0.1" ;;
    --sf) sfs="${args[$((i + 1))]//,/ }" ;;
  esac
done

if [ $build = 1 ]; then
  log "building the release package (OPT=1 scripts/build.sh)"
  buildlog=$(mktemp)
  OPT=1 bash scripts/build.sh 2>&1 | tee "$buildlog" >&2
  # build.sh goes on with the previous pkg/ when cargo fails: do not measure a stale build.
  if grep -q 'cargo build` failed\|could not compile' "$buildlog"; then
    rm -f "$buildlog"
    echo "bench: the release build failed (see above); pkg/ is stale. Fix the build or pass --no-build to measure the existing pkg/." >&2
    exit 1
  fi
  rm -f "$buildlog"
fi
test -f "$pkgdir/insightflow_bg.wasm" || { echo "$pkgdir is not built: run without --no-build" >&2; exit 1; }
# Preflight: the package must initialise (a wasm-opt pass can break it) before anything is timed.
node -e '
  const fs = require("fs"), dir = require("path").resolve(process.argv[1]);
  import(dir + "/insightflow.js").then((m) => {
    m.initSync({ module: fs.readFileSync(dir + "/insightflow_bg.wasm") });
    new m.Runtime();
  }).catch((e) => { console.error("bench: " + dir + " does not initialise: " + e.message); process.exit(1); });
' "$pkgdir"

if [ ! -d node_modules/@duckdb/duckdb-wasm ] || [ ! -d node_modules/arquero ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/esbuild ]; then
  log "installing npm dev dependencies"
  npm install --no-audit --no-fund
fi

log "benchmark data (cached in $CACHE)"
node bench/gen-data.mjs
if ! command -v tpchgen-cli >/dev/null; then
  log "installing tpchgen-cli $TPCHGEN_VERSION (crates.io)"
  CARGO_TARGET_DIR="$CACHE/tpchgen-build" cargo install -q tpchgen-cli --version "$TPCHGEN_VERSION" --locked
  rm -rf "$CACHE/tpchgen-build"
fi
for sf in $sfs; do
  dir="$CACHE/tpch/sf$sf"
  if [ ! -s "$dir/supplier.parquet" ] || [ ! -s "$dir/lineitem.parquet" ]; then
    log "TPC-H SF $sf -> $dir"
    mkdir -p "$dir"
    tpchgen-cli parquet -s "$sf" --output-dir "$dir" --overwrite
  fi
done
python3 -c 'import pyarrow' 2>/dev/null || python3 -m pip install -q pyarrow
# shellcheck disable=SC2086
python3 bench/make-data.py "$CACHE" $sfs

log "running the benchmark in headless Chromium"
node bench/run.mjs "$@"
log "done in $(( $(date +%s) - start )) s: bench/results/latest.md"
