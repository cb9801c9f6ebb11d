#!/usr/bin/env bash
# Type-checks (tsc --strict) and tests the CDK example against the packed package
# ($AWS_AUTH_TARBALL, made by npm/scripts/test.sh): synthesizes the app with the AwsAuthEntries
# construct (aws-auth/cdk), checks the template and the Lambda asset, and lints the template
# with cfn-lint (pinned, installed into a venv under ${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
: "${AWS_AUTH_TARBALL:?set AWS_AUTH_TARBALL to the npm pack tarball (npm/scripts/test.sh does)}"
source ../../npm/scripts/npm-ci.sh
npm_ci --no-audit --no-fund --loglevel=error
npm install --no-audit --no-fund --loglevel=error --offline --no-save "$AWS_AUTH_TARBALL"
rm -rf dist
node_modules/.bin/tsc -p tsconfig.json
node --test dist/test/*.test.js

CFN_LINT_VERSION=1.51.0
venv="${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/cfn-lint-$CFN_LINT_VERSION"
if [ ! -x "$venv/bin/cfn-lint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
fi
out="$(mktemp -d "${TMPDIR:-/tmp}/aws-auth-cdk-out.XXXXXX")"
trap 'rm -rf "$out"' EXIT
CDK_OUTDIR="$out" node dist/bin/app.js
# W3005 (a DependsOn that a GetAtt already implies) is what aws-cdk-lib itself writes for
# every Lambda and its role.
"$venv/bin/cfn-lint" --ignore-checks W3005 -- "$out/AwsAuth.template.json"
echo "examples/cdk/test.sh: cfn-lint $CFN_LINT_VERSION: $out/AwsAuth.template.json clean"
# The access entries (PlannedAccessEntries) of examples/aws-auth.yaml, and of the manifest with
# every rule of contract §6 and its role list (all entry types, policies, restored paths).
"$venv/bin/cfn-lint" -- "$out/AccessEntries.template.json"
rules="$(cd ../../testing/access-entries/fixtures && pwd)"
CDK_OUTDIR="$out/all-rules" CDK_CONTEXT_JSON="{\"manifest\": \"$rules/all-rules.yaml\", \"rolePaths\": \"$rules/roles.json\"}" \
  node dist/bin/app.js 2>"$out/not-migrated.txt"
grep -q "not migrated: mapRoles\[6\] arn:aws:iam::111122223333:role/reserved: reserved-username" "$out/not-migrated.txt"
"$venv/bin/cfn-lint" -- "$out/all-rules/AccessEntries.template.json"
echo "examples/cdk/test.sh: cfn-lint $CFN_LINT_VERSION: the AccessEntries templates of aws-auth.yaml and all-rules.yaml clean"
