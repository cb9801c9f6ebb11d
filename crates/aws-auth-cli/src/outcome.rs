//! What a command did, as values: the messages it has for stderr and the data it has for
//! stdout. The `report` module prints them and decides the exit status.

use aws_auth_core::access_entries::Plan;
use aws_auth_core::{
    Change, Diagnostic, Edit, Explanation, Mappings, Ownership, SemanticDiff, Severity,
};

use crate::cli::{Format, PlanFormat, ReportFormat, ValidateFormat};

/// What a command did.
#[derive(Debug)]
pub enum Outcome {
    /// Text for stdout alone (`version`, `completion`).
    Text(String),
    /// `get`.
    Listing(Listing),
    /// `validate`.
    Validation(Validation),
    /// `upsert`, `remove`, `remove-by-username`, `apply`, `release`.
    Edited(Edited),
    /// `explain`.
    Explained(Explained),
    /// `diff`.
    Diffed(Diffed),
    /// `access-entries plan`.
    Planned(Planned),
    /// `access-entries prune`.
    Pruned(Pruned),
}

/// Where a position inside a key's text is in the manifest file.
pub type FilePosition = Option<(usize, usize)>;

/// What the authenticator makes of each caller.
#[derive(Debug)]
pub struct Explained {
    /// One per `--caller`, in order.
    pub explanations: Vec<Explanation>,
    /// With -f: the file line of each explanation's grant, and of each of its near misses.
    pub file_lines: Vec<(Option<usize>, Vec<Option<usize>>)>,
    /// Lines for stderr (`note: ... does not exist`).
    pub messages: Vec<String>,
    pub format: ReportFormat,
}

impl Explained {
    /// Whether every caller is mapped.
    pub fn all_granted(&self) -> bool {
        self.explanations.iter().all(|e| e.granted)
    }
}

/// What changes for callers between two manifests.
#[derive(Debug)]
pub struct Diffed {
    pub diff: SemanticDiff,
    /// How OLD and NEW are named.
    pub labels: (String, String),
    pub format: ReportFormat,
}

/// An access-entries plan, to show in a format.
#[derive(Debug)]
pub struct Planned {
    /// Lines for stderr (`note: ...`).
    pub messages: Vec<String>,
    pub plan: Plan,
    pub format: PlanFormat,
    pub cluster_name: Option<String>,
}

/// What `access-entries prune` found and did.
#[derive(Debug)]
pub struct Pruned {
    /// One `note: ` line per mapping an access entry covers, or why nothing is pruned.
    pub notes: Vec<String>,
    /// The removal; `None` when nothing is covered.
    pub edited: Option<Edited>,
}

/// The mappings of a ConfigMap, to show in a format.
#[derive(Debug)]
pub struct Listing {
    /// Lines for stderr (`warning: ...`, `note: ...`).
    pub messages: Vec<String>,
    pub mappings: Mappings,
    /// The manager of each entry.
    pub ownership: Ownership,
    pub format: Format,
}

/// The diagnostics of a ConfigMap.
#[derive(Debug)]
pub struct Validation {
    /// The file or `context/namespace/name`.
    pub label: String,
    /// `None`: the ConfigMap does not exist.
    pub diagnostics: Option<Vec<Diagnostic>>,
    /// Warnings fail too.
    pub strict: bool,
    pub format: ValidateFormat,
    /// With -f: the file's path as given, and each diagnostic's line and column in the file.
    pub file: Option<(String, Vec<FilePosition>)>,
}

impl Validation {
    /// Errors, then warnings.
    pub fn counts(&self) -> (usize, usize) {
        let diags = self.diagnostics.as_deref().unwrap_or_default();
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        (errors, diags.len() - errors)
    }

    /// Whether the command fails: an error, or with `--strict` a warning.
    pub fn failed(&self) -> bool {
        let (errors, warnings) = self.counts();
        errors > 0 || (self.strict && warnings > 0)
    }
}

/// What a writing command decided, and what it has to show.
#[derive(Debug)]
pub struct Edited {
    pub edits: Vec<Edit>,
    /// `--force`: a remove that matches nothing succeeds.
    pub force: bool,
    pub changes: Vec<Change>,
    /// Lines for stderr before the changes: managed entries a plain edit touched, drift, a
    /// repaired ownership record.
    pub warnings: Vec<String>,
    pub dry_run: bool,
    /// The unified diff, when `--diff` asked for it.
    pub diff: Option<String>,
    /// The resulting manifest, when it goes to stdout (file mode without `-i`).
    pub manifest: Option<String>,
    /// Saving failed after the edits were decided: the messages still say what was decided,
    /// then this is the error.
    pub failure: Option<anyhow::Error>,
}

impl Edited {
    /// One stderr line per change (after its note, if any). A remove that matched nothing
    /// under `--force` says so, as the Go tool logs it, rather than print nothing.
    pub fn messages(&self) -> Vec<String> {
        let marker = if self.dry_run { " (dry run)" } else { "" };
        let mut lines = self.warnings.clone();
        for c in &self.changes {
            if let Some(note) = &c.note {
                lines.push(format!("note: {note}"));
            }
            lines.push(format!("{c}{marker}"));
        }
        if self.changes.is_empty() && self.force {
            for edit in &self.edits {
                let what = match edit {
                    Edit::RemoveRole(r) | Edit::RemoveUser(r) => r.describe(),
                    Edit::RemoveByUsername { username } => format!("username {username}"),
                    Edit::RemoveAccount { account } => format!("account {account}"),
                    _ => continue,
                };
                lines.push(format!("nothing matched {what}; nothing removed (--force)"));
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use aws_auth_core::Remove;

    use super::*;

    fn edited(force: bool, dry_run: bool) -> Edited {
        Edited {
            edits: vec![
                Edit::RemoveRole(Remove {
                    arn: "arn:aws:iam::111122223333:role/a".into(),
                    username: None,
                    groups: None,
                }),
                Edit::RemoveByUsername {
                    username: "ops".into(),
                },
            ],
            force,
            changes: Vec::new(),
            warnings: Vec::new(),
            dry_run,
            diff: None,
            manifest: None,
            failure: None,
        }
    }

    #[test]
    fn force_names_each_removal_that_matched_nothing() {
        assert_eq!(
            edited(true, false).messages(),
            [
                "nothing matched arn:aws:iam::111122223333:role/a; nothing removed (--force)",
                "nothing matched username ops; nothing removed (--force)",
            ]
        );
        assert!(edited(false, true).messages().is_empty());
    }

    // Built without diagnostics: their shape belongs to the core, and the integration tests
    // cover the counts.
    #[test]
    fn nothing_to_report_passes_even_strict() {
        for diagnostics in [None, Some(Vec::new())] {
            let v = Validation {
                label: "x".into(),
                diagnostics,
                strict: true,
                format: ValidateFormat::Text,
                file: None,
            };
            assert_eq!(v.counts(), (0, 0));
            assert!(!v.failed());
        }
    }
}
