#!/usr/bin/env bash
# The static Linux binary (musl): builds it with the one documented command, then proves it runs
# in an empty root filesystem: a directory holding only the binary and the files a run reads,
# entered with chroot inside a new user and mount namespace (unshare -r). No libc, no /etc, no
# CA bundle. There it runs `version`, `get -f` and `upsert -f`; then the Rust test
# static_binary.rs runs it the same way as a Pod would, against the real kube-apiserver: in-cluster
# config (service-account token and CA under /var/run/secrets), no kubeconfig. With the default
# "eks" feature it also signs an EKS token there (`token`).
#
# One binary: `aws-auth` alone is built (each binary is a whole-program LTO link, ~100 s on 2
# cores). Copied as `kubectl-aws_auth` (the krew archive) it is the kubectl plugin: checked here
# (it runs) and in static_binary.rs (it names itself kubectl-aws_auth/<version> to the API server).
#
# Installs what it needs (idempotent): the rustup target, and musl-gcc (Debian's musl-tools, for
# ring's C and assembly). Prints the binary's size. Fails, never skips, when something is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
target=x86_64-unknown-linux-musl

rustup target list --installed | grep -qx "$target" || rustup target add "$target"
if ! command -v musl-gcc >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "error: musl-gcc is missing: apt-get install musl-tools" >&2; exit 1; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq musl-tools >/dev/null
fi
for tool in unshare chroot readelf strip; do
    command -v "$tool" >/dev/null || { echo "error: $tool is missing" >&2; exit 1; }
done
chroot=$(command -v chroot)

# The documented command (README, "Static binary").
cargo build --release --target "$target" -p aws-auth-cli --bin aws-auth
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
bin="$target_dir/$target/release/aws-auth"
[ -x "$bin" ] || { echo "error: $bin was not built" >&2; exit 1; }

# Static: no program interpreter, no shared libraries.
if readelf -l "$bin" | grep -q INTERP || readelf -d "$bin" | grep -q NEEDED; then
    echo "error: $bin is not static:" >&2
    readelf -d "$bin" >&2
    exit 1
fi
size=$(stat -c %s "$bin")
stripped=$(mktemp)
err=$(mktemp)
trap 'rm -rf "$stripped" "$err" "${root:-}"' EXIT
strip -o "$stripped" "$bin"
echo "static binary: $bin, $size bytes ($(stat -c %s "$stripped") bytes stripped)"

# The empty root: the binary (also under the plugin's name) and a manifest, nothing else.
root=$(mktemp -d)
cp "$bin" "$root/aws-auth"
cp "$bin" "$root/kubectl-aws_auth"
cp examples/aws-auth.yaml "$root/aws-auth.yaml"
in_root() { env -i "$(command -v unshare)" -r --mount --net "$chroot" "$root" /aws-auth "$@"; }
[ "$(find "$root" | wc -l)" = 4 ] || { echo "error: the root is not empty" >&2; exit 1; }
if env -i "$(command -v unshare)" -r --mount --net "$chroot" "$root" /bin/sh -c true 2>/dev/null; then
    echo "error: the root has a shell: not empty" >&2
    exit 1
fi

fail() { echo "error: in the empty root: $*" >&2; exit 1; }
version=$(in_root version) || fail "version failed"
grep -q "$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml)" <<<"$version" || fail "version said: $version"
echo "ok: version ($version)"
plugin=$(env -i "$(command -v unshare)" -r --mount --net "$chroot" "$root" /kubectl-aws_auth version) ||
    fail "kubectl-aws_auth version failed"
[ "$plugin" = "$version" ] || fail "kubectl-aws_auth version said: $plugin"
echo "ok: the copy named kubectl-aws_auth runs (as the plugin: static_binary.rs, below)"

got=$(in_root get -f /aws-auth.yaml -o json) || fail "get -f failed"
grep -q '"rolearn":"arn:aws:iam::555555555555:role/abc"' <<<"${got// /}" || fail "get -f said: $got"
echo "ok: get -f"

out=$(in_root upsert -f /aws-auth.yaml --rolearn arn:aws:iam::111122223333:role/ci \
      --username ci --groups deployers 2>"$err") || fail "upsert -f failed: $(cat "$err")"
[ "$(cat "$err")" = "added arn:aws:iam::111122223333:role/ci to aws-auth" ] ||
    fail "upsert -f said: $(cat "$err")"
grep -q "rolearn: arn:aws:iam::111122223333:role/ci" <<<"$out" || fail "upsert -f printed: $out"
in_root upsert -f /aws-auth.yaml -i --rolearn arn:aws:iam::111122223333:role/ci \
    --username ci --groups deployers 2>/dev/null || fail "upsert -f -i failed"
grep -q "rolearn: arn:aws:iam::111122223333:role/ci" "$root/aws-auth.yaml" || fail "upsert -f -i wrote nothing"
echo "ok: upsert -f"

# EKS authentication built in (cargo feature "eks", on by default): `token` signs with the
# credentials chain (here the environment) with no /etc, no HOME, no CA bundle; --eks-cluster
# fails on one line when EKS cannot be reached (no network in the root).
in_root_aws() {
    env -i AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_EC2_METADATA_DISABLED=true \
        "$(command -v unshare)" -r --mount --net "$chroot" "$root" /aws-auth "$@"
}
got=$(in_root_aws token --cluster-name prod --region eu-west-1) || fail "token failed"
grep -q '"kind":"ExecCredential"' <<<"$got" && grep -q '"token":"k8s-aws-v1\.' <<<"$got" ||
    fail "token said: $got"
echo "ok: token"
if in_root_aws --eks-cluster prod --region eu-west-1 get 2>"$err"; then fail "--eks-cluster without a network succeeded"; fi
[ "$(wc -l <"$err")" = 1 ] && grep -q '^error: eks:DescribeCluster "prod" in eu-west-1: ' "$err" ||
    fail "--eks-cluster without a network said: $(cat "$err")"
echo "ok: --eks-cluster fails on one line without a network"

# Against the real kube-apiserver, in-cluster, from an empty root.
AWS_AUTH_STATIC_BIN="$bin" cargo test -p aws-auth-cli --test static_binary -- --ignored
