#!/bin/sh
# Installs moto (requirements.txt) into a venv once and prints the venv's python, which runs
# moto_eks.py. Cached outside the repository, keyed by the python version and requirements.txt:
#   ${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/eks-venv/<hash>
# Install output goes to stderr; stdout carries only the path. Needs python3 with venv.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${AWS_AUTH_CACHE:-${HOME:?HOME is not set}/.cache/aws-auth}
hash=$( { python3 --version; cat "$here/requirements.txt"; } | sha256sum | cut -c1-16)
venv="$cache/eks-venv/$hash"
if [ ! -e "$venv/.installed" ]; then
    echo "moto.sh: installing moto into $venv (first time only)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
    touch "$venv/.installed"
fi
echo "$venv/bin/python"
