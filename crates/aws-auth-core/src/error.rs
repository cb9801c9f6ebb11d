//! Everything that can go wrong, with enough context to say what and where.

use crate::diagnostics::Diagnostic;
use crate::model::DataKey;

/// Why a parse or an edit failed. Nothing was changed when one of these is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The manifest itself is not YAML (or JSON).
    #[error("manifest is not valid YAML at line {line}, column {column}: {message}")]
    ManifestSyntax {
        /// 1-based line in the manifest.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// No document in the stream is the ConfigMap we edit.
    #[error("no ConfigMap named {} in the manifest{found}", crate::quoted::quoted(.name))]
    NotFound {
        /// The name looked for (`aws-auth` unless told otherwise).
        name: String,
        /// What was found instead, ready to append to the message.
        found: String,
    },
    /// The manifest is a ConfigMap but its shape is wrong (data not a mapping, a value not a string).
    #[error("{what}")]
    Manifest {
        /// Says what is wrong and where.
        what: String,
    },
    /// The input is larger than any ConfigMap can be.
    #[error("input is {size} bytes; a ConfigMap holds at most {limit} bytes")]
    TooLarge {
        /// Bytes given.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The edit would make the ConfigMap's data larger than the API server accepts.
    #[error(
        "refusing to write: the data would be {size} bytes; a ConfigMap holds at most {limit} bytes and the API server refuses more"
    )]
    DataTooLarge {
        /// Bytes of data (the values' lengths) after the edit.
        size: usize,
        /// [`crate::MAX_DATA_BYTES`].
        limit: usize,
    },
    /// The key an edit needs does not parse (or the authenticator would drop it): it is not edited.
    #[error("{key} cannot be edited safely: {reason}")]
    KeyNotEditable {
        /// The key.
        key: DataKey,
        /// Why, with line and column inside the key's text.
        reason: String,
    },
    /// An argument of the edit is unusable (empty username, malformed ARN).
    #[error("{0}")]
    InvalidArgument(String),
    /// A remove matched nothing (and `force` was not given).
    #[error("nothing matched {0} in aws-auth")]
    NothingMatched(String),
    /// The edit would leave no `system:masters` grant where there was one.
    #[error(
        "refusing to take away the last system:masters mapping ({0}): nobody could administer the cluster afterwards; \
         pass the lockout override to do it anyway (--allow-lockout; allowLockout in npm; Options::allow_lockout in Rust)"
    )]
    Lockout(String),
    /// The edited text would be read with new errors by the authenticator.
    #[error("refusing to write: the result would have {} new error(s), first: {}", .0.len(), .0.first().map(|d| d.to_string()).unwrap_or_default())]
    WouldBreak(Vec<Diagnostic>),
    /// An entry that must change uses YAML anchors, aliases or tags, which are not rewritten.
    #[error("{key} entry {index} uses YAML anchors, aliases or tags; edit it by hand")]
    OpaqueEntry {
        /// The key.
        key: DataKey,
        /// 0-based entry index.
        index: usize,
    },
}

impl Error {
    /// A stable, machine-readable code for the error (used by the npm package and `--output json`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::ManifestSyntax { .. } => "manifest-syntax",
            Error::NotFound { .. } => "not-found",
            Error::Manifest { .. } => "manifest-shape",
            Error::TooLarge { .. } | Error::DataTooLarge { .. } => "too-large",
            Error::KeyNotEditable { .. } => "key-not-editable",
            Error::InvalidArgument(_) => "invalid-argument",
            Error::NothingMatched(_) => "nothing-matched",
            Error::Lockout(_) => "lockout",
            Error::WouldBreak(_) => "would-break",
            Error::OpaqueEntry { .. } => "opaque-entry",
        }
    }

    /// The diagnostics behind the error, where there are any.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::WouldBreak(d) => d,
            _ => &[],
        }
    }
}
