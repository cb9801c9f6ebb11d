//! `aws-auth`: parse the command line, run it, map the result to an exit status.
//!
//! Also the kubectl plugin: run under the file name `kubectl-aws_auth` (a copy, a hard link or a
//! symlink of this binary; `kubectl-aws_auth.exe` too) it is `kubectl aws-auth`, as the
//! `kubectl-aws_auth` target is. Why: the shipped artefacts (the static binary, the krew archive,
//! the image) are built from this binary alone, since each binary of the release profile is a
//! whole-program LTO link (~100 s of the static build on 2 cores, and CI has an hour). The
//! `kubectl-aws_auth` target stays for `cargo install` and the tests that run it.

use std::ffi::OsStr;
use std::path::Path;
use std::process::ExitCode;

/// The kubectl plugin's file name: kubectl finds `kubectl aws-auth` as `kubectl-aws_auth`.
const PLUGIN: &str = "kubectl-aws_auth";

fn main() -> ExitCode {
    // argv[0], the name run, not `current_exe()`: that resolves krew's symlink to the file.
    if is_plugin(std::env::args_os().next().as_deref()) {
        aws_auth_cli::main_as(PLUGIN)
    } else {
        aws_auth_cli::main()
    }
}

/// Whether the file name of `argv0` is the plugin's, with or without `.exe`.
fn is_plugin(argv0: Option<&OsStr>) -> bool {
    argv0
        .and_then(|a| Path::new(a).file_name())
        .is_some_and(|name| name == PLUGIN || name.eq_ignore_ascii_case("kubectl-aws_auth.exe"))
}
