//! Edit the live `kube-system/aws-auth` ConfigMap with the semantics of [`aws_auth_core`].
//!
//! [`AwsAuthClient`] wraps a [`kube::Client`]. A write ([`AwsAuthClient::apply`]) is one GET and
//! one PUT carrying the `resourceVersion` that was read: only `data` changes, every other part
//! of the object is sent back as it was read. A conflict (409) re-reads and re-applies the same
//! edits after a short jittered backoff, with or without a [`RetryPolicy`] (so that concurrent
//! writers all land); the policy adds exponential backoff with jitter on the other transient
//! failures (429, 5xx, connection errors, timeouts) and never retries a failure that cannot
//! heal (403, 404, invalid input). Its `max_attempts` bounds every attempt, conflicts included.
//!
//! Errors are one line each: their message says everything (no secrets), and they carry no
//! [`std::error::Error::source`], so that printing an error and its chain says it once. The
//! client error behind an API failure is still there: [`Error::kube`].
//!
//! A missing ConfigMap is created by an edit that adds something; [`AwsAuthClient::read`]
//! never creates it.
//!
//! # Example
//! ```no_run
//! use aws_auth_core::{Edit, Options, Upsert};
//! use aws_auth_kube::{AwsAuthClient, RetryPolicy};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = kube::Client::try_default().await?;
//! let aws_auth = AwsAuthClient::new(client);
//! let node_role = Upsert::new(
//!     "arn:aws:iam::555555555555:role/my-new-node-group-NodeInstanceRole-74RF4UBDUKL6",
//!     "system:node:{{EC2PrivateDNSName}}",
//!     ["system:bootstrappers", "system:nodes"],
//! );
//! let outcome = aws_auth
//!     .apply(&[Edit::UpsertRole(node_role)], &Options::default(), &RetryPolicy::enabled())
//!     .await?;
//! for change in &outcome.changes {
//!     println!("{change}");
//! }
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod error;
mod retry;

pub use error::{Error, Limit};
pub use retry::{RetryEvent, RetryPolicy};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_auth_core::{
    Applied, ApplyOptions, AwsAuth, Change, Desired, Edit, OWNERSHIP_ANNOTATION, Options,
};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{ObjectMeta, PostParams};
use kube::{Api, Client};

/// The backoff between conflict re-reads when no [`RetryPolicy`] is enabled: short, so that a
/// lone conflict costs little, and jittered, so that writers that collided spread out instead
/// of colliding again in lockstep (the attempts are still bounded by `max_attempts`).
pub const CONFLICT_BACKOFF: RetryPolicy = RetryPolicy {
    enabled: true,
    max_attempts: 12,
    min: Duration::from_millis(50),
    max: Duration::from_secs(2),
};

/// How long a write keeps re-reading after conflicts when no [`RetryPolicy`] is enabled.
pub const CONFLICT_TIME_LIMIT: Duration = Duration::from_secs(30);

/// The `User-Agent` the `aws-auth` CLI sends: `aws-auth/<version>`.
pub const USER_AGENT: &str = concat!("aws-auth/", env!("CARGO_PKG_VERSION"));

/// Prepares a client configuration for [`AwsAuthClient`]: sends `user_agent` (such as
/// [`USER_AGENT`]) on every request, so that the API server's audit log names the writer, and
/// turns off kube's own retry layer, so that only the [`RetryPolicy`] decides what is retried
/// (kube would otherwise retry 429, 503 and 504 even without `--retry`).
///
/// # Errors
/// `user_agent` is not a valid header value (a control character).
pub fn prepare_config(config: &mut kube::Config, user_agent: &str) -> Result<(), Error> {
    let value = http::HeaderValue::from_str(user_agent).map_err(|_| Error::Config {
        detail: format!("user agent {user_agent:?} is not a valid header value"),
    })?;
    config
        .headers
        .retain(|(name, _)| *name != http::header::USER_AGENT);
    config.headers.push((http::header::USER_AGENT, value));
    config.default_retry = false;
    Ok(())
}

/// What a write did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One line per edit (or per removed entry), as the core reports them.
    pub changes: Vec<Change>,
    /// The ConfigMap as read by the last attempt (`None`: it did not exist).
    pub before: Option<AwsAuth>,
    /// The ConfigMap as written (or as it would be written, for a dry run).
    pub after: AwsAuth,
    /// Whether the data changed (false: a no-op, nothing sent).
    pub changed: bool,
    /// Whether a PUT or POST was sent (false for no-ops and dry runs).
    pub written: bool,
    /// Whether the ConfigMap was created.
    pub created: bool,
    /// Attempts made (1 when the first GET and PUT went through).
    pub attempts: u32,
    /// For [`AwsAuthClient::apply_as`] and [`AwsAuthClient::release`]: entries someone else
    /// changed since their manager wrote them.
    pub drifted: Vec<String>,
    /// For [`AwsAuthClient::apply_as`] and [`AwsAuthClient::release`]: what was wrong with the
    /// ownership record and is repaired by this write.
    pub repaired: Option<String>,
}

/// The callback told about each retry.
type RetryCallback = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// The aws-auth ConfigMap of one cluster.
#[derive(Clone)]
pub struct AwsAuthClient {
    client: Client,
    namespace: String,
    name: String,
    field_manager: String,
    label: Option<String>,
    on_retry: Option<RetryCallback>,
}

impl fmt::Debug for AwsAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsAuthClient")
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .field("field_manager", &self.field_manager)
            .finish_non_exhaustive()
    }
}

enum Failure {
    Conflict(String),
    Transient(String, Error),
    Fatal(Error),
}

impl AwsAuthClient {
    /// `kube-system/aws-auth`, field manager `aws-auth`.
    pub fn new(client: Client) -> Self {
        AwsAuthClient {
            client,
            namespace: "kube-system".into(),
            name: "aws-auth".into(),
            field_manager: "aws-auth".into(),
            label: None,
            on_retry: None,
        }
    }

    /// Another namespace.
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// Another ConfigMap name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The field manager recorded with each write.
    #[must_use]
    pub fn field_manager(mut self, manager: impl Into<String>) -> Self {
        self.field_manager = manager.into();
        self
    }

    /// How errors name the object (default `namespace/name`; the CLI adds the context).
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Called before each wait: every retry of the policy, and every conflict re-read (the CLI
    /// prints them when `--retry` is given).
    #[must_use]
    pub fn on_retry(mut self, f: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(Arc::new(f));
        self
    }

    fn object(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| format!("{}/{}", self.namespace, self.name))
    }

    fn api(&self) -> Api<ConfigMap> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// Reads the ConfigMap; `None` when it does not exist. Never creates it.
    ///
    /// # Errors
    /// The GET fails (forbidden, connection...).
    pub async fn read(&self) -> Result<Option<AwsAuth>, Error> {
        self.read_with(&RetryPolicy::default()).await
    }

    /// [`AwsAuthClient::read`] with retries on transient failures.
    ///
    /// # Errors
    /// As [`AwsAuthClient::read`], after the retries.
    pub async fn read_with(&self, retry: &RetryPolicy) -> Result<Option<AwsAuth>, Error> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.api().get_opt(&self.name).await {
                Ok(cm) => return Ok(cm.as_ref().map(document_of)),
                Err(e) => {
                    let (transient, detail) = classify(&e);
                    if !transient || !retry.enabled || attempts >= retry.max_attempts {
                        return Err(Error::Read {
                            object: self.object(),
                            detail,
                            error: e,
                        });
                    }
                    self.wait(retry, attempts, retry.delay(attempts), detail)
                        .await;
                }
            }
        }
    }

    /// Applies the edits to the live ConfigMap, all or nothing: one GET and one PUT per
    /// attempt, the PUT carrying the `resourceVersion` read. A missing ConfigMap is created when
    /// the edits add something. Nothing is sent when nothing changes.
    ///
    /// # Errors
    /// The edits fail ([`Error::Edit`]: nothing matched without `force`, lockout, invalid
    /// input), the API refuses (forbidden...), conflicts outlast the policy's `max_attempts`
    /// (or [`CONFLICT_TIME_LIMIT`] without a policy), or a transient failure outlasts the
    /// policy (without one, it is not retried).
    pub async fn apply(
        &self,
        edits: &[Edit],
        options: &Options,
        retry: &RetryPolicy,
    ) -> Result<Outcome, Error> {
        self.run(&edit_with(edits, options), retry, false).await
    }

    /// Makes `manager` own exactly the `desired` entries ([`AwsAuth::apply_as`]) in the live
    /// ConfigMap: the data and the ownership record (the annotation
    /// [`OWNERSHIP_ANNOTATION`]) change in one PUT carrying the `resourceVersion` read; a
    /// conflict re-reads and plans again against what the other writer wrote. With `dry_run`,
    /// one GET and no write.
    ///
    /// # Errors
    /// As [`AwsAuthClient::apply`]; the core's refusals ([`aws_auth_core::Error::Owned`],
    /// lockout) come as [`Error::Edit`].
    pub async fn apply_as(
        &self,
        manager: &str,
        desired: &Desired,
        options: &ApplyOptions,
        retry: &RetryPolicy,
        dry_run: bool,
    ) -> Result<Outcome, Error> {
        let op = |auth: &mut AwsAuth| auth.apply_as(manager, desired, options);
        self.run(&op, retry, dry_run).await
    }

    /// Releases `manager` ([`AwsAuth::release`]) in the live ConfigMap, in one PUT.
    ///
    /// # Errors
    /// As [`AwsAuthClient::apply_as`].
    pub async fn release(
        &self,
        manager: &str,
        options: &ApplyOptions,
        retry: &RetryPolicy,
        dry_run: bool,
    ) -> Result<Outcome, Error> {
        let op = |auth: &mut AwsAuth| auth.release(manager, options);
        self.run(&op, retry, dry_run).await
    }

    /// Computes what [`AwsAuthClient::apply`] would do (one GET), and writes nothing.
    ///
    /// # Errors
    /// As [`AwsAuthClient::apply`], without the write errors.
    pub async fn dry_run(
        &self,
        edits: &[Edit],
        options: &Options,
        retry: &RetryPolicy,
    ) -> Result<Outcome, Error> {
        self.run(&edit_with(edits, options), retry, true).await
    }

    async fn run(
        &self,
        op: &(dyn Fn(&mut AwsAuth) -> Result<Applied, aws_auth_core::Error> + Sync),
        retry: &RetryPolicy,
        dry_run: bool,
    ) -> Result<Outcome, Error> {
        let start = Instant::now();
        let mut conflicts = 0;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let failure = match self.attempt(op, dry_run).await {
                Ok(mut outcome) => {
                    outcome.attempts = attempts;
                    return Ok(outcome);
                }
                Err(f) => f,
            };
            match failure {
                Failure::Fatal(e) => return Err(e),
                Failure::Conflict(reason) => {
                    conflicts += 1;
                    let gave_up = |limit| Error::Conflicts {
                        object: self.object(),
                        conflicts,
                        attempts,
                        limit,
                    };
                    if attempts >= retry.max_attempts {
                        return Err(gave_up(Limit::Attempts));
                    }
                    // A conflict heals by itself: another writer got in between. Re-reading
                    // at once would collide again with the writers that collided with us.
                    let delay = if retry.enabled {
                        retry.delay(attempts)
                    } else {
                        let delay = CONFLICT_BACKOFF.delay(attempts);
                        if start.elapsed() + delay > CONFLICT_TIME_LIMIT {
                            return Err(gave_up(Limit::Time));
                        }
                        delay
                    };
                    self.wait(retry, attempts, delay, reason).await;
                }
                Failure::Transient(reason, err) => {
                    conflicts = 0;
                    if !retry.enabled || attempts >= retry.max_attempts {
                        return Err(err);
                    }
                    self.wait(retry, attempts, retry.delay(attempts), reason)
                        .await;
                }
            }
        }
    }

    /// Waits `delay` after attempt number `attempt` failed, telling the callback first.
    async fn wait(&self, retry: &RetryPolicy, attempt: u32, delay: Duration, reason: String) {
        if let Some(f) = &self.on_retry {
            f(&RetryEvent {
                attempt: attempt + 1,
                max: retry.max_attempts,
                delay,
                reason,
            });
        }
        tokio::time::sleep(delay).await;
    }

    async fn attempt(
        &self,
        op: &(dyn Fn(&mut AwsAuth) -> Result<Applied, aws_auth_core::Error> + Sync),
        dry_run: bool,
    ) -> Result<Outcome, Failure> {
        let api = self.api();
        let current = match api.get_opt(&self.name).await {
            Ok(cm) => cm,
            Err(e) => {
                let (transient, detail) = classify(&e);
                let err = Error::Read {
                    object: self.object(),
                    detail: detail.clone(),
                    error: e,
                };
                return Err(if transient {
                    Failure::Transient(detail, err)
                } else {
                    Failure::Fatal(err)
                });
            }
        };
        let before = current.as_ref().map(document_of);
        let mut after = before
            .clone()
            .unwrap_or_else(|| AwsAuth::from_data(Vec::<(String, String)>::new()));
        let applied = op(&mut after).map_err(|error| {
            Failure::Fatal(Error::Edit {
                object: self.object(),
                error,
            })
        })?;
        let changed = match &before {
            Some(b) => b.data() != after.data() || b.ownership_record() != after.ownership_record(),
            None => !after.data().is_empty() || after.ownership_record().is_some(),
        };
        let mut outcome = Outcome {
            changes: applied.changes,
            before,
            after,
            changed,
            written: false,
            created: false,
            attempts: 0,
            drifted: applied.drifted,
            repaired: applied.repaired,
        };
        if !changed || dry_run {
            return Ok(outcome);
        }
        let data: BTreeMap<String, String> = outcome.after.data().into_iter().collect();
        let pp = PostParams {
            dry_run: false,
            field_manager: Some(self.field_manager.clone()),
        };
        let record = outcome.after.ownership_record().map(str::to_string);
        let result = match current {
            Some(mut cm) => {
                cm.data = Some(data);
                set_record(&mut cm.metadata, record);
                api.replace(&self.name, &pp, &cm).await
            }
            None => {
                outcome.created = true;
                let mut cm = ConfigMap {
                    metadata: ObjectMeta {
                        name: Some(self.name.clone()),
                        namespace: Some(self.namespace.clone()),
                        ..ObjectMeta::default()
                    },
                    data: Some(data),
                    ..ConfigMap::default()
                };
                set_record(&mut cm.metadata, record);
                api.create(&pp, &cm).await
            }
        };
        match result {
            Ok(_) => {
                outcome.written = true;
                Ok(outcome)
            }
            Err(e) => {
                let (transient, detail) = classify(&e);
                if is_conflict(&e) {
                    Err(Failure::Conflict(detail))
                } else {
                    let err = Error::Write {
                        object: self.object(),
                        detail: detail.clone(),
                        error: e,
                    };
                    Err(if transient {
                        Failure::Transient(detail, err)
                    } else {
                        Failure::Fatal(err)
                    })
                }
            }
        }
    }
}

/// Plain edits as an operation of [`AwsAuthClient::run`].
fn edit_with<'a>(
    edits: &'a [Edit],
    options: &'a Options,
) -> impl Fn(&mut AwsAuth) -> Result<Applied, aws_auth_core::Error> + Sync + 'a {
    move |auth: &mut AwsAuth| {
        Ok(Applied {
            changes: auth.apply(edits, options)?,
            ..Applied::default()
        })
    }
}

/// The document of a ConfigMap read from the API server: its data, and the ownership record
/// from its annotations.
fn document_of(cm: &ConfigMap) -> AwsAuth {
    let record = cm
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(OWNERSHIP_ANNOTATION))
        .cloned();
    AwsAuth::from_data(cm.data.clone().unwrap_or_default()).with_ownership_record(record)
}

/// Sets (or removes) the ownership record annotation; the other annotations stay.
fn set_record(metadata: &mut ObjectMeta, record: Option<String>) {
    match record {
        Some(r) => {
            metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(OWNERSHIP_ANNOTATION.to_string(), r);
        }
        None => {
            if let Some(a) = metadata.annotations.as_mut() {
                a.remove(OWNERSHIP_ANNOTATION);
            }
        }
    }
}

fn is_conflict(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 409)
}

/// Whether a failure may heal by itself, and a one-line description without secrets.
fn classify(e: &kube::Error) -> (bool, String) {
    match e {
        kube::Error::Api(s) => {
            let transient = s.code == 409 || s.code == 429 || (500..=599).contains(&s.code);
            let reason = if s.reason.is_empty() {
                String::new()
            } else {
                format!(" {}", s.reason)
            };
            let message = s.message.replace('\n', " ");
            (transient, format!("{}{reason}: {message}", s.code))
        }
        kube::Error::HyperError(h) => (true, one_line(&format!("connection error: {h}"))),
        kube::Error::Service(s) => {
            let text = chain(s.as_ref());
            if text.contains("certificate") {
                // A server certificate that does not verify stays so: retrying cannot heal it.
                return (false, one_line(&format!("TLS error: {text}")));
            }
            let text = if text.contains("deadline has elapsed") {
                "timed out waiting for the server".to_string()
            } else {
                text
            };
            (true, one_line(&format!("connection error: {text}")))
        }
        kube::Error::Auth(a) => (
            false,
            one_line(&format!("authentication failed: {}", chain(a))),
        ),
        other => (false, one_line(&chain(other))),
    }
}

fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = s.source();
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_and_is_capped() {
        let p = RetryPolicy {
            enabled: true,
            max_attempts: 12,
            min: Duration::from_millis(200),
            max: Duration::from_secs(1),
        };
        for _ in 0..50 {
            let d1 = p.delay(1);
            assert!(
                d1 >= Duration::from_millis(100) && d1 <= Duration::from_millis(200),
                "{d1:?}"
            );
            let d3 = p.delay(3);
            assert!(
                d3 >= Duration::from_millis(400) && d3 <= Duration::from_millis(800),
                "{d3:?}"
            );
            let d30 = p.delay(30);
            assert!(
                d30 >= Duration::from_millis(500) && d30 <= Duration::from_secs(1),
                "{d30:?}"
            );
        }
    }

    #[test]
    fn api_errors_are_classified() {
        let status = |code: u16| {
            kube::Error::Api(Box::new(
                kube::core::Status::failure("boom", "Reason").with_code(code),
            ))
        };
        assert!(classify(&status(409)).0);
        assert!(classify(&status(429)).0);
        assert!(classify(&status(503)).0);
        assert!(!classify(&status(403)).0);
        assert!(!classify(&status(404)).0);
        assert!(!classify(&status(422)).0);
        assert_eq!(classify(&status(403)).1, "403 Reason: boom");
    }

    #[test]
    fn errors_say_it_once_on_one_line() {
        let forbidden = kube::Error::Api(Box::new(
            kube::core::Status::failure("user \"reader\" cannot update", "Forbidden")
                .with_code(403),
        ));
        let detail = classify(&forbidden).1;
        let e = Error::Write {
            object: "admin/kube-system/aws-auth".into(),
            detail,
            error: forbidden,
        };
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(
            e.to_string(),
            "writing admin/kube-system/aws-auth: 403 Forbidden: user \"reader\" cannot update"
        );
        assert!(matches!(e.kube(), Some(kube::Error::Api(s)) if s.code == 403));
        let e = Error::Conflicts {
            object: "x".into(),
            conflicts: 3,
            attempts: 3,
            limit: Limit::Attempts,
        };
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(
            e.to_string(),
            "writing x: it changed concurrently (3 times in a row, conflict 409); giving up after 3 attempts"
        );
    }

    #[test]
    fn prepare_config_sets_one_user_agent_and_no_kube_retries() {
        let mut config = kube::Config::new("https://127.0.0.1:1".parse().unwrap());
        config.headers.push((
            http::header::USER_AGENT,
            http::HeaderValue::from_static("other"),
        ));
        prepare_config(&mut config, USER_AGENT).unwrap();
        let agents: Vec<_> = config
            .headers
            .iter()
            .filter(|(n, _)| *n == http::header::USER_AGENT)
            .map(|(_, v)| v.to_str().unwrap())
            .collect();
        assert_eq!(agents, [USER_AGENT]);
        assert!(USER_AGENT.starts_with("aws-auth/"));
        assert!(!config.default_retry);
        assert!(prepare_config(&mut config, "bad\nagent").is_err());
    }
}
