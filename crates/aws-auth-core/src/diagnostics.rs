//! Findings: a [`Diagnostic`] with a stable [`Code`] and a [`Severity`]. Its own module because
//! the list reader (`section`), the checks (`validate`), the authenticator's rules and the
//! errors all speak of findings, and none of them should import another for that.

use serde::{Deserialize, Serialize};

use crate::model::DataKey;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The authenticator drops the key or the entry: someone loses access.
    Error,
    /// Read, but probably not what was meant.
    Warning,
}

/// One finding, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `syntax`, `wrong-type`, `arn-path`; see [`Code`].
    pub code: Code,
    /// What is wrong, lowercase, naming the value.
    pub message: String,
    /// The data key (`mapRoles`, ...), or `None` for the manifest itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// 0-based entry index in the key's list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
    /// 1-based line inside the key's text (the manifest's for manifest diagnostics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}[{}]", self.code.as_str())?;
        if let Some(key) = &self.key {
            write!(f, " {key}")?;
            if let Some(i) = self.entry {
                write!(f, "[{i}]")?;
            }
        }
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, " (line {l}, column {c})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The stable diagnostic codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// Error: the key's text is not YAML; the authenticator drops every mapping in it.
    Syntax,
    /// Error: a value has a type that makes the authenticator drop the entry (a `rolearn` that
    /// YAML 1.1 reads as a number, an entry that is not a mapping) or the whole key (a list
    /// that is a mapping, `.inf`, a null mapping key).
    WrongType,
    /// Warning: an account ID written without quotes (read as a number by YAML 1.1 tools, though
    /// the authenticator itself keeps its text).
    UnquotedAccountId,
    /// Warning: more than one YAML document in one key; the authenticator reads the first only.
    MultipleDocuments,
    /// Error: an entry without `rolearn`/`sso` (roles) or `userarn` (users) is dropped.
    MissingArn,
    /// Error: a role entry with both `rolearn` and `sso` is dropped.
    ArnAndSso,
    /// Error: an `sso` entry without a valid permission set name, account ID or partition.
    InvalidSso,
    /// Error: a data value that is not a string (the API server rejects the ConfigMap).
    NotAString,
    /// Error: the same data key twice.
    DuplicateDataKey,
    /// Warning: a role ARN with a path never matches (the authenticator strips paths from callers).
    ArnPath,
    /// Warning: an ARN that is not `arn:<partition>:iam::<12 digits>:role|user/<name>`.
    MalformedArn,
    /// Warning: an STS assumed-role ARN; map the role.
    AssumedRoleArn,
    /// Warning: an earlier entry with the same key for the authenticator is dead (the last one
    /// wins), two user ARNs differ only in case (both live, one picked at random), or a
    /// `mapUsers` entry maps an ARN a `mapRoles` entry maps too (never used).
    DuplicateIdentity,
    /// Warning: `{{...}}` that the authenticator does not expand.
    UnknownTemplate,
    /// Warning: a data key that differs from a real one only by case is ignored.
    KeyCase,
    /// Warning: an entry without a username.
    EmptyUsername,
    /// Warning: a field the authenticator ignores (often a typo such as `role_arn`).
    UnknownField,
    /// Warning: a `mapAccounts` item that is not a 12-digit account ID.
    InvalidAccountId,
    /// Warning: a value of the wrong type (a YAML 1.1 boolean or number in `username`, a
    /// string for `groups`) that the authenticator replaces with an empty value.
    IgnoredValue,
    /// Warning: a field given twice in one entry; the authenticator uses the last.
    DuplicateField,
    /// Warning: a plain value that goes on over several lines, which YAML reads as one line
    /// (often a missing `groups:` or `- `, whose lines are then folded into the value above).
    FoldedValue,
    /// Warning: the ownership record (annotation `aws-auth/managers`) does not parse, names
    /// entries that are gone or claimed twice, or an owned entry changed since its manager
    /// wrote it.
    OwnershipRecord,
}

impl Code {
    /// The code as printed: `wrong-type`, `arn-path`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::WrongType => "wrong-type",
            Code::UnquotedAccountId => "unquoted-account-id",
            Code::MultipleDocuments => "multiple-documents",
            Code::MissingArn => "missing-arn",
            Code::ArnAndSso => "arn-and-sso",
            Code::InvalidSso => "invalid-sso",
            Code::NotAString => "not-a-string",
            Code::DuplicateDataKey => "duplicate-data-key",
            Code::ArnPath => "arn-path",
            Code::MalformedArn => "malformed-arn",
            Code::AssumedRoleArn => "assumed-role-arn",
            Code::DuplicateIdentity => "duplicate-identity",
            Code::UnknownTemplate => "unknown-template",
            Code::KeyCase => "key-case",
            Code::EmptyUsername => "empty-username",
            Code::UnknownField => "unknown-field",
            Code::InvalidAccountId => "invalid-account-id",
            Code::IgnoredValue => "ignored-value",
            Code::DuplicateField => "duplicate-field",
            Code::FoldedValue => "folded-value",
            Code::OwnershipRecord => "ownership-record",
        }
    }

    /// The severity that goes with the code.
    pub fn severity(self) -> Severity {
        match self {
            Code::Syntax
            | Code::WrongType
            | Code::MissingArn
            | Code::ArnAndSso
            | Code::InvalidSso
            | Code::NotAString
            | Code::DuplicateDataKey => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

/// A diagnostic whose severity is its code's.
pub(crate) fn diagnostic(
    code: Code,
    key: Option<DataKey>,
    entry: Option<usize>,
    at: Option<(usize, usize)>,
    message: String,
) -> Diagnostic {
    Diagnostic {
        severity: code.severity(),
        code,
        message,
        key: key.map(|k| k.as_str().to_string()),
        entry,
        line: at.map(|a| a.0),
        column: at.map(|a| a.1),
    }
}
