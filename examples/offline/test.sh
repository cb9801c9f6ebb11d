#!/usr/bin/env bash
# Runs the example against the packed package ($AWS_AUTH_TARBALL, made by npm/scripts/test.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${AWS_AUTH_TARBALL:?set AWS_AUTH_TARBALL to the npm pack tarball (npm/scripts/test.sh does)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/aws-auth-offline.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -r "$here/add-node-role.mjs" "$here/package.json" "$here/test" "$work/"
(cd "$work" && npm install --no-audit --no-fund --loglevel=error --offline --no-save "$AWS_AUTH_TARBALL" && node --test test/*.test.mjs)
