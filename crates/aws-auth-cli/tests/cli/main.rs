//! The `aws-auth` binary in file mode: stdout, stderr, exit codes, files on disk (and, in
//! `plugin`, the name it runs under). One module per theme; what they share is in `tests/common`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/golden.rs"]
mod golden;

mod access_entries;
mod diff;
mod edits;
mod explain;
mod files;
mod get;
mod help;
mod ownership;
mod plugin;
mod readme;
mod refusals;
mod usage;
mod validate;
