#!/usr/bin/env bash
# Checks the outputs of `aws-auth access-entries plan` with the real tools (see check.py):
# botocore's EKS service model, cfn-lint, HashiCorp's HCL parser, and the aws CLI against a
# local endpoint that records its requests.
#
# Installs them once (idempotent): a venv from requirements.txt under
#   ${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/access-entries-venv/<hash>
# and hclcheck/ built from the Go module proxy (hclcheck/build.sh). Needs python3 and go.
# Checks testing/access-entries/fixtures and, when present, the external corpus
# (AWS_AUTH_CORPUS or ../shared/corpus/aws-auth beside the checkout).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${AWS_AUTH_CACHE:-${HOME:?HOME is not set}/.cache/aws-auth}"

hash=$( { python3 --version; cat "$here/requirements.txt"; } | sha256sum | cut -c1-16)
venv="$cache/access-entries-venv/$hash"
if [ ! -e "$venv/.installed" ]; then
    echo "check.sh: installing awscli, botocore and cfn-lint into $venv (first time only)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
    touch "$venv/.installed"
fi
hclcheck="$(sh "$here/hclcheck/build.sh")"

(cd "$root" && cargo build --quiet -p aws-auth-cli)
bin="${CARGO_TARGET_DIR:-$root/target}/debug/aws-auth"

# `+`: the shell script is replayed through the aws CLI too (see check.py).
manifests=("+$here/fixtures/all-rules.yaml:$here/fixtures/roles.json")
for f in "$root"/testing/fixtures/manifests/*.yaml "$root"/testing/fixtures/manifests/*.json; do
    "$bin" access-entries plan -f "$f" >/dev/null 2>&1 && manifests+=("+$f")
done
corpus="${AWS_AUTH_CORPUS:-$root/../shared/corpus/aws-auth}"
if [ -d "$corpus" ]; then
    for f in "$corpus"/*.yaml "$corpus"/*.json; do
        # Manifests that do not parse have no plan (the corpus tests cover their errors).
        "$bin" access-entries plan -f "$f" >/dev/null 2>&1 && manifests+=("$f")
    done
else
    echo "check.sh: the external corpus is not at $corpus; checking the fixtures only" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$here/check.py" "$bin" "$hclcheck" "$work" "${manifests[@]}"
