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
    /// The manifest is a ConfigMap but its shape is wrong (data not a mapping, a value not a
    /// string, a field or a ConfigMap given twice).
    #[error("{what}")]
    Manifest {
        /// Says what is wrong and where.
        what: String,
    },
    /// The manifest mixes kinds of line break, so new lines have no one style to follow.
    #[error(
        "refusing to edit: the manifest mixes line breaks (CRLF, LF or a lone CR; first at line {line}), \
         so new lines have no one style to follow; convert it to one kind (for example with dos2unix) first"
    )]
    MixedLineBreaks {
        /// 1-based line of the first break of another kind.
        line: usize,
    },
    /// A bug of the editor: the edited key would not read back as the edit decided. Nothing was
    /// written; the manifest is worth a report.
    #[error(
        "refusing to write: the edited {key} would not read back as intended (please report this manifest)"
    )]
    NotReadBack {
        /// The key whose edited text reads back otherwise.
        key: DataKey,
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
    /// The edit would leave no `system:masters` grant where there was one; set
    /// [`Options::allow_lockout`](crate::Options::allow_lockout) to do it anyway. The message
    /// names no override: each shell adds how its users give it.
    #[error(
        "refusing to take away the last system:masters mapping ({0}): nobody could administer the cluster afterwards"
    )]
    Lockout(String),
    /// The edited text would be read with new errors by the authenticator.
    #[error("refusing to write: the result would have {} new error(s), first: {}", .0.len(), .0.first().map(|d| d.to_string()).unwrap_or_default())]
    WouldBreak(Vec<Diagnostic>),
    /// A manager's apply wants an entry that another manager owns, or that nobody owns and
    /// has other values; taking it needs the explicit take-over.
    #[error("{subject} is {}; take it over explicitly to manage it", match .owner { Some(o) => format!("managed by {}", crate::quoted::quoted(o)), None => "already in aws-auth with other values and not managed by anyone".to_string() })]
    Owned {
        /// The ARN or account ID.
        subject: String,
        /// The manager that owns it; `None` when nobody does.
        owner: Option<String>,
    },
    /// The ownership record was written by a newer version of the format; rewriting it here
    /// would lose what that version keeps.
    #[error(
        "the ownership record (annotation aws-auth/managers) has format version {0}; this build knows version 1 only: upgrade aws-auth"
    )]
    NewerRecord(u64),
    /// The manifest has nowhere to keep the ownership record (a bare data map has no metadata).
    #[error("{0}")]
    RecordNotWritable(String),
    /// A bug of the editor: the manifest with the new ownership record would not read back
    /// with the same data and that record. Nothing was written.
    #[error(
        "refusing to write: the ownership record would not read back as intended (please report this manifest)"
    )]
    RecordNotReadBack,
    /// An entry that must change uses YAML anchors, aliases or tags, which are not rewritten.
    #[error("{key} entry {index} uses YAML anchors, aliases or tags; edit it by hand")]
    OpaqueEntry {
        /// The key.
        key: DataKey,
        /// 0-based entry index.
        index: usize,
    },
}

/// What kind of failure an [`Error`] is, for callers that act on it (a shell adding the flag
/// that overrides a refusal, a test telling the editor's own bugs from refused input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The manifest is not YAML.
    Syntax,
    /// No ConfigMap of that name.
    NotFound,
    /// A ConfigMap of the wrong shape.
    Shape,
    /// The manifest mixes kinds of line break.
    MixedLineBreaks,
    /// The input, or the data after the edit, is larger than a ConfigMap holds.
    TooLarge,
    /// A key or entry the edit needs cannot be edited safely.
    NotEditable,
    /// An argument of the edit is unusable.
    InvalidArgument,
    /// A remove matched nothing.
    NothingMatched,
    /// The edit would leave nobody able to administer the cluster.
    Lockout,
    /// The result would have new errors.
    WouldBreak,
    /// Another manager owns a wanted entry, or nobody does and it differs.
    Owned,
    /// A bug of the editor, caught before anything was written.
    Internal,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::ManifestSyntax { .. } => ErrorKind::Syntax,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Manifest { .. } => ErrorKind::Shape,
            Error::MixedLineBreaks { .. } => ErrorKind::MixedLineBreaks,
            Error::NotReadBack { .. } => ErrorKind::Internal,
            Error::TooLarge { .. } | Error::DataTooLarge { .. } => ErrorKind::TooLarge,
            Error::KeyNotEditable { .. } | Error::OpaqueEntry { .. } => ErrorKind::NotEditable,
            Error::InvalidArgument(_) => ErrorKind::InvalidArgument,
            Error::NothingMatched(_) => ErrorKind::NothingMatched,
            Error::Lockout(_) => ErrorKind::Lockout,
            Error::WouldBreak(_) => ErrorKind::WouldBreak,
            Error::Owned { .. } => ErrorKind::Owned,
            Error::NewerRecord(_) => ErrorKind::NotEditable,
            Error::RecordNotWritable(_) => ErrorKind::Shape,
            Error::RecordNotReadBack => ErrorKind::Internal,
        }
    }

    /// A stable, machine-readable code for the error (used by the npm package and `--output json`).
    /// The mixed-line-break refusal and the read-back failure kept the `manifest-shape` code
    /// they had before they were variants of their own: callers match on it.
    pub fn code(&self) -> &'static str {
        match self {
            Error::ManifestSyntax { .. } => "manifest-syntax",
            Error::NotFound { .. } => "not-found",
            Error::Manifest { .. } | Error::MixedLineBreaks { .. } | Error::NotReadBack { .. } => {
                "manifest-shape"
            }
            Error::TooLarge { .. } | Error::DataTooLarge { .. } => "too-large",
            Error::KeyNotEditable { .. } => "key-not-editable",
            Error::InvalidArgument(_) => "invalid-argument",
            Error::NothingMatched(_) => "nothing-matched",
            Error::Lockout(_) => "lockout",
            Error::WouldBreak(_) => "would-break",
            Error::OpaqueEntry { .. } => "opaque-entry",
            Error::Owned { .. } => "owned",
            Error::NewerRecord(_) => "newer-record",
            Error::RecordNotWritable(_) => "record-not-writable",
            Error::RecordNotReadBack => "internal",
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
