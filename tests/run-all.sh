#!/usr/bin/env bash
# Runs every test suite of the project: the README's "run every test" command. .ci/run calls
# it after installing what it needs (see there: Go, Node, the wasm tools).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p aws-auth-core -p aws-auth-wasm --target wasm32-unknown-unknown -- -D warnings

echo "== kube-apiserver + etcd and the aws-iam-authenticator checker (cached after the first build)"
AWS_AUTH_KUBE_SERVER="$(bash tests/kube-server/build.sh)"
AWS_AUTH_AUTHCHECK="$(bash tests/authcheck/build.sh)"
export AWS_AUTH_KUBE_SERVER AWS_AUTH_AUTHCHECK

echo "== Rust tests: core (unit, golden, corpus, properties), differential, CLI (files and live), harness"
cargo test --workspace

echo "== the core builds for wasm32-unknown-unknown"
cargo build -p aws-auth-core --target wasm32-unknown-unknown --release

echo "== npm package: build, pack, install, node --test, tsc --strict, examples (offline, CDK, Pulumi)"
bash npm/scripts/test.sh
