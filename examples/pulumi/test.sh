#!/usr/bin/env bash
# Type-checks (tsc --strict) and tests the Pulumi example against the packed package
# ($AWS_AUTH_TARBALL, made by npm/scripts/test.sh): runs the programs under pulumi.runtime.setMocks,
# and drives aws-auth/pulumi's provider against the real API server when AWS_AUTH_TEST_CLUSTER is set
# (npm/scripts/test.sh sets it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
: "${AWS_AUTH_TARBALL:?set AWS_AUTH_TARBALL to the npm pack tarball (npm/scripts/test.sh does)}"
source ../../npm/scripts/npm-ci.sh
npm_ci --ignore-scripts --no-audit --no-fund --loglevel=error
npm install --ignore-scripts --no-audit --no-fund --loglevel=error --offline --no-save "$AWS_AUTH_TARBALL"
rm -rf dist
node_modules/.bin/tsc -p tsconfig.json
node --test dist/test/*.test.js
