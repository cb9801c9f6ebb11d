//! What every target checks after reading or editing: the invariants of the core.

use aws_auth_core::{AwsAuth, Error, Severity};

/// Errors after an edit: never the read-back guard (that is a bug of the editor, caught before
/// it reached a user), and a refused edit leaves the document as it was.
pub fn check_refusal(err: &Error, before: &str, auth: &AwsAuth) {
    // By kind, not by words: a fuzzed value echoed in a message can say anything.
    assert_ne!(
        err.kind(),
        aws_auth_core::ErrorKind::Internal,
        "the editor wrote text that does not read back: {err}"
    );
    assert_eq!(
        auth.to_string(),
        before,
        "a refused edit changed the document"
    );
}

/// An accepted edit: the output reads again, with no more errors than before.
pub fn check_written(before_errors: usize, auth: &AwsAuth) {
    let out = auth.to_string();
    let again = AwsAuth::parse(&out).expect("an edited manifest reads again");
    assert_eq!(
        again.to_string(),
        out,
        "the edited manifest prints back as it reads"
    );
    assert!(
        errors(&again) <= before_errors,
        "an edit added errors:\n{out}"
    );
    assert_eq!(
        again.mappings(),
        auth.mappings(),
        "the output reads back as decided"
    );
}

pub fn errors(auth: &AwsAuth) -> usize {
    auth.validate()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}
