#!/usr/bin/env bash
# Whole-process figures of the `aws-auth` binary (issue 3), for BENCHMARKS.md `## CLI`.
# Not run by CI: the numbers depend on the machine.
#
#   cargo build --release -p aws-auth-cli
#   crates/aws-auth-cli/benches/cli.sh [path/to/aws-auth]
#
# Env: RUNS (timed runs per command, default 50), BIG_RUNS (for the 5,000-entry upsert, 10),
# RSS_RUNS (runs per peak-RSS figure, 10), LIVE=0 to skip the request count (which starts a
# real kube-apiserver through `cargo test`).
#
# Needs: hyperfine (Debian `hyperfine`; without it a python3 loop measures the same thing),
# GNU time at /usr/bin/time (Debian `time`), python3, jq.
set -euo pipefail

cd "$(dirname "$0")/../../.."
BIN=${1:-target/release/aws-auth}
RUNS=${RUNS:-50}
BIG_RUNS=${BIG_RUNS:-10}
RSS_RUNS=${RSS_RUNS:-10}
LIVE=${LIVE:-1}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

small=examples/aws-auth.yaml
big=$work/aws-auth-5000.yaml

# The manifest of the core benchmark: `mapRoles: |` with 5,000 block entries (a rolearn, a
# username, 2 groups; node roles and team roles alternating), 3 mapUsers; about 1 MB.
python3 - "$big" <<'EOF'
import sys
out = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: aws-auth",
       "  namespace: kube-system", "data:", "  mapRoles: |"]
for i in range(5000):
    if i % 2 == 0:
        out += [f"    - rolearn: arn:aws:iam::111122223333:role/eks-nodegroup-{i:05d}-NodeInstanceRole-ABCDEFGH",
                "      username: system:node:{{EC2PrivateDNSName}}",
                "      groups:", "        - system:bootstrappers", "        - system:nodes"]
    else:
        out += [f"    - rolearn: arn:aws:iam::111122223333:role/team-{i:05d}-developers-access",
                f"      username: team-{i:05d}:{{{{SessionName}}}}",
                "      groups:", f"        - team-{i:05d}-viewers", "        - team-editors"]
out += ["  mapUsers: |"]
for u in ("alice", "bob", "carol"):
    out += [f"    - userarn: arn:aws:iam::111122223333:user/{u}", f"      username: {u}",
            "      groups:", "        - system:masters"]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF

upsert_big=("$BIN" upsert -f "$big" --maproles
  --rolearn arn:aws:iam::111122223333:role/new-node-group
  --username 'system:node:{{EC2PrivateDNSName}}' --groups system:bootstrappers system:nodes)

echo "## machine"
echo "nproc: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "kernel: $(uname -r); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN, $(stat -c %s "$BIN") bytes; $("$BIN" version)"
echo "small input: $small ($(stat -c %s "$small") bytes); big input: 5,000 roles ($(stat -c %s "$big") bytes)"
echo

# Median, mean, min and max wall time of a command (milliseconds).
timing() {
  local name=$1 runs=$2
  shift 2
  if command -v hyperfine > /dev/null; then
    hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" \
      --output=null "$(printf '%q ' "$@")" > /dev/null 2>&1
    jq -r --arg n "$name" '.results[0] | "\($n): median \(.median*1000|.*100|round/100) ms, mean \(.mean*1000|.*100|round/100) ms, min \(.min*1000|.*100|round/100) ms, max \(.max*1000|.*100|round/100) ms (\(.times|length) runs, hyperfine -N)"' "$work/h.json"
  else
    python3 - "$name" "$runs" "$@" <<'EOF'
import statistics, subprocess, sys, time
name, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for _ in range(5):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(f"{name}: median {statistics.median(times):.2f} ms, mean {statistics.mean(times):.2f} ms, "
      f"min {min(times):.2f} ms, max {max(times):.2f} ms ({runs} runs, python loop)")
EOF
  fi
}

# Peak RSS (GNU time's "Maximum resident set size"), median and max over RSS_RUNS runs.
rss() {
  local name=$1
  shift
  local kb=()
  for _ in $(seq "$RSS_RUNS"); do
    kb+=("$(/usr/bin/time -f '%M' "$@" 2>&1 > /dev/null | tail -1)")
  done
  printf '%s\n' "${kb[@]}" | sort -n | awk -v n="$name" '{ a[NR] = $1 }
    END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
          printf "%s: peak RSS median %.1f MiB, max %.1f MiB (%d runs, /usr/bin/time -f %%M)\n",
                 n, m / 1024, a[NR] / 1024, NR }'
}

echo "## wall time"
timing "aws-auth version" "$RUNS" "$BIN" version
timing "aws-auth get -f small" "$RUNS" "$BIN" get -f "$small"
timing "aws-auth get -f 5000" "$BIG_RUNS" "$BIN" get -f "$big"
timing "aws-auth upsert -f 5000" "$BIG_RUNS" "${upsert_big[@]}"
echo
echo "## peak RSS"
rss "aws-auth version" "$BIN" version
rss "aws-auth get -f small" "$BIN" get -f "$small"
rss "aws-auth get -f 5000" "$BIN" get -f "$big"
rss "aws-auth upsert -f 5000" "${upsert_big[@]}"

if [ "$LIVE" = 1 ]; then
  echo
  echo "## requests per write (audit log of a real kube-apiserver)"
  # The e2e test asserts the counts; it prints nothing on success, so a pass means: a write to
  # an existing ConfigMap = 1 GET + 1 PUT, a no-op or --dry-run = 1 GET, a get = 1 GET.
  if cargo test -q -p aws-auth-cli --test e2e requests_per_write > "$work/live.log" 2>&1; then
    echo "requests_per_write passed: write = 1 GET + 1 PUT; no-op upsert = 1 GET + 0 PUT;" \
      "--dry-run = 1 GET; get = 1 GET"
  else
    echo "requests_per_write FAILED:"
    tail -30 "$work/live.log"
  fi
fi
