#!/usr/bin/env bash
# .ci/install-wasm-tools.sh — install what npm/scripts/build.sh needs:
#   the wasm32-unknown-unknown target, wasm-bindgen (CLI, = the `wasm-bindgen` version in Cargo.lock)
#   and a wasm-opt (binaryen) that handles what rustc 1.95 + wasm-bindgen emit. (wasm-pack is no
#   longer used: build.sh runs cargo and wasm-bindgen itself, which is all wasm-pack did here.)
# Nothing is downloaded from GitHub: crates.io, npm and Debian apt only.
#
# Cold-install times, measured on the project machine (2 cores shared with other builds, load avg ~10,
# `nice -n 10`, rustc 1.95.0, fresh CARGO_HOME, crates.io index not cached):
#   rustup target add wasm32-unknown-unknown ........... ~2 s
#   wasm-bindgen-cli 0.2.130 (cargo, 254 crates) ........ 8 min 16 s .. 10 min 12 s wall (~4.5 min CPU)
#   apt-get update + apt-cache policy binaryen .......... ~5 s  (Debian's 108 is then rejected)
#   npm install binaryen@132.0.0 (wasm-opt, 104 MB) ..... ~2 s
#   whole script, cold ................................. 12 min 11 s
#   whole script, warm (all cached, nothing to do) ...... 3-5 s
# Cache: cargo installs go to $CARGO_HOME/bin, binaryen to $WASM_TOOLS_CACHE; keep both between runs.
#
# Usage: .ci/install-wasm-tools.sh [WASM_BINDGEN_VERSION]
#   The version comes from <repo>/Cargo.lock (package `wasm-bindgen`) when it is there; else from the
#   argument; else $WASM_BINDGEN_VERSION; else the default below.
# Env: CARGO_HOME, WASM_TOOLS_CACHE (default ~/.cache/aws-auth-wasm-tools, must be outside the repo),
#      BINARYEN_NPM_VERSION.
#
# Why not Debian's binaryen: bookworm ships binaryen 108, and binaryen < 110 silently re-points an
# exported externref table at table 0 (the funcref table) when it rewrites a module. wasm-bindgen
# 0.2.130 exports `__wbindgen_externrefs`, so a wasm-opt'd package fails at load time with
# "WebAssembly.Table.set(): Argument 1 is invalid for table: function-typed object ...".
# (Checked with npm binaryen 108/109 = broken, 110..132 = fine.) The script installs Debian's package
# only when its candidate is >= 110, and always runs a smoke test on the wasm-opt it leaves on PATH.
#
# wasm-opt flags: none are required with binaryen 132, which reads the target_features section that
# rustc 1.95 + wasm-bindgen keep (mutable-globals, sign-ext, nontrapping-float-to-int, bulk-memory,
# bulk-memory-opt, reference-types, multivalue). Without that section it needs at least
# --enable-reference-types --enable-multivalue --enable-bulk-memory-opt --enable-nontrapping-float-to-int.
#
# Cargo.lock drift: wasm-bindgen-cli 0.2.130's own Cargo.lock pins webpki-roots 1.0.11, which the
# crates.io index reachable here does not have, so `cargo install --locked` fails. The script then
# builds from the published source with that lockfile, changing only the entries that cannot be
# resolved (`cargo update -p NAME@VERSION`), and prints what it changed.
set -euo pipefail

DEFAULT_WASM_BINDGEN_VERSION="0.2.130"
BINARYEN_NPM_VERSION="${BINARYEN_NPM_VERSION:-132.0.0}"
MIN_BINARYEN=110

log() { printf '[wasm-tools] %s\n' "$*"; }
die() { printf '[wasm-tools] ERROR: %s\n' "$*" >&2; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
CARGO_BIN="$CARGO_HOME/bin"
WASM_TOOLS_CACHE="${WASM_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aws-auth-wasm-tools}"
NICE=(nice -n 10)
export PATH="$CARGO_BIN:$PATH"

case "$(mkdir -p "$WASM_TOOLS_CACHE" && cd "$WASM_TOOLS_CACHE" && pwd -P)/" in
  "$(cd "$REPO_ROOT" && pwd -P)/"*) die "WASM_TOOLS_CACHE ($WASM_TOOLS_CACHE) must be outside the repo" ;;
esac

command -v cargo >/dev/null || die "cargo not found (install Rust via rustup first)"
command -v rustup >/dev/null || die "rustup not found"
command -v node >/dev/null || die "node not found (needed by the wasm-opt smoke test and npm binaryen)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/wasm-tools.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# First word-2 of `TOOL --version` ("wasm-bindgen 0.2.130" -> 0.2.130), empty if absent.
tool_version() {
  if command -v "$1" >/dev/null 2>&1; then "$1" --version 2>/dev/null | awk 'NR==1{print $2}' || true; fi
}

# ---------------------------------------------------------------- 1. rustup target
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "rust target wasm32-unknown-unknown: present"
else
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >/dev/null 2>"$WORK/rustup.log" || { cat "$WORK/rustup.log" >&2; die "rustup target add failed"; }
fi

# ---------------------------------------------------------------- 2. wasm-bindgen version
ARG_VERSION="${1:-}"
LOCK="$REPO_ROOT/Cargo.lock"
LOCK_VERSION=""
if [[ -f "$LOCK" ]]; then
  LOCK_VERSION="$(awk '/^\[\[package\]\]/{n=""} /^name = /{n=$3} /^version = / && n=="\"wasm-bindgen\""{gsub(/"/,"",$3); print $3}' "$LOCK" | sort -u)"
  [[ "$(printf '%s' "$LOCK_VERSION" | grep -c .)" -le 1 ]] || die "Cargo.lock has several wasm-bindgen versions: $(tr '\n' ' ' <<<"$LOCK_VERSION")"
fi
if [[ -n "$LOCK_VERSION" ]]; then
  WB_VERSION="$LOCK_VERSION"; WB_FROM="Cargo.lock"
  [[ -z "$ARG_VERSION" || "$ARG_VERSION" == "$LOCK_VERSION" ]] \
    || die "argument says wasm-bindgen $ARG_VERSION but Cargo.lock has $LOCK_VERSION (the CLI must equal the lock)"
elif [[ -n "$ARG_VERSION" ]]; then WB_VERSION="$ARG_VERSION"; WB_FROM="argument"
elif [[ -n "${WASM_BINDGEN_VERSION:-}" ]]; then WB_VERSION="$WASM_BINDGEN_VERSION"; WB_FROM="\$WASM_BINDGEN_VERSION"
else WB_VERSION="$DEFAULT_WASM_BINDGEN_VERSION"; WB_FROM="default"
fi
[[ "$WB_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "bad wasm-bindgen version '$WB_VERSION'"
log "wasm-bindgen version: $WB_VERSION (from $WB_FROM)"

# ---------------------------------------------------------------- cargo install helper
# cargo_install CRATE VERSION: `cargo install CRATE --version =VERSION --locked` into $CARGO_HOME;
# if the crate's lockfile names versions the registry lacks, rebuild from source with only those
# lock entries updated.
cargo_install() {
  local crate="$1" version="$2" logf="$WORK/$1.log" t0=$SECONDS
  log "cargo install $crate --version =$version --locked (cold: several minutes)"
  if "${NICE[@]}" cargo install "$crate" --version "=$version" --locked --root "$CARGO_HOME" >"$logf" 2>&1; then
    log "  installed $crate $version in $((SECONDS - t0)) s"; return 0
  fi
  # shellcheck disable=SC2016  # the backticks are cargo's, not command substitution
  if ! grep -qE 'locked to |could not find `[^`]+@[^`]+` in registry' "$logf"; then
    tail -n 40 "$logf" >&2; die "cargo install $crate failed"
  fi
  log "  its Cargo.lock pins versions this registry lacks; building from source with those entries updated"
  local crate_file src="$WORK/src-$crate" i spec
  crate_file="$(find "$CARGO_HOME/registry/cache" -name "$crate-$version.crate" 2>/dev/null | head -n 1)"
  [[ -n "$crate_file" ]] || { tail -n 20 "$logf" >&2; die "no $crate-$version.crate in the cargo cache"; }
  mkdir -p "$src" && tar -xzf "$crate_file" -C "$src"
  src="$src/$crate-$version"
  [[ -f "$src/Cargo.lock" ]] || die "$crate $version ships no Cargo.lock"
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if (cd "$src" && cargo fetch --locked >"$logf" 2>&1); then break; fi
    # "failed to select a version for the requirement `NAME = "^X"` (locked to V)" / "could not find `NAME@V`"
    # shellcheck disable=SC2016
    spec="$(sed -nE 's/.*requirement `([^ `]+) = [^`]*` \(locked to ([^)]+)\).*/\1@\2/p; s/.*could not find `([^`]+@[^`]+)` in registry.*/\1/p' "$logf" | head -n 1)"
    [[ -n "$spec" && $i -lt 10 ]] || { tail -n 30 "$logf" >&2; die "could not repair $crate's Cargo.lock"; }
    (cd "$src" && cargo update -p "$spec" 2>&1 | grep -E 'Updating [^c]|Downgrading|Upgrading|Adding|Removing' | sed 's/^ */[wasm-tools]   lock: /') || true
  done
  "${NICE[@]}" cargo install --path "$src" --locked --root "$CARGO_HOME" --target-dir "$WORK/target-$crate" >"$logf" 2>&1 \
    || { tail -n 40 "$logf" >&2; die "cargo install --path $crate failed"; }
  rm -rf "$WORK/target-$crate"
  log "  installed $crate $version (repaired lockfile) in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------- 3. wasm-bindgen-cli
if [[ "$(tool_version wasm-bindgen)" == "$WB_VERSION" ]]; then
  log "wasm-bindgen $WB_VERSION: present ($(command -v wasm-bindgen))"
else
  cargo_install wasm-bindgen-cli "$WB_VERSION"
fi
[[ "$(tool_version wasm-bindgen)" == "$WB_VERSION" ]] \
  || die "wasm-bindgen on PATH ($(command -v wasm-bindgen || echo none)) is not $WB_VERSION"

# ---------------------------------------------------------------- 5. wasm-opt (binaryen)
# Smoke test: a 31-byte module with a funcref table 0 and an externref table 1 exported as "ext";
# after `wasm-opt -O` the export must still accept a JS object (binaryen < 110 fails this).
wasm_opt_ok() {
  local bin="$1"
  node -e 'require("fs").writeFileSync(process.argv[1], Buffer.from([0,97,115,109,1,0,0,0,
    4,7,2,0x70,0,1,0x6f,0,1, 7,12,2,2,102,110,1,0,3,101,120,116,1,1]))' "$WORK/smoke.wasm" || return 1
  "$bin" --enable-reference-types -O "$WORK/smoke.wasm" -o "$WORK/smoke.opt.wasm" >/dev/null 2>&1 || return 1
  node -e 'const e = new WebAssembly.Instance(new WebAssembly.Module(require("fs").readFileSync(process.argv[1]))).exports;
    e.ext.set(0, {}); e.fn.set(0, null);' "$WORK/smoke.opt.wasm" >/dev/null 2>&1
}
wasm_opt_major() { "$1" --version 2>/dev/null | sed -nE 's/^wasm-opt version ([0-9]+).*/\1/p' | head -n 1; }

SHIM="$CARGO_BIN/wasm-opt"
SHIM_MARK="generated by aws-auth .ci/install-wasm-tools.sh"
BINARYEN_DIR="$WASM_TOOLS_CACHE/binaryen-$BINARYEN_NPM_VERSION"
WASM_OPT_SRC=""

cur="$(command -v wasm-opt || true)"
stale_shim=0  # our npm shim, but for another pinned version: redo it
if [[ -n "$cur" ]] && grep -q "$SHIM_MARK" "$cur" 2>/dev/null && ! grep -q "binaryen $BINARYEN_NPM_VERSION " "$cur"; then stale_shim=1; fi
if [[ -n "$cur" && $stale_shim == 0 ]] && [[ "$(wasm_opt_major "$cur")" -ge $MIN_BINARYEN ]] 2>/dev/null && wasm_opt_ok "$cur"; then
  log "wasm-opt: present and passes the smoke test ($cur, version $(wasm_opt_major "$cur"))"
  WASM_OPT_SRC="existing"
fi

if [[ -z "$WASM_OPT_SRC" ]] && command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
  log "apt-get update (to see Debian's binaryen)"
  apt-get update -qq >/dev/null 2>&1 || log "  apt-get update failed; skipping Debian"
  cand="$(apt-cache policy binaryen 2>/dev/null | awk '/Candidate:/{print $2}')"
  cand_major="$(printf '%s' "${cand#*:}" | sed -nE 's/^([0-9]+).*/\1/p')"
  if [[ -n "$cand_major" && "$cand_major" -ge $MIN_BINARYEN ]]; then
    log "Debian binaryen $cand >= $MIN_BINARYEN: apt-get install binaryen"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binaryen >/dev/null
    if wasm_opt_ok /usr/bin/wasm-opt; then
      WASM_OPT_SRC="debian"
      if [[ -f "$SHIM" ]] && grep -q "$SHIM_MARK" "$SHIM"; then rm -f "$SHIM"; fi
    else
      log "  Debian's wasm-opt fails the smoke test; falling back to npm"
    fi
  else
    log "Debian binaryen candidate '${cand:-none}' < $MIN_BINARYEN (corrupts wasm-bindgen's externref table export): not used"
  fi
fi

if [[ -z "$WASM_OPT_SRC" ]]; then
  js="$BINARYEN_DIR/node_modules/binaryen/bin/wasm-opt"
  if [[ -f "$js" ]] && [[ "$(node -p 'require(process.argv[1]).version' "$BINARYEN_DIR/node_modules/binaryen/package.json")" == "$BINARYEN_NPM_VERSION" ]]; then
    log "npm binaryen $BINARYEN_NPM_VERSION: cached in $BINARYEN_DIR"
  else
    command -v npm >/dev/null || die "npm not found"
    log "npm install binaryen@$BINARYEN_NPM_VERSION into $BINARYEN_DIR"
    rm -rf "$BINARYEN_DIR" && mkdir -p "$BINARYEN_DIR"
    npm install --prefix "$BINARYEN_DIR" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_NPM_VERSION" >/dev/null
    [[ -f "$js" ]] || die "npm binaryen has no bin/wasm-opt"
  fi
  mkdir -p "$CARGO_BIN"
  if [[ -e "$SHIM" ]] && ! grep -q "$SHIM_MARK" "$SHIM" 2>/dev/null; then
    die "$SHIM exists and is not our shim; remove it or put a binaryen >= $MIN_BINARYEN first on PATH"
  fi
  printf '#!/bin/sh\n# %s: binaryen %s from npm (a node build)\nexec node "%s" "$@"\n' \
    "$SHIM_MARK" "$BINARYEN_NPM_VERSION" "$js" >"$SHIM.tmp"
  chmod 755 "$SHIM.tmp" && mv -f "$SHIM.tmp" "$SHIM"
  wasm_opt_ok "$SHIM" || die "npm binaryen $BINARYEN_NPM_VERSION fails the wasm-opt smoke test"
  WASM_OPT_SRC="npm"
  log "wasm-opt shim: $SHIM -> binaryen $BINARYEN_NPM_VERSION (npm)"
fi

# npm/scripts/build.sh prefers the npm binaryen's wasm-opt, else the first on PATH.
cur="$(command -v wasm-opt || true)"
[[ -n "$cur" ]] || die "no wasm-opt on PATH"
wasm_opt_ok "$cur" || die "first wasm-opt on PATH ($cur) fails the smoke test; put $CARGO_BIN before $(dirname "$cur") in PATH"

# ---------------------------------------------------------------- summary
log "ready (wasm-opt from $WASM_OPT_SRC):"
log "  wasm-bindgen $(tool_version wasm-bindgen)  $(command -v wasm-bindgen)"
log "  wasm-opt     $(wasm_opt_major "$cur")  $cur"
case ":${PATH#"$CARGO_BIN:"}:" in
  *":$CARGO_BIN:"*) ;;
  *) log "note: add $CARGO_BIN to PATH in later steps: export PATH=\"$CARGO_BIN:\$PATH\"" ;;
esac
