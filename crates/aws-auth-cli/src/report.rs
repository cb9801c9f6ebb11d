//! The one place that prints and decides the exit status: an [`Outcome`] (messages on stderr, one
//! line each, then data on stdout), an error as one `error: ` line, and the waits of a retrying
//! request as they happen.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use aws_auth_kube::RetryEvent;

use crate::cli::{PlanFormat, ReportFormat, ValidateFormat};
use crate::config::UsageError;
use crate::outcome::{Diffed, Edited, Explained, Listing, Outcome, Planned, Pruned, Validation};
use crate::render;

/// The exit status of a run, after printing its error as one `error: ` line: `failure` then
/// (1, or 2 for `diff`, whose 1 means "access changed").
pub fn exit(result: Result<ExitCode>, failure: u8) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("error: {}", error_line(&e));
        ExitCode::from(failure)
    })
}

/// Exit status 2, after printing the usage error as one `error: ` line.
pub fn usage_error(e: &UsageError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

/// An error and its causes on one line, each said once: a cause whose text the line already
/// holds (an error that quotes its source) is not repeated.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

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
        Outcome::Explained(e) => return explained(&e),
        Outcome::Diffed(d) => return diffed(&d),
        Outcome::Planned(p) => planned(&p)?,
        Outcome::Pruned(p) => pruned(p)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn listing(l: &Listing) -> Result<()> {
    for m in &l.messages {
        eprintln!("{m}");
    }
    out(&render::mappings(&l.mappings, &l.ownership, l.format)?)
}

fn validation(v: &Validation) -> Result<ExitCode> {
    let Some(diags) = &v.diagnostics else {
        eprintln!("note: {} does not exist", v.label);
        return Ok(ExitCode::SUCCESS);
    };
    let text = match v.format {
        ValidateFormat::Text => diags.iter().map(|d| format!("{d}\n")).collect(),
        ValidateFormat::Json => render::diagnostics_json(diags, v.file.as_ref().map(|f| &f.1))?,
        ValidateFormat::Github => render::github(diags, v.file.as_ref()),
    };
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

fn explained(e: &Explained) -> Result<ExitCode> {
    for m in &e.messages {
        eprintln!("{m}");
    }
    out(&match e.format {
        ReportFormat::Text => render::explanations(&e.explanations, &e.file_lines),
        ReportFormat::Json => render::explanations_json(&e.explanations, &e.file_lines)?,
    })?;
    Ok(if e.all_granted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn diffed(d: &Diffed) -> Result<ExitCode> {
    let changed = d.diff.access_changed();
    match d.format {
        ReportFormat::Text => {
            out(&render::semantic_diff(&d.diff, &d.labels))?;
            if !changed {
                eprintln!(
                    "no change in access between {} and {}",
                    d.labels.0, d.labels.1
                );
            }
        }
        ReportFormat::Json => out(&render::semantic_diff_json(&d.diff)?)?,
    }
    Ok(if changed {
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

fn planned(p: &Planned) -> Result<()> {
    for m in &p.messages {
        eprintln!("{m}");
    }
    out(&render::plan(&p.plan, p.format, p.cluster_name.as_deref()))?;
    // The table ends with the verdict; the other formats are for machines, so the person
    // running the command hears it on stderr.
    if p.format != PlanFormat::Table {
        let v = &p.plan.verdict;
        if v.can_switch_to_api {
            eprintln!(
                "verdict: once these entries exist, the cluster can switch to API mode without anyone losing access"
            );
        } else {
            eprintln!(
                "verdict: switching to API mode now would cut off {} mapping(s) (see -o table)",
                v.losses.len()
            );
        }
    }
    Ok(())
}

fn pruned(p: Pruned) -> Result<()> {
    for n in &p.notes {
        eprintln!("{n}");
    }
    match p.edited {
        Some(e) => edited(e),
        None => Ok(()),
    }
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

#[cfg(test)]
mod tests {
    use super::error_line;

    #[test]
    fn error_line_says_each_cause_once_on_one_line() {
        let io = std::io::Error::other("disk\n  full");
        // A context that quotes its source: the source is not repeated.
        let quoting = anyhow::Error::new(io).context("writing x: disk full");
        assert_eq!(error_line(&quoting), "writing x: disk full");
        // Distinct causes are joined, each on the one line.
        let chained = anyhow::anyhow!("connection reset").context("reading\tkube-system/aws-auth");
        assert_eq!(
            error_line(&chained),
            "reading kube-system/aws-auth: connection reset"
        );
    }
}
