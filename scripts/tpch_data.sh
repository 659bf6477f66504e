#!/usr/bin/env bash
# TPC-H test data for the SQL compatibility suite: installs tpchgen-cli (crates.io) when
# missing and writes the 8 tables as Parquet at scale factor 0.01 into
# $HOME/.cache/insightflow/tpch/sf0.01/. Idempotent: does nothing when the files exist.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

TPCH_DIR="${INSIGHTFLOW_TPCH_DIR:-$HOME/.cache/insightflow/tpch/sf0.01}"
TPCHGEN_VERSION=4.0.0
tables=(customer lineitem nation orders part partsupp region supplier)

missing=0
for t in "${tables[@]}"; do
  [ -s "$TPCH_DIR/$t.parquet" ] || missing=1
done
[ $missing -eq 0 ] && exit 0

if ! command -v tpchgen-cli >/dev/null; then
  log "installing tpchgen-cli $TPCHGEN_VERSION"
  # its own target dir: keep the project's build cache for the project
  CARGO_TARGET_DIR="$HOME/.cache/insightflow/tpchgen-build" cargo install -q tpchgen-cli --version "$TPCHGEN_VERSION" --locked
  rm -rf "$HOME/.cache/insightflow/tpchgen-build"
fi
log "generating TPC-H SF 0.01 Parquet into $TPCH_DIR"
mkdir -p "$TPCH_DIR"
tpchgen-cli parquet -s 0.01 --output-dir "$TPCH_DIR" --overwrite
