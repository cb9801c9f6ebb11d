#!/usr/bin/env bash
# Runs every fuzz target for a set time (default 600 s each), one after another, with the
# limits the project promises for hostile input: 512 MiB of memory and 5 s per input.
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Seeds: the project's own manifests (examples/, test fixtures), plus the external corpus (read in place) when
# AWS_AUTH_CORPUS names it. What a run finds lands in fuzz/artifacts/<target>/; each finding
# becomes a regression test (crates/aws-auth-core/tests/hostile.rs or regressions.rs) before
# it is fixed. Record runs in FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_manifest read_data edit ownership)

# The project's own manifests are copied in as seeds. The external corpus is never copied
# (its files are not the project's): libFuzzer reads it in place as a second, read-only
# corpus folder (new inputs go to the first folder only).
seed() {
  local dir="corpus/$1"
  mkdir -p "$dir"
  for f in ../examples/*.yaml ../testing/fixtures/manifests/*; do
    [ -f "$f" ] && cp -f "$f" "$dir/seed-$(basename "$f")"
  done
}

# The 512 MiB bound is for the code under test. AddressSanitizer keeps up to 256 MB of freed
# memory in quarantine, counted in the RSS libFuzzer checks: a parse_manifest run with a 4 MB
# corpus was stopped as out of memory on an empty input with 32 MB of live heap. A 64 MB
# quarantine still catches use-after-free in the short lives of these inputs.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=64}"

for target in "${targets[@]}"; do
  # The edit target builds its input from bytes (arbitrary): text seeds mean little to it.
  extra=()
  if [ "$target" != edit ] && [ "$target" != ownership ]; then
    seed "$target"
    [ -n "${AWS_AUTH_CORPUS:-}" ] && extra=("$AWS_AUTH_CORPUS")
  fi
  mkdir -p "corpus/$target" "artifacts/$target"
  echo "== $target: ${seconds}s"
  # Not in artifacts/: cargo-fuzz shows the newest file there as the failing input.
  mkdir -p logs
  log="logs/$target.log"
  cargo +nightly fuzz run "$target" "corpus/$target" ${extra[@]+"${extra[@]}"} -- \
    -max_total_time="$seconds" -rss_limit_mb=512 -timeout=5 -max_len=65536 \
    -artifact_prefix="artifacts/$target/" -print_final_stats=1 2>&1 | tee "$log" | grep -E "^#[0-9]+.*(DONE|pulse)|stat::|ERROR|panicked" || true
  # libFuzzer's last status line: executions, coverage, features, corpus.
  grep -E "^#[0-9]+" "$log" | tail -1
done
