#!/bin/sh
# Build the hclcheck binary (HashiCorp's HCL parser; see main.go) once and print its path.
#
# The binary is cached outside the repository, keyed by the content of
# go.mod, go.sum and *.go in this directory and by the Go version:
#   ${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/hclcheck/<sha256>/hclcheck
# A second run with unchanged sources only hashes and prints the path.
# Build output goes to stderr; stdout carries only the path.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${AWS_AUTH_CACHE:-${HOME:?HOME is not set}/.cache/aws-auth}

command -v go >/dev/null 2>&1 || { echo "build.sh: go is not installed (needed for testing/access-entries)" >&2; exit 1; }

goversion=$(cd "$here" && go env GOVERSION)
hash=$(
    cd "$here"
    {
        echo "$goversion"
        for f in go.mod go.sum $(ls *.go | LC_ALL=C sort); do
            echo "== $f"
            cat "$f"
        done
    } | sha256sum | cut -c1-32
)
dir="$cache/hclcheck/$hash"
bin="$dir/hclcheck"

if [ ! -x "$bin" ]; then
    mkdir -p "$dir"
    tmp=$(mktemp "$dir/.hclcheck.XXXXXX")
    trap 'rm -f "$tmp"' EXIT INT TERM
    echo "build.sh: building hclcheck ($goversion) into $dir (first time only, may take minutes)" >&2
    (cd "$here" && GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 nice go build -trimpath -o "$tmp" .) >&2
    chmod +x "$tmp"
    mv -f "$tmp" "$bin"
    trap - EXIT INT TERM
fi
echo "$bin"
