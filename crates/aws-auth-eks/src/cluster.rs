//! The AWS side: the SDK configuration (region and credentials from the standard chains, an
//! HTTP client on rustls + ring) and EKS `DescribeCluster`.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_eks::error::ProvideErrorMetadata as _;
use aws_sdk_eks::operation::describe_cluster::DescribeClusterError;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use crate::Error;

/// What the AWS SDK needs for every call: a region and a credentials provider.
#[derive(Debug, Clone)]
pub struct Aws {
    /// The SDK configuration (endpoint overrides such as `AWS_ENDPOINT_URL` included).
    pub sdk: SdkConfig,
    /// The region: the one given, else the chain's (`AWS_REGION`, `AWS_DEFAULT_REGION`, the
    /// profile's `region`, instance metadata).
    pub region: String,
    /// The standard credentials chain: environment, profiles (SSO and `credential_process`
    /// included), web identity (IRSA), ECS and EKS Pod Identity containers, instance
    /// metadata.
    pub credentials: SharedCredentialsProvider,
}

impl Aws {
    /// Loads the standard chains, with `region` (when given) in front of the region chain.
    ///
    /// # Errors
    /// [`Error::NoRegion`] when no region is given or configured. Credentials are looked up
    /// later, when first needed ([`Aws::check_credentials`]).
    pub async fn load(region: Option<&str>) -> Result<Aws, Error> {
        // rustls with ring, as kube uses it: the SDK's default client would bring aws-lc, a C
        // library whose musl build needs cmake.
        let tls = tls::TlsContext::builder()
            .with_trust_store(trust_store())
            .build()
            .map_err(|e| Error::HttpClient {
                detail: crate::one_line(&e),
            })?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .tls_context(tls)
            .build_https();
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http);
        if let Some(r) = region {
            loader = loader.region(Region::new(r.to_string()));
        }
        let sdk = loader.load().await;
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .filter(|r| !r.is_empty())
            .ok_or(Error::NoRegion)?;
        let credentials = sdk.credentials_provider().ok_or(Error::Credentials {
            detail: "no credentials provider configured".to_string(),
        })?;
        Ok(Aws {
            sdk,
            region,
            credentials,
        })
    }

    /// Resolves credentials once, so that a missing one is reported as such, before any call
    /// that would report it as a failed request.
    ///
    /// # Errors
    /// [`Error::Credentials`].
    pub async fn check_credentials(&self) -> Result<(), Error> {
        crate::token::credentials(&self.credentials).await.map(drop)
    }

    /// EKS `DescribeCluster`: the endpoint and CA of `name`.
    ///
    /// # Errors
    /// [`Error::ClusterNotFound`], [`Error::DescribeCluster`] (any other failure, the service's
    /// error code and message included), [`Error::ClusterNotReady`] (no endpoint or CA yet).
    pub async fn describe_cluster(&self, name: &str) -> Result<ClusterAccess, Error> {
        let eks = aws_sdk_eks::Client::new(&self.sdk);
        let out = eks
            .describe_cluster()
            .name(name)
            .send()
            .await
            .map_err(|e| {
                let service = e.as_service_error();
                if let Some(DescribeClusterError::ResourceNotFoundException(_)) = service {
                    return Error::ClusterNotFound {
                        cluster: name.to_string(),
                        region: self.region.clone(),
                    };
                }
                let detail = match (service.and_then(|s| s.code()), service) {
                    (Some(code), Some(s)) => match s.message() {
                        Some(m) => format!("{code}: {m}"),
                        None => code.to_string(),
                    },
                    _ => crate::one_line(&e),
                };
                Error::DescribeCluster {
                    cluster: name.to_string(),
                    region: self.region.clone(),
                    detail,
                }
            })?;
        let not_ready = |what: &str| Error::ClusterNotReady {
            cluster: name.to_string(),
            region: self.region.clone(),
            detail: what.to_string(),
        };
        let cluster = out
            .cluster
            .ok_or_else(|| not_ready("no cluster in the answer"))?;
        let status = cluster
            .status
            .as_ref()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        let endpoint = cluster
            .endpoint
            .filter(|e| !e.is_empty())
            .ok_or_else(|| not_ready(&format!("no endpoint yet (status {status})")))?;
        let ca_data = cluster
            .certificate_authority
            .and_then(|c| c.data)
            .filter(|d| !d.is_empty())
            .ok_or_else(|| not_ready(&format!("no certificate authority yet (status {status})")))?;
        Ok(ClusterAccess {
            name: name.to_string(),
            arn: cluster.arn,
            endpoint,
            ca_data,
        })
    }
}

/// The roots the AWS API endpoints are checked against: the system's (or `SSL_CERT_FILE`'s), as
/// the SDK takes them; where there are none, as in a `scratch` image or an empty root, Mozilla's
/// (webpki-root-certs), built in, so that the static binary reaches STS and EKS from there. (The
/// Kubernetes API server is checked against the cluster's own CA from `DescribeCluster`.)
fn trust_store() -> tls::TrustStore {
    // Loaded here once more than the SDK does (it caches its own load): a few milliseconds.
    if !rustls_native_certs::load_native_certs().certs.is_empty() {
        return tls::TrustStore::default();
    }
    let mut store = tls::TrustStore::empty();
    for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        store.add_pem_certificate(pem(der));
    }
    store
}

/// A DER certificate as PEM (what the SDK's trust store takes).
fn pem(der: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out.into_bytes()
}

/// How to reach a cluster's API server, from `DescribeCluster`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterAccess {
    /// The cluster's name.
    pub name: String,
    /// The cluster's ARN, when EKS gave it.
    pub arn: Option<String>,
    /// The API server's URL (`https://….eks.amazonaws.com`).
    pub endpoint: String,
    /// The cluster CA: base64 of its PEM, as `certificateAuthority.data` (and a kubeconfig's
    /// `certificate-authority-data`) hold it.
    pub ca_data: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_roots_are_pem_the_sdk_reads() {
        use rustls_pki_types::CertificateDer;
        use rustls_pki_types::pem::PemObject as _;
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
        assert!(roots.len() > 100);
        for der in roots {
            let pem = super::pem(der);
            let back: Vec<_> = CertificateDer::pem_slice_iter(&pem)
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(back, vec![der.clone()]);
        }
    }
}
