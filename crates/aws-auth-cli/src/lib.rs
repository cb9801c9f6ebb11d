//! The `aws-auth` command: argv → clap [`cli::Cli`] → a checked [`config::Config`] → a file or
//! cluster target → an [`outcome::Outcome`] → printed, with the exit status, in one place.
//!
//! Data (manifests, `get` output, diffs, diagnostics) goes to stdout; messages go to stderr,
//! one line each; errors are one line starting with `error: ` that names the file or the
//! `context/namespace/name` of the ConfigMap. Exit status: 0 done, 1 failed, 2 usage error.

mod access_entries;
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
pub use report::error_line;

/// Parses the command line, runs it, and prints any error as one `error: ` line.
pub fn main() -> ExitCode {
    main_as("aws-auth")
}

/// [`main`] for the binary named `program`.
pub fn main_as(program: &'static str) -> ExitCode {
    match Config::from_cli(Cli::parse(), program) {
        Ok(config) => {
            let failure = config.failure_status();
            report::exit(execute::execute(config).and_then(report::print), failure)
        }
        Err(usage) => report::usage_error(&usage),
    }
}
