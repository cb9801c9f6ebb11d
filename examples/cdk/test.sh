#!/usr/bin/env bash
# Type-checks (tsc --strict) and tests the CDK example against the packed package
# ($AWS_AUTH_TARBALL, made by npm/scripts/test.sh): synthesizes the stack, checks the ConfigMap.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
: "${AWS_AUTH_TARBALL:?set AWS_AUTH_TARBALL to the npm pack tarball (npm/scripts/test.sh does)}"
# A registry download can stall without an error (seen here: npm ci idle for 10 minutes); bound
# each try and retry, preferring what the npm cache already holds.
npm_ci() {
  local try
  for try in 1 2 3; do
    timeout 600 npm ci --prefer-offline --fetch-timeout=120000 --fetch-retries=4 "$@" && return 0
    echo "npm ci failed or stalled (try $try of 3)" >&2
  done
  return 1
}
npm_ci --no-audit --no-fund --loglevel=error
npm install --no-audit --no-fund --loglevel=error --offline --no-save "$AWS_AUTH_TARBALL"
rm -rf dist
node_modules/.bin/tsc -p tsconfig.json
node --test dist/test/*.test.js
