//! Runs a validated [`Operation`] against its target and returns the [`Outcome`].

use anyhow::Result;
use anyhow::anyhow;
use aws_auth_core::{Desired, Mappings, Ownership, Severity};
use clap::CommandFactory as _;

use crate::access_entries;
use crate::cli::Cli;
use crate::config::{Config, Operation, Target};
use crate::outcome::{Diffed, Explained, Listing, Outcome, Validation};
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
        Operation::Token(cluster) => Outcome::Text(live::exec_credential(&cluster)?),
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
        Operation::Own {
            manager,
            entries,
            options,
            target,
            output,
        } => {
            let desired = match &entries {
                Some(input) => {
                    let (label, text) = file::read_text(input)?;
                    Some(Desired::parse(&text).map_err(|e| anyhow!("{label}: {e}"))?)
                }
                None => None,
            };
            Outcome::Edited(match &target {
                Target::File(t) => file::own(t, &manager, desired.as_ref(), &options, output)?,
                Target::Live(t) => {
                    live::own(t, caller, &manager, desired.as_ref(), &options, output)?
                }
            })
        }
        Operation::Get { format, target } => {
            let mut messages = Vec::new();
            let (mappings, ownership) = match &target {
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
                    (f.doc.mappings(), f.doc.ownership())
                }
                Target::Live(t) => match live::read(t, caller)? {
                    Some(d) => (d.mappings(), d.ownership()),
                    None => {
                        messages.push(format!("note: {} does not exist", live::label(t)));
                        (Mappings::default(), Ownership::default())
                    }
                },
            };
            Outcome::Listing(Listing {
                messages,
                mappings,
                ownership,
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
        Operation::Validate {
            strict,
            format,
            target,
        } => {
            let (label, doc, file) = match &target {
                Target::File(t) => {
                    let f = file::LocalFile::read(t)?;
                    let diagnostics = f.doc.validate();
                    let positions = f.positions(t);
                    let at = diagnostics
                        .iter()
                        .map(|d| positions.of_diagnostic(d))
                        .collect();
                    (f.label.clone(), Some(diagnostics), Some((f.label, at)))
                }
                Target::Live(t) => (
                    live::label(t),
                    live::read(t, caller)?.map(|d| d.validate()),
                    None,
                ),
            };
            Outcome::Validation(Validation {
                label,
                diagnostics: doc,
                strict,
                format,
                file,
            })
        }
        Operation::Explain {
            callers,
            format,
            target,
        } => {
            let explain = |doc: &aws_auth_core::AwsAuth| -> Vec<aws_auth_core::Explanation> {
                callers.iter().map(|c| doc.explain(c)).collect()
            };
            let mut messages = Vec::new();
            let (explanations, file_lines) = match &target {
                Target::File(t) => {
                    let f = file::LocalFile::read(t)?;
                    let explanations = explain(&f.doc);
                    let positions = f.positions(t);
                    let line_of = |key: &str, line: Option<usize>| {
                        let key = aws_auth_core::DataKey::from_name(key)?;
                        positions.in_file(key, line?, 1).map(|p| p.0)
                    };
                    let lines = explanations
                        .iter()
                        .map(|e| {
                            let grant = e
                                .grant
                                .as_ref()
                                .and_then(|g| line_of(g.key.as_str(), g.line));
                            let misses = e
                                .near_misses
                                .iter()
                                .map(|m| line_of(&m.key, m.line))
                                .collect();
                            (grant, misses)
                        })
                        .collect();
                    (explanations, lines)
                }
                Target::Live(t) => {
                    let doc = match live::read(t, caller)? {
                        Some(d) => d,
                        None => {
                            messages.push(format!("note: {} does not exist", live::label(t)));
                            aws_auth_core::AwsAuth::from_data(Vec::<(String, String)>::new())
                        }
                    };
                    (explain(&doc), Vec::new())
                }
            };
            Outcome::Explained(Explained {
                explanations,
                file_lines,
                messages,
                format,
            })
        }
        Operation::Diff { old, new, format } => {
            let (old_label, old_doc) = match &old {
                Target::File(t) => {
                    let f = file::LocalFile::read(t)?;
                    (f.label, f.doc)
                }
                Target::Live(t) => {
                    let label = live::label(t);
                    let doc = live::read(t, caller)?.unwrap_or_else(|| {
                        aws_auth_core::AwsAuth::from_data(Vec::<(String, String)>::new())
                    });
                    (label, doc)
                }
            };
            let new = file::LocalFile::read(&new)?;
            Outcome::Diffed(Diffed {
                diff: old_doc.semantic_diff(&new.doc),
                labels: (old_label, new.label),
                format,
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
