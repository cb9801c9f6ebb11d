//! The one place that prints: an [`Outcome`] (messages on stderr, one line each, then data on
//! stdout) and its exit status, and the waits of a retrying request as they happen.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use aws_auth_kube::RetryEvent;

use crate::outcome::{Edited, Listing, Outcome, Validation};
use crate::render;

/// Prints `outcome`.
///
/// # Errors
/// Writing to stdout failed, or the outcome carries a failure to save.
pub fn print(outcome: Outcome) -> Result<ExitCode> {
    match outcome {
        Outcome::Text(text) => out(&text)?,
        Outcome::Listing(l) => listing(&l)?,
        Outcome::Validation(v) => return validation(&v),
        Outcome::Edited(e) => edited(e)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn listing(l: &Listing) -> Result<()> {
    for m in &l.messages {
        eprintln!("{m}");
    }
    out(&render::mappings(&l.mappings, l.format)?)
}

fn validation(v: &Validation) -> Result<ExitCode> {
    let Some(diags) = &v.diagnostics else {
        eprintln!("note: {} does not exist", v.label);
        return Ok(ExitCode::SUCCESS);
    };
    let text: String = diags.iter().map(|d| format!("{d}\n")).collect();
    out(&text)?;
    if !diags.is_empty() {
        let (errors, warnings) = v.counts();
        eprintln!("{}: {errors} error(s), {warnings} warning(s)", v.label);
    }
    Ok(if v.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn edited(e: Edited) -> Result<()> {
    for line in e.messages() {
        eprintln!("{line}");
    }
    if let Some(diff) = &e.diff {
        out(diff)?;
    }
    if let Some(failure) = e.failure {
        return Err(failure);
    }
    if let Some(manifest) = &e.manifest {
        out(manifest)?;
    }
    Ok(())
}

/// A wait before a retry (`--retry`), printed while the command runs.
pub fn retry_wait(e: &RetryEvent) {
    eprintln!("{e}");
}

/// Writes data to stdout; a closed pipe (`| head`) is not an error.
fn out(s: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(s.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => bail!("writing to stdout: {e}"),
    }
}
