#!/usr/bin/env bash
# The krew manifest (deploy/krew/aws-auth.yaml) checked by krew itself.
#
# Builds, from the Go module proxy and cached under
# ${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/krew/<version>-<go version>/, krew's own
# validate-krew-manifest (the program krew-index runs on every submitted manifest: it reads the
# file with krew's indexscanner and checks it with krew's index/validation, both internal
# packages of sigs.k8s.io/krew that no other module can import) and krew itself. Then it renders
# the template for a release archive of the static binary (deploy/krew/render.sh), serves the
# archive on 127.0.0.1, and runs validate-krew-manifest with its install test, which runs
# `kubectl krew install --manifest` (download, sha256, LICENSE extracted). Last, it installs the
# plugin with krew and runs `kubectl aws-auth version` through kubectl's plugin lookup.
#
# Needs the static binary: run after testing/static/check.sh (run-all.sh does).
set -euo pipefail
cd "$(dirname "$0")/../.."
krew_version=v0.4.4
command -v go >/dev/null || { echo "error: go is not installed (needed for testing/krew)" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "error: kubectl is not installed" >&2; exit 1; }
tools="${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/krew/$krew_version-$(go env GOVERSION)"
if [ ! -x "$tools/kubectl-krew" ] || [ ! -x "$tools/validate-krew-manifest" ]; then
    mkdir -p "$tools"
    GOBIN="$tools" CGO_ENABLED=0 go install \
        "sigs.k8s.io/krew/cmd/krew@$krew_version" \
        "sigs.k8s.io/krew/cmd/validate-krew-manifest@$krew_version"
    mv "$tools/krew" "$tools/kubectl-krew"
fi

work=$(mktemp -d)
server_pid=
cleanup() {
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A free port on loopback, and a file server there.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
manifest=$(bash deploy/krew/render.sh v0.1.0 "http://127.0.0.1:$port" https://example.com/aws-auth "$work/release")
python3 -m http.server --bind 127.0.0.1 --directory "$work/release" "$port" >"$work/http.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
    sleep 0.1
done

echo "== validate-krew-manifest $krew_version (structure, platforms, install)"
PATH="$tools:$PATH" "$tools/validate-krew-manifest" -manifest "$manifest"

# The unfilled template is not a valid manifest (its version is "${VERSION}").
if "$tools/validate-krew-manifest" -skip-install -manifest deploy/krew/aws-auth.yaml >"$work/tpl.log" 2>&1; then
    echo "error: the unfilled template passed validation" >&2
    exit 1
fi
grep -q "validation error" "$work/tpl.log" || { cat "$work/tpl.log" >&2; exit 1; }
echo "ok: the unfilled template is rejected"

# A manifest with a wrong sha256 must fail the install test: the check can fail.
sed "s/^\(\s*sha256: \).*/\1$(printf '0%.0s' $(seq 64))/" "$manifest" >"$work/aws-auth.yaml"
if PATH="$tools:$PATH" "$tools/validate-krew-manifest" -manifest "$work/aws-auth.yaml" >"$work/bad.log" 2>&1; then
    echo "error: a manifest with a wrong sha256 passed validation" >&2
    exit 1
fi
grep -qi "sha256" "$work/bad.log" || { cat "$work/bad.log" >&2; exit 1; }
echo "ok: a wrong sha256 is rejected"

echo "== kubectl krew install, then kubectl aws-auth version"
export KREW_ROOT="$work/krew-root"
PATH="$tools:$PATH" kubectl krew install --manifest="$manifest" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; exit 1; }
out=$(PATH="$KREW_ROOT/bin:$PATH" kubectl aws-auth version)
echo "$out"
grep -q "$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml)" <<<"$out" || { echo "error: kubectl aws-auth version said: $out" >&2; exit 1; }
echo "ok: krew manifest validated and installed; kubectl aws-auth runs"
