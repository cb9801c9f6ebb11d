#!/usr/bin/env bash
# Runs every test suite of the project: the README's "run every test" command. It installs what
# it needs first (idempotent, seconds when already there; ~15 min the first time on 2 cores):
# the wasm32 target, wasm-bindgen-cli and wasm-opt; the kube-apiserver + etcd binary
# and the aws-iam-authenticator checkers (ConfigMap reader, token verifier) are built from the
# Go module proxy and cached; moto (PyPI) goes into a cached venv for the EKS tests.
# Needs Rust (rustup), Go, Python 3 with venv, Node 20 with npm, openssl and kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

echo "== tools"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
bash .ci/install-wasm-tools.sh
AWS_AUTH_KUBE_SERVER="$(bash testing/kube-server/build.sh)"
AWS_AUTH_AUTHCHECK="$(bash testing/authcheck/build.sh)"
AWS_AUTH_TOKENCHECK="$(sh testing/authcheck/tokencheck/build.sh)"
AWS_AUTH_MOTO_PYTHON="$(sh testing/eks/moto.sh)"
export AWS_AUTH_KUBE_SERVER AWS_AUTH_AUTHCHECK AWS_AUTH_TOKENCHECK AWS_AUTH_MOTO_PYTHON

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The CLI without its default "eks" feature (no AWS SDK) still builds, lint-clean.
cargo clippy -p aws-auth-cli --no-default-features --all-targets -- -D warnings
cargo clippy -p aws-auth-core -p aws-auth-wasm --target wasm32-unknown-unknown -- -D warnings

echo "== the core stays pure: no AWS SDK, no kube, no tokio in its dependencies"
if cargo tree -p aws-auth-core -e normal --prefix none | grep -E '^(aws-(config|sdk|sigv4|smithy|credential|types|runtime|lc)|kube|tokio|hyper)'; then
  echo "error: aws-auth-core depends on the above" >&2
  exit 1
fi

echo "== Rust tests: core (unit, golden, corpus, properties), differential vs aws-iam-authenticator,"
echo "   CLI (files, live and end-to-end against kube-apiserver), EKS (token vs the authenticator's"
echo "   verifier, --eks-cluster vs moto and kube-apiserver), test harness"
cargo test --workspace

echo "== access-entries outputs checked by the real tools: botocore's EKS model, cfn-lint,"
echo "   HashiCorp's HCL parser, the aws CLI against a recording endpoint"
bash testing/access-entries/check.sh
echo "== shipping: the static (musl) binary in an empty root and in-cluster, the krew manifest"
echo "   by krew's validate-krew-manifest and install, the Dockerfile by hadolint"
bash testing/static/check.sh
bash testing/krew/check.sh
bash testing/dockerfile/lint.sh

echo "== the core builds for wasm32-unknown-unknown"
cargo build -p aws-auth-core --target wasm32-unknown-unknown --release

echo "== npm package: build, pack, install, node --test, tsc --strict, examples (offline, CDK, Pulumi)"
bash npm/scripts/test.sh
