//! What went wrong talking to the API server or editing the ConfigMap, one line each.

use crate::{CONFLICT_TIME_LIMIT, classify};

/// Which bound made a write give up on conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// `max_attempts` of the [`RetryPolicy`] (`--retry-max-count`).
    Attempts,
    /// [`CONFLICT_TIME_LIMIT`], without an enabled policy.
    Time,
}

/// What went wrong talking to the API server or editing the ConfigMap.
///
/// Each message is one line that says it all; no variant has a
/// [`source`](std::error::Error::source), so that a caller printing the chain prints it once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The GET failed.
    #[error("reading {object}: {detail}")]
    Read {
        /// `namespace/name` (or the label set with [`AwsAuthClient::label`]).
        object: String,
        /// The API server's answer, or the connection problem, on one line.
        detail: String,
        /// The client error ([`Error::kube`]); not a `source`: `detail` already says it.
        error: kube::Error,
    },
    /// The PUT (or the POST creating the object) failed.
    #[error("writing {object}: {detail}")]
    Write {
        /// `namespace/name`.
        object: String,
        /// The API server's answer, or the connection problem, on one line.
        detail: String,
        /// The client error ([`Error::kube`]); not a `source`: `detail` already says it.
        error: kube::Error,
    },
    /// The edits cannot be applied (nothing matched, lockout, a key that does not parse...).
    #[error("{object}: {error}")]
    Edit {
        /// `namespace/name`.
        object: String,
        /// The core's error ([`Error::core`]).
        error: aws_auth_core::Error,
    },
    /// The object kept changing between our GET and PUT.
    #[error("writing {object}: {}", conflicts_message(*conflicts, *attempts, *limit))]
    Conflicts {
        /// `namespace/name`.
        object: String,
        /// Conflicts seen in a row.
        conflicts: u32,
        /// Attempts made in all.
        attempts: u32,
        /// The bound that was reached.
        limit: Limit,
    },
    /// The client configuration cannot be used.
    #[error("{detail}")]
    Config {
        /// What is wrong.
        detail: String,
    },
}

fn conflicts_message(conflicts: u32, attempts: u32, limit: Limit) -> String {
    let times = |n: u32, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let bound = match limit {
        Limit::Attempts => times(attempts, "attempt", "attempts"),
        Limit::Time => format!("{} s", CONFLICT_TIME_LIMIT.as_secs()),
    };
    format!(
        "it changed concurrently ({} in a row, conflict 409); giving up after {bound}",
        times(conflicts, "time", "times")
    )
}

impl Error {
    /// Whether the error is the core's (bad input or a refused edit) rather than the API's.
    pub fn core(&self) -> Option<&aws_auth_core::Error> {
        match self {
            Error::Edit { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether the failure may heal by itself (429, 5xx, connection errors, timeouts): what a
    /// [`RetryPolicy`] retries.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Read { error, .. } | Error::Write { error, .. } => classify(error).0,
            Error::Conflicts { .. } => true,
            _ => false,
        }
    }

    /// The client error behind a failed request.
    pub fn kube(&self) -> Option<&kube::Error> {
        match self {
            Error::Read { error, .. } | Error::Write { error, .. } => Some(error),
            _ => None,
        }
    }
}
