//! Reach an EKS cluster with no kubeconfig and no `aws` CLI.
//!
//! - [`Aws::load`]: region and credentials from the AWS SDK's standard chains (environment,
//!   profiles with SSO and `credential_process`, web identity / IRSA, ECS and EKS Pod
//!   Identity, instance metadata), endpoint overrides (`AWS_ENDPOINT_URL`, …) included.
//! - [`Aws::describe_cluster`]: the API server's endpoint and CA from EKS `DescribeCluster`.
//! - [`Token`] / [`TokenSource`]: the bearer token, made natively as `aws eks get-token` makes
//!   it (a SigV4-presigned STS `GetCallerIdentity` URL with `x-k8s-aws-id` signed), reused
//!   while fresh and re-signed before it runs out; [`Token::exec_credential`] prints it for a
//!   kubeconfig's `exec` plugin.
//! - [`kube_config`] and [`client`]: a [`kube::Client`] for that endpoint and CA that sends a
//!   good token with every request, for `aws_auth_kube::AwsAuthClient`.
//!
//! [`connect`] does all of it. This crate is the only one of the project that depends on the
//! AWS SDK; the core stays pure and the CLI takes it through its `eks` feature.
//!
//! ```no_run
//! # async fn run() -> Result<(), aws_auth_eks::Error> {
//! let (config, tokens) = aws_auth_eks::connect("prod", Some("eu-west-1")).await?;
//! let client = aws_auth_eks::client(config, tokens)?;
//! let aws_auth = aws_auth_kube::AwsAuthClient::new(client);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod client;
mod cluster;
mod token;

use std::sync::Arc;

pub use client::{Bearer, BearerLayer, client, kube_config};
pub use cluster::{Aws, ClusterAccess};
pub use token::{
    CLUSTER_ID_HEADER, REFRESH_BEFORE, TOKEN_LIFETIME, TOKEN_PREFIX, Token, TokenSource,
    URL_EXPIRES, dns_suffix, presigned_url,
};

/// What can go wrong on the way to a cluster. Each message is one line that names the cluster
/// (and region) and says what failed; none carries a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Neither given nor configured.
    #[error(
        "no AWS region: none given and none configured (AWS_REGION, AWS_DEFAULT_REGION or the profile's region)"
    )]
    NoRegion,
    /// The credentials chain found none, or its source failed.
    #[error("no AWS credentials: {detail}")]
    Credentials {
        /// What the chain said.
        detail: String,
    },
    /// The HTTP client for the AWS APIs could not be set up (its TLS roots).
    #[error("the AWS HTTP client: {detail}")]
    HttpClient {
        /// What failed.
        detail: String,
    },
    /// `DescribeCluster` says there is no such cluster.
    #[error(
        "no EKS cluster named {cluster:?} in {region} (eks:DescribeCluster: ResourceNotFoundException)"
    )]
    ClusterNotFound {
        /// The name asked for.
        cluster: String,
        /// Where it was looked for.
        region: String,
    },
    /// `DescribeCluster` failed otherwise (access denied, endpoint unreachable, …).
    #[error("eks:DescribeCluster {cluster:?} in {region}: {detail}")]
    DescribeCluster {
        /// The name asked for.
        cluster: String,
        /// The region asked.
        region: String,
        /// The service's error code and message, or the connection failure.
        detail: String,
    },
    /// The cluster exists but has no endpoint or CA yet (it is being created).
    #[error("EKS cluster {cluster:?} in {region} cannot be reached yet: {detail}")]
    ClusterNotReady {
        /// The cluster.
        cluster: String,
        /// Its region.
        region: String,
        /// What is missing.
        detail: String,
    },
    /// Signing the token failed.
    #[error("signing the EKS token for {cluster:?}: {detail}")]
    Sign {
        /// The cluster.
        cluster: String,
        /// What SigV4 said.
        detail: String,
    },
    /// kube refused the endpoint or the CA from `DescribeCluster`.
    #[error("EKS cluster {cluster:?}: {detail}")]
    KubeConfig {
        /// The cluster.
        cluster: String,
        /// What kube said.
        detail: String,
    },
}

/// Everything a client for EKS cluster `name` needs: region and credentials from the standard
/// chains (`region` first when given), the first token signed (so that missing credentials are
/// found first), the endpoint and CA from `DescribeCluster`, and the token source.
///
/// # Errors
/// [`Error::NoRegion`], [`Error::Credentials`], the errors of [`Aws::describe_cluster`] and of
/// [`kube_config`].
pub async fn connect(
    name: &str,
    region: Option<&str>,
) -> Result<(kube::Config, Arc<TokenSource>), Error> {
    let aws = Aws::load(region).await?;
    let tokens = TokenSource::new(name, aws.region.clone(), aws.credentials.clone());
    // The first token now: a missing credential is reported as such before any call, and the
    // credentials are resolved once for it (web identity: one STS call) instead of twice.
    tokens.token().await?;
    let access = aws.describe_cluster(name).await?;
    let config = kube_config(&access).await?;
    Ok((config, tokens))
}

/// An error and its sources on one line, each said once (the SDK's errors nest the cause of a
/// failure several levels down, and often repeat it).
pub(crate) fn one_line(e: &(dyn std::error::Error + 'static)) -> String {
    let mut line = String::new();
    let mut next = Some(e);
    while let Some(cause) = next {
        let text = cause
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() && !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
        next = cause.source();
    }
    line
}
