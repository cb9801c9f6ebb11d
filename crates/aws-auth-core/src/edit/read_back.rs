//! The check of every edit before it is kept: the written text must read back as exactly the
//! entries the edits decided on, and add no error.

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::document::AwsAuth;
use crate::edit::apply::Editors;
use crate::edit::list::{Check, ListEditor, Values};
use crate::error::Error;
use crate::model::DataKey;
use crate::section::read_section;
use crate::validate::check_section;

/// The edited document `next` must read back as the edits decided, and add no error to
/// `before`: for a plain block list only its new and changed ranges are read, otherwise the
/// whole list of each changed key.
pub(super) fn verify(
    before: &AwsAuth,
    next: &AwsAuth,
    editors: &Editors<'_>,
    expected: Vec<(DataKey, Option<RangeChecks>)>,
) -> Result<(), Error> {
    for (key, checks) in expected {
        let Some(section) = next.section(key) else {
            return Err(not_read_back(key));
        };
        // The values of the whole list, only where the ranges cannot be checked alone.
        let want = || {
            editors
                .get(key)
                .map(ListEditor::final_values)
                .unwrap_or_default()
        };
        let quick = checks
            .and_then(|(checks, dash_col)| verify_ranges(key, &section.text, &checks, dash_col));
        debug_assert!(
            quick != Some(true) || full_read_back(next, key, &want()),
            "the range check passed but the whole {key} does not read back"
        );
        match quick {
            // Only new and changed entries were read: they read back right and add no error.
            Some(true) => continue,
            Some(false) => return Err(not_read_back(key)),
            None => {}
        }
        // The written text must read back as exactly the entries the edits decided on ...
        if !full_read_back(next, key, &want()) {
            return Err(not_read_back(key));
        }
        // ... and add no error.
        let added = new_errors(
            &before.key_diagnostics(&[key]),
            &next.key_diagnostics(&[key]),
        );
        if !added.is_empty() {
            return Err(Error::WouldBreak(added));
        }
    }
    Ok(())
}

/// The new and changed ranges of a plain block list, and the column of its `-`.
pub(super) type RangeChecks = (Vec<Check>, usize);

/// Whether the whole list of `key` in `doc` reads back as `want`.
fn full_read_back(doc: &AwsAuth, key: DataKey, want: &[Values]) -> bool {
    let got: Option<Vec<Values>> = doc
        .section(key)
        .and_then(|s| s.parsed().as_ref().ok())
        .map(|p| p.entries.iter().map(crate::edit::list::values_of).collect());
    got.as_deref() == Some(want)
}

/// Checks only the new and changed entries of a plain block list: each range must start and
/// end on a line boundary, read (by the fast path, at the list's column) as exactly the
/// expected entries, and carry no error. `None` when a range cannot be decided that way.
fn verify_ranges(key: DataKey, text: &str, checks: &[Check], dash_col: usize) -> Option<bool> {
    for check in checks {
        let slice = text.get(check.range.clone())?;
        let starts_line = check.range.start == 0
            || text[..check.range.start].ends_with('\n')
            || slice.starts_with('\n');
        // In a text without a final line break, the last entry owns the break before it, so
        // the entry before ends just before a line break.
        let ends_line = check.range.end == text.len()
            || slice.ends_with('\n')
            || text[check.range.end..].starts_with('\n');
        if !starts_line || !ends_line {
            return Some(false);
        }
        let root = crate::yaml::fast::parse_block_list(slice)?;
        if root.col != dash_col {
            return Some(false);
        }
        let section = read_section(key, slice.to_string());
        let Ok(parsed) = section.parsed() else {
            return Some(false);
        };
        let got: Vec<Values> = parsed
            .entries
            .iter()
            .map(crate::edit::list::values_of)
            .collect();
        if got != check.values {
            return Some(false);
        }
        let mut diagnostics = Vec::new();
        check_section(&section, &mut diagnostics);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
    }
    Some(true)
}

fn not_read_back(key: DataKey) -> Error {
    Error::NotReadBack { key }
}

/// Errors in `after` beyond those in `before`, counted per code and key.
fn new_errors(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<Diagnostic> {
    // Errors are few: a list of (code, key) budgets is enough.
    let mut budget: Vec<(Code, Option<&str>, usize)> = Vec::new();
    for d in before.iter().filter(|d| d.severity == Severity::Error) {
        match budget
            .iter_mut()
            .find(|(c, k, _)| *c == d.code && *k == d.key.as_deref())
        {
            Some(slot) => slot.2 += 1,
            None => budget.push((d.code, d.key.as_deref(), 1)),
        }
    }
    let mut added = Vec::new();
    for d in after.iter().filter(|d| d.severity == Severity::Error) {
        match budget
            .iter_mut()
            .find(|(c, k, _)| *c == d.code && *k == d.key.as_deref())
        {
            Some(slot) if slot.2 > 0 => slot.2 -= 1,
            _ => added.push(d.clone()),
        }
    }
    added
}
