//! Runs a validated [`Operation`] against its target and returns the [`Outcome`].

use anyhow::Result;
use aws_auth_core::{Mappings, Severity};
use clap::CommandFactory as _;

use crate::access_entries;
use crate::cli::Cli;
use crate::config::{Config, Operation, Target};
use crate::outcome::{Listing, Outcome, Validation};
use crate::report;
use crate::target::{file, live};

/// Does what `config` says.
///
/// # Errors
/// Anything that makes the command fail: unreadable input, a refused edit, an API error.
pub fn execute(config: Config) -> Result<Outcome> {
    let caller = live::Caller {
        program: config.program,
        on_retry: report::retry_wait,
    };
    Ok(match config.operation {
        Operation::Version => Outcome::Text(format!("aws-auth {}\n", env!("CARGO_PKG_VERSION"))),
        Operation::Completion(shell) => Outcome::Text(completion(shell)),
        Operation::Write {
            edits,
            options,
            target,
            output,
        } => Outcome::Edited(match &target {
            Target::File(t) => file::write(t, &edits, &options, output)?,
            Target::Live(t) => live::write(t, caller, &edits, &options, output)?,
        }),
        Operation::Get { format, target } => {
            let mut messages = Vec::new();
            let mappings = match &target {
                Target::File(t) => {
                    let f = file::LocalFile::read(t)?;
                    for d in f
                        .doc
                        .validate()
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                    {
                        messages.push(format!("warning: {}: {d}", f.label));
                    }
                    f.doc.mappings()
                }
                Target::Live(t) => match live::read(t, caller)? {
                    Some(d) => d.mappings(),
                    None => {
                        messages.push(format!("note: {} does not exist", live::label(t)));
                        Mappings::default()
                    }
                },
            };
            Outcome::Listing(Listing {
                messages,
                mappings,
                format,
            })
        }
        Operation::Plan {
            format,
            cluster_name,
            input,
            target,
        } => Outcome::Planned(access_entries::plan(
            &input,
            &target,
            caller,
            format,
            cluster_name,
        )?),
        Operation::Prune {
            input,
            allow_lockout,
            target,
            output,
        } => Outcome::Pruned(access_entries::prune(
            &input,
            &target,
            caller,
            allow_lockout,
            output,
        )?),
        Operation::Validate { strict, target } => {
            let (label, doc) = match &target {
                Target::File(t) => {
                    let f = file::LocalFile::read(t)?;
                    (f.label, Some(f.doc))
                }
                Target::Live(t) => (live::label(t), live::read(t, caller)?),
            };
            Outcome::Validation(Validation {
                label,
                diagnostics: doc.map(|d| d.validate()),
                strict,
            })
        }
    })
}

fn completion(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "aws-auth", &mut buf);
    let script = String::from_utf8_lossy(&buf).into_owned();
    if shell == clap_complete::Shell::Bash {
        // clap_complete 4.6 names the subcommand branches of a hyphenated binary
        // `aws__subcmd__auth__...` but looks them up as `aws__auth__...`, so no flag of
        // a subcommand would ever complete.
        return script.replace("aws__subcmd__auth__subcmd__", "aws__auth__subcmd__");
    }
    script
}
