//! The `aws-auth` binary in file mode: stdout, stderr, exit codes, files on disk. One module per
//! theme; what they share is in `tests/common`.

#[path = "../common/mod.rs"]
mod common;

mod access_entries;
mod edits;
mod files;
mod get;
mod readme;
mod refusals;
mod usage;
mod validate;
