#!/usr/bin/env bash
# Installs everything the demo and the tests need, idempotently: wasm32 target, clang/lld
# (zstd-sys compiles C for wasm32), Chromium + ChromeDriver, binaryen, wasm-bindgen-cli at the
# exact pinned version, wasm-pack, and the npm dev packages. Safe to run again: it only
# installs what is missing. Needs only the package registries (crates.io, Debian, npm).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

need_apt=()
command -v clang >/dev/null || need_apt+=(clang)
command -v ld.lld >/dev/null || command -v lld >/dev/null || need_apt+=(lld)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
command -v wasm-opt >/dev/null || need_apt+=(binaryen)
command -v brotli >/dev/null || need_apt+=(brotli)
command -v python3 >/dev/null || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # not --locked: a locked dependency of the CLI was yanked
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack"
  cargo install -q wasm-pack --version 0.15.1 || cargo install -q wasm-pack
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
# TPC-H SF 0.01 Parquet for the SQL compatibility suite (tests/compat.rs)
bash scripts/tpch_data.sh
log "set-up complete"
