# Shared environment for the project's scripts (sourced, not run).
# Builds are cached outside the clone so CI does not rebuild Polars from cold every time.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/insightflow/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
export PATH="$HOME/.cargo/bin:$PATH"
# Must match the `wasm-bindgen = "=X"` pin in Cargo.toml.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../Cargo.toml")"
export WASM_BINDGEN_VERSION
log() { printf '\n==> %s\n' "$*" >&2; }
