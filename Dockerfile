# aws-auth as a container image: the static (musl) binary of testing/static/check.sh on an
# empty base, run as a non-root user. Build: docker build -t aws-auth .
# Used by deploy/job.yaml; needs no shell, libc, CA bundle or aws CLI (the cluster's CA comes from
# the kubeconfig, the Pod's service-account files or, with --eks-cluster, eks:DescribeCluster; the
# AWS APIs' roots are built in where the image has none). No cmake either: the AWS SDK runs on
# rustls + ring, which musl-gcc builds.

# -- build: the one documented command (README, "Static binary")
FROM rust:1.95-bookworm AS build
# ring compiles C and assembly for the musl target with musl-gcc.
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools=1.2.3-1 \
    && rm -rf /var/lib/apt/lists/* \
    && rustup target add x86_64-unknown-linux-musl
WORKDIR /src
COPY . .
RUN cargo build --release --locked --target x86_64-unknown-linux-musl -p aws-auth-cli --bin aws-auth \
    && strip target/x86_64-unknown-linux-musl/release/aws-auth \
    && target/x86_64-unknown-linux-musl/release/aws-auth version

# -- run: nothing but the binary
FROM scratch
COPY --from=build /src/target/x86_64-unknown-linux-musl/release/aws-auth /aws-auth
# The "nonroot" user of distroless images; scratch has no /etc/passwd, so numeric.
USER 65532:65532
ENTRYPOINT ["/aws-auth"]
CMD ["--help"]
