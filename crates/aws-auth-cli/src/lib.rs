//! The `aws-auth` command: argv → clap [`cli::Cli`] → a checked [`config::Config`] → a file or
//! cluster target → an [`outcome::Outcome`] → printed, with the exit status, in one place.
//!
//! Data (manifests, `get` output, diffs, diagnostics) goes to stdout; messages go to stderr,
//! one line each; errors are one line starting with `error: ` that names the file or the
//! `context/namespace/name` of the ConfigMap. Exit status: 0 done, 1 failed, 2 usage error.

pub mod cli;
pub mod config;
pub mod duration;
mod execute;
pub mod outcome;
pub mod render;
mod report;
mod target;

use std::process::ExitCode;

use clap::Parser;

use cli::Cli;
use config::Config;

/// Parses the command line, runs it, and prints any error as one `error: ` line.
pub fn main() -> ExitCode {
    main_as("aws-auth")
}

/// [`main`] for the binary named `program`.
pub fn main_as(program: &'static str) -> ExitCode {
    let config = match Config::from_cli(Cli::parse(), program) {
        Ok(config) => config,
        Err(usage) => {
            eprintln!("error: {usage}");
            return ExitCode::from(2);
        }
    };
    match execute::execute(config).and_then(report::print) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_line(&e));
            ExitCode::FAILURE
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
