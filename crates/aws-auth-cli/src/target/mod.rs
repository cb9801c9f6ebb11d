//! Where the ConfigMap lives: a manifest (file or stdin) or a cluster. Each reads and writes
//! it and returns what happened as values; neither prints.

pub mod file;
pub mod live;

use aws_auth_core::{AwsAuth, Edit};

/// `note: <ARN> is managed by <manager>` for each managed entry that plain edits target:
/// upsert and remove keep their meaning on owned entries, and say so.
pub(crate) fn managers_of_edits(doc: &AwsAuth, edits: &[Edit]) -> Vec<String> {
    edits
        .iter()
        .filter_map(|e| {
            let subject = match e {
                Edit::UpsertRole(u) | Edit::UpsertUser(u) => &u.arn,
                Edit::RemoveRole(r) | Edit::RemoveUser(r) => &r.arn,
                Edit::AddAccount { account } | Edit::RemoveAccount { account } => account,
                _ => return None,
            };
            let manager = doc.manager_of(e.key(), subject)?;
            Some(format!("note: {subject} is managed by {manager}"))
        })
        .collect()
}

/// What the CLI adds to a core error whose refusal a flag overrides: the core names no flag.
/// The lockout text is the npm package's too (the parity test compares the two messages).
pub(crate) fn flag_hint(e: &aws_auth_core::Error) -> &'static str {
    match e.kind() {
        aws_auth_core::ErrorKind::Lockout => {
            "; pass the lockout override to do it anyway \
             (--allow-lockout; allowLockout in npm; Options::allow_lockout in Rust)"
        }
        _ if matches!(e, aws_auth_core::Error::Owned { .. }) => " (--take-over)",
        _ => "",
    }
}

/// The stderr lines of an apply or release besides its changes.
pub(crate) fn warnings(
    drifted: &[String],
    repaired: Option<String>,
    mut lines: Vec<String>,
) -> Vec<String> {
    if !drifted.is_empty() {
        lines.push(format!(
            "warning: changed by someone else since their manager wrote them (drift): {}",
            drifted.join(", ")
        ));
    }
    if let Some(r) = repaired {
        lines.push(format!("warning: {r}"));
    }
    lines
}
