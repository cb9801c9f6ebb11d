//! Live mode: kubeconfig → `kube::Client` → [`aws_auth_kube::AwsAuthClient`].

use std::time::Duration;

use anyhow::{Result, anyhow};
use aws_auth_core::{ApplyOptions, AwsAuth, Desired, Edit, Options};
use aws_auth_kube::{AwsAuthClient, Limit, RetryEvent, RetryPolicy};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::config::{EksCluster, LiveTarget, WriteOutput};
use crate::outcome::Edited;
use crate::render;

/// How long connecting (TCP and TLS handshake) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a response may take once the request is sent.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// The context name messages use: `eks:<cluster>` with `--eks-cluster`, else `--context`, else
/// the kubeconfig's current context, else `in-cluster`.
pub fn context_name(t: &LiveTarget) -> String {
    if let Some(eks) = &t.eks {
        return format!("eks:{}", eks.name);
    }
    if let Some(c) = &t.context {
        return c.clone();
    }
    let kubeconfig = match &t.kubeconfig {
        Some(p) => Kubeconfig::read_from(p).ok(),
        None => Kubeconfig::read().ok(),
    };
    kubeconfig
        .and_then(|k| k.current_context)
        .unwrap_or_else(|| "in-cluster".to_string())
}

/// `context/namespace/name`.
pub fn label(t: &LiveTarget) -> String {
    format!("{}/{}/{}", context_name(t), t.namespace, t.name)
}

/// Who is calling: the program name for the `User-Agent`, and what to do with each wait before
/// a retry. The waits are shown as they happen, not in the outcome: they tell someone watching
/// why nothing seems to happen.
#[derive(Clone, Copy)]
pub struct Caller {
    pub program: &'static str,
    pub on_retry: fn(&RetryEvent),
}

/// A client for the ConfigMap `t` names; with `--retry` it passes each wait to the caller.
async fn client(t: &LiveTarget, caller: Caller) -> Result<AwsAuthClient> {
    let label = label(t);
    let opts = KubeConfigOptions {
        context: t.context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut eks_tokens = None;
    let config = match &t.kubeconfig {
        _ if t.eks.is_some() => {
            let (config, tokens) = eks_config(t).await?;
            eks_tokens = Some(tokens);
            config
        }
        Some(path) => {
            let kc = Kubeconfig::read_from(path)
                .map_err(|e| anyhow!("kubeconfig {}: {}", path.display(), kubeconfig_error(&e)))?;
            Config::from_custom_kubeconfig(kc, &opts)
                .await
                .map_err(|e| anyhow!("kubeconfig {}: {}", path.display(), kubeconfig_error(&e)))?
        }
        None if t.context.is_some() => Config::from_kubeconfig(&opts)
            .await
            .map_err(|e| anyhow!("kubeconfig: {}", kubeconfig_error(&e)))?,
        None => Config::infer().await.map_err(|e| {
            anyhow!(
                "no cluster configuration (use --kubeconfig or -f): {}",
                first_line(&e.to_string())
            )
        })?,
    };
    let mut config = config;
    // kube's defaults suit watches: a 30 s connect (TCP and TLS) timeout and no response
    // timeout, so a server that accepts and never answers hangs a run for 30 s or forever, and
    // --retry never gets to retry it. client-go gives up on a TLS handshake after 10 s; a GET
    // or PUT of a ConfigMap never takes a minute.
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.read_timeout = Some(READ_TIMEOUT);
    config.reset_reader_on_write = true;
    aws_auth_kube::prepare_config(
        &mut config,
        &format!("{}/{}", caller.program, env!("CARGO_PKG_VERSION")),
    )?;
    if let Some(user) = &t.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !t.as_group.is_empty() {
        config.auth_info.impersonate_groups = Some(t.as_group.clone());
    }
    let client = match eks_tokens {
        Some(tokens) => eks_client(config, tokens)?,
        None => {
            Client::try_from(config).map_err(|e| anyhow!("{label}: cannot build a client: {e}"))?
        }
    };
    let c = AwsAuthClient::new(client)
        .namespace(&t.namespace)
        .name(&t.name)
        .field_manager("aws-auth")
        .label(label);
    // Without --retry only conflicts are re-read, quietly: a write that lands after one is
    // just a write that landed.
    Ok(if t.retry.enabled {
        c.on_retry(caller.on_retry)
    } else {
        c
    })
}

/// The token source of an EKS cluster: `()` when built without EKS support.
#[cfg(feature = "eks")]
type EksTokens = std::sync::Arc<aws_auth_eks::TokenSource>;
#[cfg(not(feature = "eks"))]
type EksTokens = ();

/// The endpoint and CA of `--eks-cluster` (DescribeCluster), and its token source.
#[cfg(feature = "eks")]
async fn eks_config(t: &LiveTarget) -> Result<(Config, EksTokens)> {
    let eks = t.eks.as_ref().ok_or_else(|| anyhow!("no EKS cluster"))?;
    aws_auth_eks::connect(&eks.name, eks.region.as_deref())
        .await
        .map_err(|e| eks_error(e, eks.region.is_none()))
}

/// Names the flag that helps, when one does.
#[cfg(feature = "eks")]
pub(crate) fn eks_error(e: aws_auth_eks::Error, no_region_flag: bool) -> anyhow::Error {
    match e {
        aws_auth_eks::Error::NoRegion if no_region_flag => anyhow!("{e}; pass --region"),
        e => e.into(),
    }
}

#[cfg(feature = "eks")]
fn eks_client(config: Config, tokens: EksTokens) -> Result<Client> {
    Ok(aws_auth_eks::client(config, tokens)?)
}

#[cfg(not(feature = "eks"))]
async fn eks_config(_: &LiveTarget) -> Result<(Config, EksTokens)> {
    Err(anyhow!(NO_EKS))
}

#[cfg(not(feature = "eks"))]
fn eks_client(_: Config, _: EksTokens) -> Result<Client> {
    Err(anyhow!(NO_EKS))
}

/// What a build without the `eks` feature says to `--eks-cluster` and `token`.
#[cfg(not(feature = "eks"))]
pub(crate) const NO_EKS: &str =
    "this aws-auth was built without EKS support (cargo feature \"eks\"): use a kubeconfig";

/// `token`: the ExecCredential of a token for `cluster`, signed now (no AWS call but the
/// credentials chain's own).
///
/// # Errors
/// No region, no credentials, or a build without EKS support.
#[cfg(feature = "eks")]
pub fn exec_credential(cluster: &EksCluster) -> Result<String> {
    runtime()?.block_on(async {
        let error = |e| eks_error(e, cluster.region.is_none());
        let aws = aws_auth_eks::Aws::load(cluster.region.as_deref())
            .await
            .map_err(error)?;
        let tokens = aws_auth_eks::TokenSource::new(&cluster.name, &aws.region, aws.credentials);
        Ok(tokens.token().await.map_err(error)?.exec_credential())
    })
}

/// `token` in a build without EKS support: refused.
///
/// # Errors
/// Always.
#[cfg(not(feature = "eks"))]
pub fn exec_credential(_: &EksCluster) -> Result<String> {
    Err(anyhow!(NO_EKS))
}

/// Reads the ConfigMap (`None`: it does not exist).
///
/// # Errors
/// No cluster configuration, or the API failed (after the retries the policy allows).
pub fn read(t: &LiveTarget, caller: Caller) -> Result<Option<AwsAuth>> {
    runtime()?.block_on(async {
        let c = client(t, caller).await?;
        c.read_with(&t.retry)
            .await
            .map_err(|e| with_hint(e, &t.retry))
    })
}

/// Applies edits to the live ConfigMap (with `--dry-run`, decides them and writes nothing).
///
/// # Errors
/// No cluster configuration, a refused edit, or the API failed.
pub fn write(
    t: &LiveTarget,
    caller: Caller,
    edits: &[Edit],
    options: &Options,
    output: WriteOutput,
) -> Result<Edited> {
    let outcome = runtime()?.block_on(async {
        let c = client(t, caller).await?;
        let r = if output.dry_run {
            c.dry_run(edits, options, &t.retry).await
        } else {
            c.apply(edits, options, &t.retry).await
        };
        r.map_err(|e| with_hint(e, &t.retry))
    })?;
    let managed = outcome
        .before
        .as_ref()
        .map(|b| crate::target::managers_of_edits(b, edits))
        .unwrap_or_default();
    let mut edited = edited(t, outcome, output, managed);
    edited.edits = edits.to_vec();
    edited.force = options.force;
    Ok(edited)
}

/// Makes a manager own exactly `desired` (`Some`) or releases it (`None`), in the live
/// ConfigMap (with `--dry-run`, decides and writes nothing).
///
/// # Errors
/// As [`write`].
pub fn own(
    t: &LiveTarget,
    caller: Caller,
    manager: &str,
    desired: Option<&Desired>,
    options: &ApplyOptions,
    output: WriteOutput,
) -> Result<Edited> {
    let outcome = runtime()?.block_on(async {
        let c = client(t, caller).await?;
        let r = match desired {
            Some(d) => {
                c.apply_as(manager, d, options, &t.retry, output.dry_run)
                    .await
            }
            None => c.release(manager, options, &t.retry, output.dry_run).await,
        };
        r.map_err(|e| with_hint(e, &t.retry))
    })?;
    Ok(edited(t, outcome, output, Vec::new()))
}

/// What a write of the live ConfigMap has to show.
fn edited(
    t: &LiveTarget,
    outcome: aws_auth_kube::Outcome,
    output: WriteOutput,
    managed: Vec<String>,
) -> Edited {
    let diff = output.diff.then(|| {
        let before = outcome
            .before
            .as_ref()
            .map(AwsAuth::data)
            .unwrap_or_default();
        render::diff(&label(t), &before, &outcome.after.data())
    });
    Edited {
        edits: Vec::new(),
        force: false,
        warnings: crate::target::warnings(&outcome.drifted, outcome.repaired, managed),
        changes: outcome.changes,
        dry_run: output.dry_run,
        diff,
        manifest: None,
        failure: None,
    }
}

/// Names the flag that would have helped, when one would: more attempts for a write that gave
/// up on conflicts, `--retry` for a failure that may heal when it was not given.
fn with_hint(e: aws_auth_kube::Error, r: &RetryPolicy) -> anyhow::Error {
    let hint = match &e {
        aws_auth_kube::Error::Conflicts {
            limit: Limit::Attempts,
            ..
        } => format!(
            "allow more attempts with --retry-max-count (now {})",
            r.max_attempts
        ),
        aws_auth_kube::Error::Conflicts {
            limit: Limit::Time, ..
        } => "--retry keeps trying longer, with longer waits".to_string(),
        e if e.is_transient() && !r.enabled => "--retry would retry it".to_string(),
        aws_auth_kube::Error::Edit { error, .. } if !crate::target::flag_hint(error).is_empty() => {
            return anyhow!("{e}{}", crate::target::flag_hint(error));
        }
        _ => return e.into(),
    };
    anyhow!("{e}; {hint}")
}

/// A kubeconfig error on one line, without the path the caller already names. A YAML error's
/// later lines draw the offending text under its first line, which says it already.
fn kubeconfig_error(e: &kube::config::KubeconfigError) -> String {
    match e {
        kube::config::KubeconfigError::ReadConfig(io, _) => {
            let text = io.to_string();
            let text = text.split(" (os error ").next().unwrap_or_default();
            format!("cannot read it: {text}")
        }
        other => first_line(&other.to_string()),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}
