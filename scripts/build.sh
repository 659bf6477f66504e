#!/usr/bin/env bash
# Builds the npm package into pkg/ (wasm-pack, web target, release).
#   OPT=1 scripts/build.sh   also runs wasm-opt -Oz (slow: minutes; cached by input hash).
#     Debian's binaryen 108 wasm-opt rewrites the exported `__wbindgen_externrefs` table wrongly
#     and the package then fails to initialise, so OPT=1 refuses it and needs a newer wasm-opt
#     on PATH (WASM_OPT=/path/to/wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

log "building pkg/ (release, web target)"
build_log="${TMPDIR:-/tmp}/insightflow-wasm-pack.log"
if ! wasm-pack build --release --target web --out-dir pkg --no-pack > "$build_log" 2>&1; then
  tail -n 40 "$build_log" >&2
  echo "wasm-pack build failed (pkg/ is stale; not used)" >&2
  exit 1
fi
# --no-pack skips wasm-pack's package.json: ours is generated from Cargo.toml below.
node scripts/pkg-json.mjs

if [ "${OPT:-0}" = "1" ]; then
  wasm_opt=${WASM_OPT:-wasm-opt}
  ver=$("$wasm_opt" --version 2>/dev/null | grep -oE '[0-9]+' | head -1)
  if [ "${ver:-0}" -le 108 ]; then
    echo "wasm-opt version ${ver:-unknown} breaks the externref table of wasm-bindgen output; skipping OPT (set WASM_OPT to a newer binaryen)" >&2
    exit 0
  fi
  wasm=pkg/insightflow_bg.wasm
  cache="$HOME/.cache/insightflow/wasm-opt"
  mkdir -p "$cache"
  key=$(sha256sum "$wasm" | cut -c1-32)
  if [ ! -f "$cache/$key.wasm" ]; then
    log "wasm-opt -Oz (takes a few minutes; cached afterwards)"
    "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals "$wasm" -o "$cache/$key.tmp.wasm"
    mv "$cache/$key.tmp.wasm" "$cache/$key.wasm"
  fi
  cp "$cache/$key.wasm" "$wasm"
fi
ls -l pkg/insightflow_bg.wasm >&2
