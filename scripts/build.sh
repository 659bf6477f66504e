#!/usr/bin/env bash
# Builds the npm package into pkg/ (wasm-pack, web target, release).
#   OPT=1 scripts/build.sh   also runs wasm-opt -Oz (slow: minutes; cached by input hash)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

log "building pkg/ (release, web target)"
wasm-pack build --release --target web --out-dir pkg --no-pack 2>&1 | grep -v '^\[INFO\]: Optional fields' >&2 || true
test -f pkg/insightflow_bg.wasm || { echo "wasm-pack build failed" >&2; exit 1; }
# --no-pack skips wasm-pack's package.json: ours is generated from Cargo.toml below.
node scripts/pkg-json.mjs

if [ "${OPT:-0}" = "1" ]; then
  wasm=pkg/insightflow_bg.wasm
  cache="$HOME/.cache/insightflow/wasm-opt"
  mkdir -p "$cache"
  key=$(sha256sum "$wasm" | cut -c1-32)
  if [ ! -f "$cache/$key.wasm" ]; then
    log "wasm-opt -Oz (takes a few minutes; cached afterwards)"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals "$wasm" -o "$cache/$key.tmp.wasm"
    mv "$cache/$key.tmp.wasm" "$cache/$key.wasm"
  fi
  cp "$cache/$key.wasm" "$wasm"
fi
ls -l pkg/insightflow_bg.wasm >&2
