//! The `aws-auth` command: argv → clap [`cli::Cli`] → core edits or client calls → output.
//!
//! Data (manifests, `get` output, diffs, diagnostics) goes to stdout; messages go to stderr,
//! one line each; errors are one line starting with `error: ` that names the file or the
//! `context/namespace/name` of the ConfigMap. Exit status: 0 done, 1 failed, 2 usage error.

pub mod cli;
pub mod duration;
mod file;
mod live;
pub mod render;

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::OnceLock;

use anyhow::{Result, bail};
use aws_auth_core::{Change, Edit, Mappings, Options, Remove, Severity, Upsert};
use clap::{CommandFactory, Parser};

use cli::{Cli, Command, EntryArgs, Format, TargetArgs, WriteArgs};

/// A usage error found after parsing (exit status 2).
#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(msg.into()))
}

static PROGRAM: OnceLock<&'static str> = OnceLock::new();

/// The name the program runs under (`aws-auth`, or `kubectl-aws_auth` as a kubectl plugin):
/// the product part of the `User-Agent` it sends.
pub fn program() -> &'static str {
    PROGRAM.get().copied().unwrap_or("aws-auth")
}

/// Parses the command line, runs it, and prints any error as one `error: ` line.
pub fn main() -> ExitCode {
    main_as("aws-auth")
}

/// [`main`] for the binary named `program`.
pub fn main_as(program: &'static str) -> ExitCode {
    let _ = PROGRAM.set(program);
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_line(&e));
            if e.downcast_ref::<Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
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

/// Runs a parsed command line.
///
/// # Errors
/// Anything that makes the command fail; the caller prints it.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Version => {
            out(&format!("aws-auth {}\n", env!("CARGO_PKG_VERSION")))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completion { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "aws-auth", &mut buf);
            let mut script = String::from_utf8_lossy(&buf).into_owned();
            if shell == clap_complete::Shell::Bash {
                // clap_complete 4.6 names the subcommand branches of a hyphenated binary
                // `aws__subcmd__auth__...` but looks them up as `aws__auth__...`, so no flag of
                // a subcommand would ever complete.
                script = script.replace("aws__subcmd__auth__subcmd__", "aws__auth__subcmd__");
            }
            out(&script)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Upsert(a) => {
            let edit = upsert_edit(&a.entry, a.append, a.update_username)?;
            write(
                &[edit],
                Options {
                    force: false,
                    allow_lockout: a.write.allow_lockout,
                },
                &a.write,
                &a.target,
            )
        }
        Command::Remove(a) => {
            let edit = remove_edit(&a.entry)?;
            write(
                &[edit],
                Options {
                    force: a.force,
                    allow_lockout: a.write.allow_lockout,
                },
                &a.write,
                &a.target,
            )
        }
        Command::RemoveByUsername(a) => {
            if a.username.trim().is_empty() {
                return Err(usage("--username must not be empty"));
            }
            let edit = Edit::RemoveByUsername {
                username: a.username.clone(),
            };
            write(
                &[edit],
                Options {
                    force: a.force,
                    allow_lockout: a.write.allow_lockout,
                },
                &a.write,
                &a.target,
            )
        }
        Command::Get(a) => {
            let mappings = match &a.target.file {
                Some(path) => {
                    let f = file::LocalFile::read(path, &a.target)?;
                    for d in f
                        .doc
                        .validate()
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                    {
                        eprintln!("warning: {}: {d}", f.label);
                    }
                    f.doc.mappings()
                }
                None => match live::read(&a.target, &a.retry)? {
                    Some(d) => d.mappings(),
                    None => {
                        eprintln!("note: {} does not exist", live::label(&a.target)?);
                        Mappings::default()
                    }
                },
            };
            out(&format_mappings(&mappings, a.format)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate(a) => {
            let (label, doc) = match &a.target.file {
                Some(path) => {
                    let f = file::LocalFile::read(path, &a.target)?;
                    (f.label.clone(), Some(f.doc))
                }
                None => (live::label(&a.target)?, live::read(&a.target, &a.retry)?),
            };
            let Some(doc) = doc else {
                eprintln!("note: {label} does not exist");
                return Ok(ExitCode::SUCCESS);
            };
            let diags = doc.validate();
            let mut text = String::new();
            for d in &diags {
                text.push_str(&format!("{d}\n"));
            }
            out(&text)?;
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let warnings = diags.len() - errors;
            if !diags.is_empty() {
                eprintln!("{label}: {errors} error(s), {warnings} warning(s)");
            }
            Ok(if errors > 0 || (a.strict && warnings > 0) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn format_mappings(m: &Mappings, format: Format) -> Result<String> {
    Ok(match format {
        Format::Table => render::table(m),
        Format::Json => format!("{}\n", serde_json::to_string_pretty(m)?),
        Format::Yaml => m.to_yaml(),
    })
}

/// Which key the entry flags point at.
enum Kind {
    Role(String),
    User(String),
    Account(String),
}

fn kind(e: &EntryArgs) -> Result<Kind> {
    let k = &e.kind;
    if k.maproles || (!k.mapusers && !k.mapaccounts && e.rolearn.is_some()) {
        return match &e.rolearn {
            Some(arn) if e.userarn.is_none() && e.account.is_none() => Ok(Kind::Role(arn.clone())),
            _ => Err(usage(
                "--maproles needs --rolearn (and no --userarn or --account)",
            )),
        };
    }
    if k.mapusers || (!k.mapaccounts && e.userarn.is_some()) {
        return match &e.userarn {
            Some(arn) if e.rolearn.is_none() && e.account.is_none() => Ok(Kind::User(arn.clone())),
            _ => Err(usage(
                "--mapusers needs --userarn (and no --rolearn or --account)",
            )),
        };
    }
    if k.mapaccounts || e.account.is_some() {
        return match &e.account {
            Some(id) if e.rolearn.is_none() && e.userarn.is_none() => Ok(Kind::Account(id.clone())),
            _ => Err(usage("--mapaccounts needs --account")),
        };
    }
    Err(usage(
        "say which mapping: --maproles --rolearn ARN, --mapusers --userarn ARN, or --mapaccounts --account ID",
    ))
}

fn upsert_edit(e: &EntryArgs, append: bool, update_username: bool) -> Result<Edit> {
    let upsert = |arn: String| Upsert {
        arn,
        username: e.username.clone().filter(|u| !u.is_empty()),
        groups: e.groups.clone().unwrap_or_default(),
        append,
        update_username,
    };
    let kind = kind(e)?;
    // As in the Go tool: an entry without a username maps the ARN to no Kubernetes user.
    let has_username = e.username.as_deref().is_some_and(|u| !u.trim().is_empty());
    if matches!(kind, Kind::Role(_) | Kind::User(_)) && !has_username {
        return Err(usage(if update_username {
            "upsert needs --username (the Kubernetes user the ARN maps to; keep an existing one with --update-username=false)"
        } else {
            "upsert needs --username even with --update-username=false (a new entry gets it)"
        }));
    }
    Ok(match kind {
        Kind::Role(arn) => Edit::UpsertRole(upsert(arn)),
        Kind::User(arn) => Edit::UpsertUser(upsert(arn)),
        Kind::Account(account) => {
            if e.username.is_some() || e.groups.is_some() {
                return Err(usage("--mapaccounts takes no --username or --groups"));
            }
            Edit::AddAccount { account }
        }
    })
}

fn remove_edit(e: &EntryArgs) -> Result<Edit> {
    let remove = |arn: String| Remove {
        arn,
        username: e.username.clone(),
        groups: e.groups.clone(),
    };
    Ok(match kind(e)? {
        Kind::Role(arn) => Edit::RemoveRole(remove(arn)),
        Kind::User(arn) => Edit::RemoveUser(remove(arn)),
        Kind::Account(account) => Edit::RemoveAccount { account },
    })
}

fn write(edits: &[Edit], options: Options, w: &WriteArgs, t: &TargetArgs) -> Result<ExitCode> {
    match &t.file {
        Some(path) => file::write(path, edits, &options, w, t)?,
        None => live::write(edits, &options, w, t)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what each edit did on stderr (and any note). A remove that matched nothing under
/// `--force` says so, as the Go tool logs it, rather than print nothing.
fn report(edits: &[Edit], changes: &[Change], options: &Options, dry_run: bool) {
    let marker = if dry_run { " (dry run)" } else { "" };
    for c in changes {
        if let Some(note) = &c.note {
            eprintln!("note: {note}");
        }
        eprintln!("{c}{marker}");
    }
    if changes.is_empty() && options.force {
        for edit in edits {
            match edit {
                Edit::RemoveRole(r) | Edit::RemoveUser(r) => {
                    eprintln!(
                        "nothing matched {}; nothing removed (--force)",
                        r.describe()
                    );
                }
                Edit::RemoveByUsername { username } => {
                    eprintln!("nothing matched username {username}; nothing removed (--force)");
                }
                Edit::RemoveAccount { account } => {
                    eprintln!("nothing matched account {account}; nothing removed (--force)");
                }
                _ => {}
            }
        }
    }
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

/// What the CLI adds to a core error whose refusal a flag overrides: the core names no flag.
/// The text is the npm package's too (the parity test compares the two messages).
pub(crate) fn override_hint(e: &aws_auth_core::Error) -> &'static str {
    match e.kind() {
        aws_auth_core::ErrorKind::Lockout => {
            "; pass the lockout override to do it anyway \
             (--allow-lockout; allowLockout in npm; Options::allow_lockout in Rust)"
        }
        _ => "",
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
