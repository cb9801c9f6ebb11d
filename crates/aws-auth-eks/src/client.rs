//! The kube side: a [`kube::Config`] for the endpoint and CA `DescribeCluster` gave, and a
//! [`kube::Client`] that sends a token of a [`TokenSource`] with every request.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderValue, Request, header::AUTHORIZATION};
use kube::client::ClientBuilder;
use kube::config::{
    Cluster, Context as KubeContext, KubeConfigOptions, Kubeconfig, NamedAuthInfo, NamedCluster,
    NamedContext,
};
use tower::{BoxError, Layer, Service};

use crate::cluster::ClusterAccess;
use crate::{Error, TokenSource};

/// The client configuration for `access`: what `aws eks update-kubeconfig` would write (server
/// and `certificate-authority-data`), read by kube as it reads a kubeconfig, without a user:
/// the token comes from [`client`], not from the configuration.
///
/// # Errors
/// [`Error::KubeConfig`] when kube refuses the endpoint or the CA.
pub async fn kube_config(access: &ClusterAccess) -> Result<kube::Config, Error> {
    let name = access.name.clone();
    let kubeconfig = Kubeconfig {
        clusters: vec![NamedCluster {
            name: name.clone(),
            cluster: Some(Cluster {
                server: Some(access.endpoint.clone()),
                certificate_authority_data: Some(access.ca_data.clone()),
                ..Cluster::default()
            }),
            ..NamedCluster::default()
        }],
        auth_infos: vec![NamedAuthInfo {
            name: name.clone(),
            auth_info: Some(kube::config::AuthInfo::default()),
            ..NamedAuthInfo::default()
        }],
        contexts: vec![NamedContext {
            name: name.clone(),
            context: Some(KubeContext {
                cluster: name.clone(),
                user: Some(name.clone()),
                ..KubeContext::default()
            }),
            ..NamedContext::default()
        }],
        current_context: Some(name.clone()),
        ..Kubeconfig::default()
    };
    kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .map_err(|e| Error::KubeConfig {
            cluster: name,
            detail: crate::one_line(&e),
        })
}

/// A client for `config` that sets `Authorization: Bearer <token>` on every request, with a
/// token of `tokens` that is good when the request leaves (see [`TokenSource::token`]).
///
/// # Errors
/// [`Error::KubeConfig`] when kube cannot build its HTTP stack from `config`.
pub fn client(config: kube::Config, tokens: Arc<TokenSource>) -> Result<kube::Client, Error> {
    let cluster = tokens.cluster().to_string();
    let builder = ClientBuilder::try_from(config).map_err(|e| Error::KubeConfig {
        cluster,
        detail: crate::one_line(&e),
    })?;
    Ok(builder.with_layer(&BearerLayer { tokens }).build())
}

/// The layer of [`client`]: puts a fresh token on each request.
#[derive(Clone)]
pub struct BearerLayer {
    tokens: Arc<TokenSource>,
}

impl BearerLayer {
    /// Tokens from `tokens`.
    pub fn new(tokens: Arc<TokenSource>) -> Self {
        BearerLayer { tokens }
    }
}

impl<S> Layer<S> for BearerLayer {
    type Service = Bearer<S>;

    fn layer(&self, inner: S) -> Bearer<S> {
        Bearer {
            inner: Arc::new(tokio::sync::Mutex::new(inner)),
            tokens: self.tokens.clone(),
        }
    }
}

/// The service of [`BearerLayer`].
///
/// The token is fetched before the inner service is called, and may take a credentials call
/// (STS, instance metadata): the inner service (kube's stack, which is not `Clone`) is shared
/// behind a lock that is held only while the request is handed over, not while it is in
/// flight.
pub struct Bearer<S> {
    inner: Arc<tokio::sync::Mutex<S>>,
    tokens: Arc<TokenSource>,
}

impl<S, B> Service<Request<B>> for Bearer<S>
where
    S: Service<Request<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // Readiness of the inner service is awaited in `call`, under the lock.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let inner = self.inner.clone();
        let tokens = self.tokens.clone();
        Box::pin(async move {
            let token = tokens.token().await?;
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.value))?;
            value.set_sensitive(true);
            req.headers_mut().insert(AUTHORIZATION, value);
            let response = {
                let mut service = inner.lock().await;
                std::future::poll_fn(|cx| service.poll_ready(cx))
                    .await
                    .map_err(Into::into)?;
                service.call(req)
            };
            response.await.map_err(Into::into)
        })
    }
}
