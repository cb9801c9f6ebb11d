#!/usr/bin/env bash
# Build the kube-server binary (kube-apiserver + etcd) once and print its path.
#
# The binary is cached outside the repository, keyed by the Kubernetes version
# and a hash of everything that decides its content:
#   ${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/kube-server/<k8s-version>-<hash>/kube-server
# A second run finds it and returns at once. Build output goes to stderr; the
# only thing on stdout is the path.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

command -v go >/dev/null || { echo "error: go is not installed (needed to build kube-server)" >&2; exit 1; }

k8s_version="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' go.mod)"
# Strip symbols, and stamp the version that /version and `kubectl version`
# report (upstream's release build does the same through hack/lib/version.sh).
minor="${k8s_version#v1.}"
minor="${minor%%.*}"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
build_flags="CGO_ENABLED=0 go build -trimpath -ldflags=$ldflags"
go_version="$(go env GOVERSION)"
hash="$({ cat go.mod go.sum main.go; echo "$build_flags"; echo "$go_version"; } | sha256sum | cut -c1-16)"

dir="${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/kube-server/${k8s_version}-${hash}"
bin="$dir/kube-server"
if [ -x "$bin" ]; then
    echo "$bin"
    exit 0
fi

mkdir -p "$dir"
# Several test binaries may ask at once: one builds, the others wait.
exec 9>"$dir/.lock"
flock 9
if [ -x "$bin" ]; then
    echo "$bin"
    exit 0
fi

echo "building kube-server ${k8s_version} with ${go_version} (first run only; takes several minutes)" >&2
start=$(date +%s)
tmp="$dir/kube-server.tmp.$$"
trap 'rm -f "$tmp"' EXIT
CGO_ENABLED=0 nice go build -trimpath -ldflags="$ldflags" -o "$tmp" . >&2
mv "$tmp" "$bin"
echo "built kube-server in $(( $(date +%s) - start ))s: $bin" >&2
echo "$bin"
