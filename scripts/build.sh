#!/usr/bin/env bash
# Builds the npm package into pkg/ (wasm-pack, web target, release).
#   OPT=1 scripts/build.sh   also runs wasm-opt -Oz (slow: ~5-10 minutes; cached by input hash).
#     wasm-opt comes from the npm `binaryen` package (devDependencies, pinned), or WASM_OPT=/path.
#     Debian's binaryen 108 rewrites the exported `__wbindgen_externrefs` table wrongly and the
#     package then fails to initialise, so OPT=1 refuses versions <= 108.
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
  wasm_opt=${WASM_OPT:-}
  if [ -z "$wasm_opt" ]; then
    if [ -x node_modules/.bin/wasm-opt ]; then wasm_opt=node_modules/.bin/wasm-opt; else wasm_opt=wasm-opt; fi
  fi
  ver=$("$wasm_opt" --version 2>/dev/null | grep -oE '[0-9]+' | head -1)
  if [ "${ver:-0}" -le 108 ]; then
    echo "wasm-opt version ${ver:-unknown} breaks the externref table of wasm-bindgen output; skipping OPT (run npm ci for the npm binaryen, or set WASM_OPT to a newer one)" >&2
    exit 0
  fi
  # The features rustc's wasm32 target emits (all in current browsers); nothing newer.
  flags=(-Oz --strip-debug --enable-mutable-globals --enable-nontrapping-float-to-int --enable-bulk-memory
    --enable-bulk-memory-opt --enable-sign-ext --enable-reference-types --enable-multivalue --enable-call-indirect-overlong)
  wasm=pkg/insightflow_bg.wasm
  cache="$HOME/.cache/insightflow/wasm-opt"
  mkdir -p "$cache"
  key=$( (sha256sum "$wasm" | cut -c1-64; echo "$ver ${flags[*]}") | sha256sum | cut -c1-32)
  if [ ! -f "$cache/$key.wasm" ]; then
    log "wasm-opt $ver ${flags[*]} (takes minutes; cached afterwards)"
    "$wasm_opt" "${flags[@]}" "$wasm" -o "$cache/$key.tmp.wasm"
    mv "$cache/$key.tmp.wasm" "$cache/$key.wasm"
  fi
  cp "$cache/$key.wasm" "$wasm"
fi
ls -l pkg/insightflow_bg.wasm >&2
