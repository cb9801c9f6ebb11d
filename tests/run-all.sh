#!/usr/bin/env bash
# Runs every test suite of the project. README's "run every test" command; .ci/run calls it
# after installing what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== Rust tests (unit, golden, corpus, doc)"
cargo test --workspace

echo "== the core builds for wasm32-unknown-unknown"
cargo build -p aws-auth-core --target wasm32-unknown-unknown --release
