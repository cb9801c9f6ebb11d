#!/usr/bin/env bash
# Builds the `aws-auth` npm package into npm/dist/, offline:
#   1. cargo builds the wasm crate with the workspace's size profile `wasm`, and the
#      wasm-bindgen CLI on PATH (the exact version of Cargo.lock; .ci/install-wasm-tools.sh
#      installs it) writes the JS glue and the .d.ts. This is all `wasm-pack build --target
#      nodejs` did here (its output was byte for byte the same), and building wasm-pack cost
#      4 to 6 minutes of every cold CI run;
#   2. wasm-opt -Oz (binaryen from Debian or npm);
#   3. tsc for the TypeScript layer.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
crate="$here/../crates/aws-auth-wasm"
cd "$here"

need() { command -v "$1" >/dev/null || { echo "build.sh: $1 not found (run .ci/install-wasm-tools.sh)" >&2; exit 1; }; }
need wasm-bindgen
# wasm-opt: the npm `binaryen` devDependency (pinned in package-lock.json; Debian's binaryen
# 108 mis-optimises the externref table that wasm-bindgen 0.2.130 emits), else one on PATH.
WASM_OPT="$here/node_modules/.bin/wasm-opt"
[ -x "$WASM_OPT" ] || { need wasm-opt; WASM_OPT=wasm-opt; }

rm -rf pkg dist src/wasm
cargo build --lib --manifest-path "$crate/Cargo.toml" --target wasm32-unknown-unknown --profile wasm
target_dir="$(cargo metadata --manifest-path "$crate/Cargo.toml" --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
wasm-bindgen --target nodejs --out-dir "$here/pkg" --out-name aws_auth_wasm \
  "$target_dir/wasm32-unknown-unknown/wasm/aws_auth_wasm.wasm"
test -f pkg/aws_auth_wasm_bg.wasm || { echo "build.sh: wasm-bindgen produced no .wasm" >&2; exit 1; }

# Rust >= 1.82 emits bulk-memory, sign-ext, nontrapping float-to-int, reference types and
# multivalue by default: wasm-opt must be told so (--all-features would allow more than Node 18 has).
# --low-memory-unused: Rust places no data below 1 MiB (its stack is there), so the first 1 KiB
# is never addressed; it lets wasm-opt fold constant offsets (~2 KB smaller). --converge repeats
# the passes until the module stops shrinking. A second round after --flatten --rereloop
# (rebuilding the control flow) saves another ~2 KB and was no slower in npm/bench.
WASM_OPT_FLAGS=${WASM_OPT_FLAGS:-"-Oz --converge --flatten --rereloop -Oz --converge --low-memory-unused --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals --enable-reference-types --enable-multivalue --strip-debug --strip-producers"}
# shellcheck disable=SC2086
"$WASM_OPT" $WASM_OPT_FLAGS pkg/aws_auth_wasm_bg.wasm -o pkg/aws_auth_wasm_bg.opt.wasm
mv pkg/aws_auth_wasm_bg.opt.wasm pkg/aws_auth_wasm_bg.wasm

mkdir -p src/wasm dist/wasm
cp pkg/aws_auth_wasm.js pkg/aws_auth_wasm.d.ts src/wasm/
cp pkg/aws_auth_wasm.js pkg/aws_auth_wasm.d.ts pkg/aws_auth_wasm_bg.wasm dist/wasm/
node_modules/.bin/tsc -p tsconfig.json
# aws-auth/cdk (and aws-auth/pulumi): against the frameworks' types, which are not ours to check.
node_modules/.bin/tsc -p tsconfig.frameworks.json
cp src/index.mjs src/index.d.mts dist/
# npm packs a LICENSE file found beside package.json; the project's is one level up.
cp ../LICENSE LICENSE

raw=$(wc -c < dist/wasm/aws_auth_wasm_bg.wasm)
gz=$(gzip -9 -c dist/wasm/aws_auth_wasm_bg.wasm | wc -c)
echo "build.sh: dist/wasm/aws_auth_wasm_bg.wasm: $raw bytes raw, $gz bytes gzip -9"
limit=$((250 * 1024))
if [ "$raw" -gt "$limit" ]; then
  echo "build.sh: WARNING: the .wasm is over the 250 KiB size goal ($raw > $limit bytes)" >&2
fi
