#!/usr/bin/env bash
# Rebuilds booth/dist/urne_booth.wasm reproducibly (same toolchain, same Cargo.lock → same bytes).
#   booth/build.sh          rebuild and replace the committed file
#   booth/build.sh --check  rebuild and fail if it differs from the committed file (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# No machine-specific path may reach the binary (panic locations, debug strings).
# curve25519_dalek_bits="64": wasm has native 64-bit integers; the 64-bit field backend is
# about twice as fast as the default 32-bit one for this target.
export RUSTFLAGS="--remap-path-prefix=$root=/urne --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$target_dir=/target --cfg curve25519_dalek_bits=\"64\""
cargo build --quiet --locked -p urne-booth --profile wasm --target wasm32-unknown-unknown
built="$target_dir/wasm32-unknown-unknown/wasm/urne_booth.wasm"
if [ "${1:-}" = "--check" ]; then
  if cmp -s "$built" booth/dist/urne_booth.wasm; then
    echo "booth/dist/urne_booth.wasm is up to date ($(wc -c < "$built") bytes)"
  else
    echo "booth/dist/urne_booth.wasm differs from a fresh build: run booth/build.sh and commit" >&2
    exit 1
  fi
else
  cp "$built" booth/dist/urne_booth.wasm
  echo "booth/dist/urne_booth.wasm: $(wc -c < booth/dist/urne_booth.wasm) bytes, sha256 $(sha256sum booth/dist/urne_booth.wasm | cut -d' ' -f1)"
fi
