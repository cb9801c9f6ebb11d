//! Live mode: kubeconfig → `kube::Client` → [`aws_auth_kube::AwsAuthClient`].

use std::time::Duration;

use anyhow::{Result, anyhow};
use aws_auth_core::{AwsAuth, Edit, Options};
use aws_auth_kube::{AwsAuthClient, Limit, RetryPolicy};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::cli::{RetryArgs, TargetArgs, WriteArgs};
use crate::{out, program, render, report};

/// How long connecting (TCP and TLS handshake) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a response may take once the request is sent.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// The context name messages use: `--context`, else the kubeconfig's current context, else
/// `in-cluster`.
pub fn context_name(t: &TargetArgs) -> String {
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
pub fn label(t: &TargetArgs) -> Result<String> {
    Ok(format!("{}/{}/{}", context_name(t), t.namespace(), t.name))
}

/// A client for the ConfigMap `t` names; `print_retries` prints each wait (with `--retry`).
async fn client(t: &TargetArgs, print_retries: bool) -> Result<AwsAuthClient> {
    let label = label(t)?;
    let opts = KubeConfigOptions {
        context: t.context.clone(),
        ..KubeConfigOptions::default()
    };
    let config = match &t.kubeconfig {
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
        &format!("{}/{}", program(), env!("CARGO_PKG_VERSION")),
    )?;
    if let Some(user) = &t.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !t.as_group.is_empty() {
        config.auth_info.impersonate_groups = Some(t.as_group.clone());
    }
    let client =
        Client::try_from(config).map_err(|e| anyhow!("{label}: cannot build a client: {e}"))?;
    let c = AwsAuthClient::new(client)
        .namespace(t.namespace())
        .name(&t.name)
        .field_manager("aws-auth")
        .label(label);
    // Without --retry only conflicts are re-read, quietly: a write that lands after one is
    // just a write that landed.
    Ok(if print_retries {
        c.on_retry(|e| eprintln!("{e}"))
    } else {
        c
    })
}

/// Reads the ConfigMap (`None`: it does not exist).
pub fn read(t: &TargetArgs, retry: &RetryArgs) -> Result<Option<AwsAuth>> {
    runtime()?.block_on(async {
        let c = client(t, retry.retry).await?;
        c.read_with(&policy(retry))
            .await
            .map_err(|e| with_hint(e, retry))
    })
}

fn policy(r: &RetryArgs) -> RetryPolicy {
    RetryPolicy {
        enabled: r.retry,
        max_attempts: r.retry_max_count,
        min: r.retry_min_time,
        max: r.retry_max_time,
    }
}

/// Applies edits to the live ConfigMap and reports.
pub fn write(edits: &[Edit], options: &Options, w: &WriteArgs, t: &TargetArgs) -> Result<()> {
    let policy = policy(&w.retry);
    let outcome = runtime()?.block_on(async {
        let c = client(t, w.retry.retry).await?;
        let r = if w.dry_run {
            c.dry_run(edits, options, &policy).await
        } else {
            c.apply(edits, options, &policy).await
        };
        r.map_err(|e| with_hint(e, &w.retry))
    })?;
    report(edits, &outcome.changes, options, w.dry_run);
    if w.diff {
        let before = outcome
            .before
            .as_ref()
            .map(AwsAuth::data)
            .unwrap_or_default();
        out(&render::diff(&label(t)?, &before, &outcome.after.data()))?;
    }
    Ok(())
}

/// Names the flag that would have helped, when one would: more attempts for a write that gave
/// up on conflicts, `--retry` for a failure that may heal when it was not given.
fn with_hint(e: aws_auth_kube::Error, r: &RetryArgs) -> anyhow::Error {
    let hint = match &e {
        aws_auth_kube::Error::Conflicts {
            limit: Limit::Attempts,
            ..
        } => format!(
            "allow more attempts with --retry-max-count (now {})",
            r.retry_max_count
        ),
        aws_auth_kube::Error::Conflicts {
            limit: Limit::Time, ..
        } => "--retry keeps trying longer, with longer waits".to_string(),
        e if e.is_transient() && !r.retry => "--retry would retry it".to_string(),
        aws_auth_kube::Error::Edit { error, .. } if !crate::override_hint(error).is_empty() => {
            return anyhow!("{e}{}", crate::override_hint(error));
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
