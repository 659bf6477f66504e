#!/usr/bin/env bash
# Builds the package and serves the demo page on localhost (OPT=1 with WASM_OPT pointing at a
# binaryen newer than Debian's 108 also shrinks the wasm; see scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
OPT="${OPT:-0}" bash scripts/build.sh
exec node scripts/serve.mjs --port "${PORT:-8080}"
