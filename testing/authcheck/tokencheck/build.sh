#!/bin/sh
# Build the tokencheck binary (aws-iam-authenticator's token verifier with a local STS
# stand-in; see main.go) once and print its path. Cached outside the repository, keyed by the
# Go version and the content of the module's go.mod, go.sum and tokencheck/*.go:
#   ${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/tokencheck/<sha256>/tokencheck
# Build output goes to stderr; stdout carries only the path.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
cache=${AWS_AUTH_CACHE:-${HOME:?HOME is not set}/.cache/aws-auth}

command -v go >/dev/null 2>&1 || { echo "build.sh: go is not installed (needed for testing/authcheck/tokencheck)" >&2; exit 1; }

goversion=$(cd "$module" && go env GOVERSION)
hash=$(
    cd "$module"
    {
        echo "$goversion"
        for f in go.mod go.sum $(ls tokencheck/*.go | LC_ALL=C sort); do
            echo "== $f"
            cat "$f"
        done
    } | sha256sum | cut -c1-32
)
dir="$cache/tokencheck/$hash"
bin="$dir/tokencheck"

if [ ! -x "$bin" ]; then
    mkdir -p "$dir"
    tmp=$(mktemp "$dir/.tokencheck.XXXXXX")
    trap 'rm -f "$tmp"' EXIT INT TERM
    echo "build.sh: building tokencheck ($goversion) into $dir (first time only, may take minutes)" >&2
    (cd "$module" && GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 nice go build -trimpath -o "$tmp" ./tokencheck) >&2
    chmod +x "$tmp"
    mv -f "$tmp" "$bin"
    trap - EXIT INT TERM
fi
echo "$bin"
