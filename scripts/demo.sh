#!/usr/bin/env bash
# Builds the package (optimised with wasm-opt) and serves the demo page on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
OPT="${OPT:-1}" bash scripts/build.sh
exec node scripts/serve.mjs --port "${PORT:-8080}"
