//! The EKS bearer token, made as `aws eks get-token` and aws-iam-authenticator make it.
//!
//! A token is `k8s-aws-v1.` + the unpadded base64url of a SigV4-presigned STS
//! `GetCallerIdentity` URL whose signature covers the header `x-k8s-aws-id: <cluster name>`,
//! with `X-Amz-Expires=60`. The API server's authenticator replays the URL to STS with its own
//! cluster name in that header, so a token made for another cluster fails STS's signature check,
//! and it refuses a URL signed more than 15 minutes ago.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::Error;

/// The prefix aws-iam-authenticator expects in front of the encoded URL.
pub const TOKEN_PREFIX: &str = "k8s-aws-v1.";

/// The header whose signed value names the cluster.
pub const CLUSTER_ID_HEADER: &str = "x-k8s-aws-id";

/// `X-Amz-Expires` of the presigned URL, as `aws eks get-token` and aws-iam-authenticator's
/// own token generator send it (the authenticator, not this value, limits a token to 15
/// minutes).
pub const URL_EXPIRES: Duration = Duration::from_secs(60);

/// How long a token is good for, as `aws eks get-token` reports it: the authenticator accepts
/// a URL signed up to 15 minutes ago; one minute is kept for clock skew and the request's
/// flight.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(14 * 60);

/// How long before its expiry a cached token is replaced by a new one, so that a request never
/// leaves with a token that runs out on its way.
pub const REFRESH_BEFORE: Duration = Duration::from_secs(60);

/// A bearer token and the time it stops being good.
#[derive(Clone)]
pub struct Token {
    /// `k8s-aws-v1.…`: what goes after `Authorization: Bearer `.
    pub value: String,
    /// When the signing happened.
    pub signed_at: SystemTime,
    /// [`TOKEN_LIFETIME`] after signing, or earlier when the credentials expire earlier.
    pub expires_at: SystemTime,
}

impl std::fmt::Debug for Token {
    // The token is a credential: never in logs or panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("value", &"** redacted **")
            .field("signed_at", &self.signed_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Token {
    /// Signs a token for `cluster` with `credentials`, at `now`, for STS in `region`.
    ///
    /// # Errors
    /// [`Error::Sign`] when SigV4 refuses the input (a cluster name that is no header value).
    pub fn sign(
        cluster: &str,
        region: &str,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<Token, Error> {
        let url = presigned_url(cluster, region, credentials, now)?;
        let lifetime_end = now + TOKEN_LIFETIME;
        let expires_at = match credentials.expiry() {
            Some(expiry) if expiry < lifetime_end => expiry,
            _ => lifetime_end,
        };
        Ok(Token {
            value: format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(url)),
            signed_at: now,
            expires_at,
        })
    }

    /// Whether a request sent at `now` may still use this token.
    pub fn is_fresh_at(&self, now: SystemTime) -> bool {
        now >= self.signed_at && now + REFRESH_BEFORE < self.expires_at
    }

    /// The `ExecCredential` (`client.authentication.k8s.io/v1beta1`) that carries this token,
    /// as `aws eks get-token` prints it: what a kubeconfig's `exec` plugin must print.
    pub fn exec_credential(&self) -> String {
        // Whole seconds, as `aws eks get-token` prints it; rounded down, never later.
        let seconds = self
            .expires_at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let expiration = aws_smithy_types::DateTime::from_secs(i64::try_from(seconds).unwrap_or(0))
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .unwrap_or_default();
        let doc = serde_json::json!({
            "kind": "ExecCredential",
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "spec": {},
            "status": {
                "expirationTimestamp": expiration,
                "token": self.value,
            }
        });
        format!("{doc}\n")
    }
}

/// The DNS suffix of the partition a region belongs to (the authenticator accepts only the STS
/// hosts of its own partition).
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else if region.starts_with("us-isob-") {
        "sc2s.sgov.gov"
    } else if region.starts_with("us-iso-") {
        "c2s.ic.gov"
    } else if region.starts_with("eusc-") {
        "amazonaws.eu"
    } else {
        "amazonaws.com"
    }
}

/// The presigned STS `GetCallerIdentity` URL inside a token.
///
/// The host is always the regional STS endpoint of the partition, never an endpoint override
/// (`AWS_ENDPOINT_URL`): the URL is for the authenticator, which replays it only to the hosts
/// it knows.
///
/// # Errors
/// [`Error::Sign`] when SigV4 refuses the input.
pub fn presigned_url(
    cluster: &str,
    region: &str,
    credentials: &Credentials,
    now: SystemTime,
) -> Result<String, Error> {
    let sign_error = |detail: String| Error::Sign {
        cluster: cluster.to_string(),
        detail,
    };
    let url = format!(
        "https://sts.{region}.{}/?Action=GetCallerIdentity&Version=2011-06-15",
        dns_suffix(region)
    );
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(URL_EXPIRES);
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(now)
        .settings(settings)
        .build()
        .map_err(|e| sign_error(e.to_string()))?
        .into();
    let request = SignableRequest::new(
        "GET",
        &url,
        std::iter::once((CLUSTER_ID_HEADER, cluster)),
        SignableBody::Bytes(&[]),
    )
    .map_err(|e| sign_error(e.to_string()))?;
    let (instructions, _signature) = sign(request, &params)
        .map_err(|e| sign_error(e.to_string()))?
        .into_parts();
    let mut signed = http::Request::builder()
        .uri(&url)
        .body(())
        .map_err(|e| sign_error(e.to_string()))?;
    instructions.apply_to_request_http1x(&mut signed);
    Ok(signed.uri().to_string())
}

/// Tokens for one cluster, signed with credentials from a provider (the standard chain), each
/// reused until [`REFRESH_BEFORE`] its expiry and then replaced: a run that outlives a token
/// (long retries) sends each request with one that is still good.
pub struct TokenSource {
    cluster: String,
    region: String,
    credentials: SharedCredentialsProvider,
    current: tokio::sync::Mutex<Option<Token>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("cluster", &self.cluster)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// Tokens for `cluster`, presigned for STS in `region`, with credentials from `credentials`.
    pub fn new(
        cluster: impl Into<String>,
        region: impl Into<String>,
        credentials: SharedCredentialsProvider,
    ) -> Arc<TokenSource> {
        Arc::new(TokenSource {
            cluster: cluster.into(),
            region: region.into(),
            credentials,
            current: tokio::sync::Mutex::new(None),
        })
    }

    /// The cluster the tokens are for.
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// A token good for a request sent now.
    ///
    /// # Errors
    /// [`Error::Credentials`] when the chain has none, [`Error::Sign`] as [`Token::sign`].
    pub async fn token(&self) -> Result<Token, Error> {
        self.token_at(SystemTime::now()).await
    }

    /// A token good for a request sent at `now`: the cached one while it is fresh then, else a
    /// new one signed at `now` (with credentials the provider refreshes as they expire).
    ///
    /// # Errors
    /// As [`TokenSource::token`].
    pub async fn token_at(&self, now: SystemTime) -> Result<Token, Error> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref().filter(|t| t.is_fresh_at(now)) {
            return Ok(token.clone());
        }
        let credentials = credentials(&self.credentials).await?;
        let token = Token::sign(&self.cluster, &self.region, &credentials, now)?;
        *current = Some(token.clone());
        Ok(token)
    }
}

/// Credentials from `provider`, its failure as one line.
pub(crate) async fn credentials(
    provider: &SharedCredentialsProvider,
) -> Result<Credentials, Error> {
    provider
        .provide_credentials()
        .await
        .map_err(|e| Error::Credentials {
            // The chain says "the credential provider was not enabled" for itself and for each
            // provider it tried: said six times on one line it is noise, so it is shortened.
            detail: crate::one_line(&e)
                .replace("the credential provider was not enabled: ", "")
                .replace("the credential provider was not enabled", "not configured"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(expiry: Option<SystemTime>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            expiry,
            "test",
        )
    }

    fn url_of(token: &Token) -> String {
        let encoded = token.value.strip_prefix(TOKEN_PREFIX).unwrap();
        String::from_utf8(URL_SAFE_NO_PAD.decode(encoded).unwrap()).unwrap()
    }

    #[test]
    fn the_token_is_a_presigned_sts_url_with_the_cluster_header_signed() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000);
        let token = Token::sign("prod", "eu-west-1", &creds(None), now).unwrap();
        assert!(!token.value.contains('='), "unpadded");
        let url = url_of(&token);
        assert!(
            url.starts_with(
                "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
            ),
            "{url}"
        );
        for part in [
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "X-Amz-Credential=AKIDEXAMPLE%2F20260528%2Feu-west-1%2Fsts%2Faws4_request",
            "X-Amz-Date=20260528T202640Z",
            "X-Amz-Expires=60",
            "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id",
            "X-Amz-Signature=",
        ] {
            assert!(url.contains(part), "{part} missing in {url}");
        }
        assert_eq!(token.expires_at, now + TOKEN_LIFETIME);
        // Another cluster: another signature.
        let other = Token::sign("staging", "eu-west-1", &creds(None), now).unwrap();
        assert_ne!(url_of(&other), url);
    }

    #[test]
    fn partitions_have_their_own_sts_hosts() {
        let now = SystemTime::now();
        let cn = Token::sign("c", "cn-north-1", &creds(None), now).unwrap();
        assert!(url_of(&cn).starts_with("https://sts.cn-north-1.amazonaws.com.cn/"));
    }

    #[test]
    fn credentials_that_expire_first_cut_the_token_short() {
        let now = SystemTime::now();
        let soon = now + Duration::from_secs(300);
        let token = Token::sign("c", "us-east-1", &creds(Some(soon)), now).unwrap();
        assert_eq!(token.expires_at, soon);
    }

    #[test]
    fn the_exec_credential_names_the_token_and_its_expiry() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000);
        let token = Token::sign("prod", "us-east-1", &creds(None), now).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&token.exec_credential()).unwrap();
        assert_eq!(doc["kind"], "ExecCredential");
        assert_eq!(doc["apiVersion"], "client.authentication.k8s.io/v1beta1");
        assert_eq!(doc["status"]["token"], token.value.as_str());
        assert_eq!(doc["status"]["expirationTimestamp"], "2026-05-28T20:40:40Z");
        assert!(
            !format!("{token:?}").contains(TOKEN_PREFIX),
            "Debug hides it"
        );
    }

    #[tokio::test]
    async fn a_source_reuses_a_fresh_token_and_signs_a_new_one_before_expiry() {
        let source = TokenSource::new(
            "prod",
            "us-east-1",
            SharedCredentialsProvider::new(creds(None)),
        );
        let t0 = SystemTime::now();
        let first = source.token_at(t0).await.unwrap();
        let later = source
            .token_at(t0 + Duration::from_secs(600))
            .await
            .unwrap();
        assert_eq!(later.value, first.value, "reused while fresh");
        // 13 minutes on, less than REFRESH_BEFORE is left: a new token, signed then.
        let at = t0 + TOKEN_LIFETIME - REFRESH_BEFORE;
        let renewed = source.token_at(at).await.unwrap();
        assert_ne!(renewed.value, first.value);
        assert_eq!(renewed.signed_at, at);
        // Hours later (a long retry): still a good token.
        let at = t0 + Duration::from_secs(3 * 3600);
        let again = source.token_at(at).await.unwrap();
        assert!(again.is_fresh_at(at));
    }
}
