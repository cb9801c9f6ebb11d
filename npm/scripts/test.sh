#!/usr/bin/env bash
# What CI runs for the npm package: build the wasm + TypeScript, `npm pack`, install the
# tarball into an empty temporary project, run the node:test suites (ESM and CommonJS, the
# parity with the native core and with the CLI binary) and the strict type checks there, then
# the examples against the same tarball.
# Needs: the Rust wasm32 target and wasm-bindgen-cli (Cargo.lock's version)
# (.ci/install-wasm-tools.sh), Node >= 18 with npm. npm packages come from package-lock.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"

source scripts/npm-ci.sh
npm_ci --no-audit --no-fund --loglevel=error
bash scripts/build.sh

work="$(mktemp -d "${TMPDIR:-/tmp}/aws-auth-npm.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
tarball="$work/$tarball"
echo "test.sh: packed $(basename "$tarball"): $(tar -tzf "$tarball" | tr '\n' ' ')"

app="$work/app"
mkdir -p "$app"
cp -r test "$app/test"
# The tests read their manifests from test/fixtures: the project's shared fixtures.
mkdir -p "$app/test/fixtures"
cp "$root"/testing/fixtures/manifests/* "$app/test/fixtures/"
# test/access-entries.test.mjs: the manifest with every rule of contract §6, and its role list.
cp -r "$root"/testing/access-entries/fixtures "$app/test/fixtures/access-entries"
(cd "$app" && echo '{"name":"aws-auth-consumer","private":true}' > package.json \
  && npm install --no-audit --no-fund --loglevel=error --offline "$tarball")
ln -s "$here/node_modules/@types" "$app/node_modules/@types"

# Parity reference from the native core, over the shared corpus (found beside the repo, or
# $AWS_AUTH_CORPUS) plus the project's shared fixtures (testing/fixtures/manifests).
corpus="${AWS_AUTH_CORPUS:-}"
for candidate in "$root/../shared/corpus/aws-auth" "$root/../../shared/corpus/aws-auth"; do
  [ -n "$corpus" ] || { [ -d "$candidate" ] && corpus="$(cd "$candidate" && pwd)"; } || true
done
parity_dir="$work/parity"
mkdir -p "$parity_dir"
cp "$root"/testing/fixtures/manifests/* "$parity_dir/"
if [ -n "$corpus" ]; then cp "$corpus"/*.yaml "$corpus"/*.json "$parity_dir/" 2>/dev/null || true; fi
echo "test.sh: parity over $(ls "$parity_dir" | wc -l) manifests (corpus: ${corpus:-not found})"
(cd "$root" && cargo run -q -p aws-auth-wasm --example parity -- "$parity_dir") > "$work/parity.json"
export AWS_AUTH_PARITY_JSON="$work/parity.json" AWS_AUTH_PARITY_DIR="$parity_dir"

# The CLI for the parity property (test/cli-parity.test.mjs): the debug build that
# `cargo test --workspace` also makes, so CI compiles it once. The test fails without it.
if [ -z "${AWS_AUTH_CLI:-}" ]; then
  (cd "$root" && cargo build -q -p aws-auth-cli --bin aws-auth)
  AWS_AUTH_CLI="${CARGO_TARGET_DIR:-$root/target}/debug/aws-auth"
fi
export AWS_AUTH_CLI
echo "test.sh: CLI for the parity property: $AWS_AUTH_CLI"

# The real kube-apiserver + etcd for test/live.test.mjs (the CDK handler and aws-auth/kube):
# testing/cluster's `serve` example prints its URL, CA and bearer token, and runs until stdin closes.
if [ -z "${AWS_AUTH_TEST_CLUSTER:-}" ]; then
  (cd "$root" && cargo build -q -p test-cluster --example serve)
  AWS_AUTH_TEST_CLUSTER="${CARGO_TARGET_DIR:-$root/target}/debug/examples/serve"
fi
export AWS_AUTH_TEST_CLUSTER
# aws-iam-authenticator's token verifier for test/token.test.mjs (Go, modules from the proxy).
if [ -z "${AWS_AUTH_TOKENCHECK:-}" ]; then
  AWS_AUTH_TOKENCHECK="$(sh "$root/testing/authcheck/tokencheck/build.sh")"
fi
export AWS_AUTH_TOKENCHECK

(cd "$app" && node --test test/*.test.mjs test/*.test.cjs)
(cd "$app/test" && "$here/node_modules/.bin/tsc" -p tsconfig.json)
echo "test.sh: tsc --strict --noEmit on test/types.ts and test/types-esm.mts: ok"

export AWS_AUTH_TARBALL="$tarball"
for example in offline cdk pulumi; do
  if [ -x "$root/examples/$example/test.sh" ]; then
    echo "test.sh: examples/$example"
    bash "$root/examples/$example/test.sh"
  fi
done
