#!/usr/bin/env bash
# Makes the krew release archive and fills the manifest template for it.
#
#   deploy/krew/render.sh VERSION BASE_URL HOMEPAGE OUT_DIR
#
# VERSION as v0.1.0. Needs the static binary (README, "Static binary"):
#   cargo build --release --target x86_64-unknown-linux-musl -p aws-auth-cli --bin aws-auth
# Writes OUT_DIR/aws-auth-VERSION-linux-amd64.tar.gz (kubectl-aws_auth and LICENSE) and
# OUT_DIR/aws-auth.yaml whose uri is BASE_URL/<that archive> and whose sha256 is the archive's.
set -euo pipefail
[ $# = 4 ] || { sed -n 2,9p "$0" >&2; exit 2; }
version=$1 base_url=${2%/} homepage=$3 out=$4
case "$version" in v[0-9]*.[0-9]*.[0-9]*) ;; *) echo "error: VERSION must look like v1.2.3" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
target_dir="${CARGO_TARGET_DIR:-$(cd "$repo" && cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}"
# The one binary, under the plugin's name: run as kubectl-aws_auth it is the plugin.
bin="$target_dir/x86_64-unknown-linux-musl/release/aws-auth"
[ -x "$bin" ] || { echo "error: $bin is missing: build the static binary first" >&2; exit 1; }

mkdir -p "$out"
archive="aws-auth-$version-linux-amd64.tar.gz"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$bin" "$stage/kubectl-aws_auth"
strip "$stage/kubectl-aws_auth"
cp "$repo/LICENSE" "$stage/LICENSE"
# Reproducible: fixed order, owner and times.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$stage" -cf - kubectl-aws_auth LICENSE |
    gzip -n >"$out/$archive"
sha256=$(sha256sum "$out/$archive" | cut -d' ' -f1)
sed -e '/^#/d' -e "s|\${VERSION}|$version|" -e "s|\${URL}|$base_url/$archive|" \
    -e "s|\${SHA256}|$sha256|" -e "s|\${HOMEPAGE}|$homepage|" \
    "$here/aws-auth.yaml" >"$out/aws-auth.yaml"
if grep -n '\${' "$out/aws-auth.yaml"; then echo "error: a placeholder is left" >&2; exit 1; fi
echo "$out/aws-auth.yaml"
