//! `AwsAuth::apply`: each edit dispatched to the editor of its key, then the lockout policy,
//! the write and the read-back check, all or nothing.

use crate::arn::{arn_problem, strip_role_path};
use crate::document::{AwsAuth, MAX_DATA_BYTES, Source};
use crate::edit::list::{ListEditor, UpsertResult};
use crate::edit::{Action, Change, Edit, Options, Remove, Upsert, lockout, read_back};
use crate::error::Error;
use crate::line_breaks::LineBreaks;
use crate::model::DataKey;
use crate::quoted::quoted;
use crate::section::{KeyProblem, Layout, read_section};
use crate::small_sort::sort_small_by_key;
use crate::validate::template_problems;
use crate::yaml::raw_value::Piece;

impl AwsAuth {
    /// Applies edits in order, all or nothing, and reports what each did.
    ///
    /// # Errors
    /// A key the edits need does not parse; an argument is invalid; a remove matched nothing
    /// (without `force`); the result would lock administrators out (without `allow_lockout`) or
    /// would add an error. On error nothing changes.
    pub fn apply(&mut self, edits: &[Edit], options: &Options) -> Result<Vec<Change>, Error> {
        let empty = read_section(DataKey::MapRoles, String::new());
        let mut editors = Editors(Vec::new());
        let mut changes = Vec::new();
        for edit in edits {
            check_arguments(edit)?;
            for key in keys_of(edit) {
                if editors.get(key).is_some() {
                    continue;
                }
                let section = self.section(key).unwrap_or(&empty);
                let parsed = match section.parsed() {
                    Ok(p) if p.not_editable.is_some() => {
                        let reason = p.not_editable.clone().unwrap_or_default();
                        return Err(Error::KeyNotEditable { key, reason });
                    }
                    Ok(p) => p,
                    Err(problem) => return Err(not_editable(key, problem)),
                };
                let prefer_flow = self.prefers_flow();
                editors.0.push((
                    key,
                    ListEditor::new(key, &section.text, parsed, prefer_flow),
                ));
            }
            apply_one(edit, options, &mut editors, &mut changes)?;
        }
        if editors.changed().next().is_none() {
            return Ok(changes);
        }
        if let Source::Manifest {
            breaks: LineBreaks::Mixed { line },
            ..
        } = self.source
        {
            return Err(Error::MixedLineBreaks { line });
        }
        lockout::check(self, &editors, options)?;
        let mut updates: Vec<(DataKey, Vec<Piece>)> = Vec::new();
        // Per changed key: the values every entry must read back as, and for a plain block
        // list the new or changed ranges that alone need checking.
        let mut expected: Vec<(DataKey, Option<read_back::RangeChecks>)> = Vec::new();
        for (key, editor) in editors.changed() {
            let (pieces, checks) = editor.written();
            updates.push((key, pieces));
            expected.push((key, checks.zip(editor.dash_col())));
        }
        sort_small_by_key(&mut updates, |(k, _)| *k);
        let next = self
            .with_updates(&updates)
            .map_err(|e| self.unwritable_empty_key(e))?;
        let size = next.data_bytes();
        if size > MAX_DATA_BYTES && size > self.data_bytes() {
            return Err(Error::DataTooLarge {
                size,
                limit: MAX_DATA_BYTES,
            });
        }
        read_back::verify(self, &next, &editors, expected)
            .map_err(|e| self.unwritable_empty_key(e))?;
        drop(editors);
        *self = next;
        Ok(changes)
    }

    /// A key with no entries but odd text besides blanks and comments (an anchor, a line break
    /// YAML reads that the list does not, a stray flow token) that an edit's entries would not
    /// read back beside: refused as not editable, with the way out, rather than reported as
    /// the editor's own failure. Nothing is written either way.
    fn unwritable_empty_key(&self, e: Error) -> Error {
        let Error::NotReadBack { key } = e else {
            return e;
        };
        // Only text the list does not read as entries: none at all, or items that are not
        // mappings (the authenticator drops those).
        let (entries, mappings) = match self.section(key).map(|s| s.parsed()) {
            Some(Ok(p)) => (
                p.entries.len(),
                p.entries
                    .iter()
                    .filter(|e| matches!(e.node.kind, crate::yaml::tree::NodeKind::Map { .. }))
                    .count(),
            ),
            _ => return e,
        };
        let (odd, odd_items) = (mappings == 0, mappings < entries);
        if odd {
            return Error::KeyNotEditable {
                key,
                reason: "it holds no entries, only text that new entries cannot be written \
                         beside; replace it with [] (or the entries) by hand"
                    .to_string(),
            };
        }
        if odd_items {
            return Error::KeyNotEditable {
                key,
                reason: "it holds items that are not mappings (the authenticator drops them), \
                         and new entries cannot be written safely beside them; remove them by hand"
                    .to_string(),
            };
        }
        e
    }

    /// Whether new entries in an empty key should be JSON: when a sibling key is.
    fn prefers_flow(&self) -> bool {
        let flow = |k: DataKey| {
            self.section(k).is_some_and(|s| matches!(s.parsed(), Ok(p) if matches!(p.layout, Layout::Flow(_)) && !p.entries.is_empty()))
        };
        // A JSON manifest (as AWS CDK and `kubectl -o json` write it) gets JSON lists too.
        let json_manifest = matches!(&self.source, Source::Manifest { json: true, .. });
        flow(DataKey::MapRoles) || flow(DataKey::MapUsers) || json_manifest
    }

    /// Upserts a role mapping. See [`Edit::UpsertRole`].
    ///
    /// # Errors
    /// As [`AwsAuth::apply`].
    pub fn upsert_role(&mut self, upsert: Upsert) -> Result<Change, Error> {
        self.apply_single(Edit::UpsertRole(upsert))
    }

    /// Upserts a user mapping. See [`Edit::UpsertUser`].
    ///
    /// # Errors
    /// As [`AwsAuth::apply`].
    pub fn upsert_user(&mut self, upsert: Upsert) -> Result<Change, Error> {
        self.apply_single(Edit::UpsertUser(upsert))
    }

    fn apply_single(&mut self, edit: Edit) -> Result<Change, Error> {
        let mut changes = self.apply(std::slice::from_ref(&edit), &Options::default())?;
        changes
            .pop()
            .ok_or_else(|| Error::InvalidArgument("the edit reported nothing".into()))
    }
}

fn keys_of(edit: &Edit) -> Vec<DataKey> {
    match edit {
        Edit::RemoveByUsername { .. } => vec![DataKey::MapRoles, DataKey::MapUsers],
        other => vec![other.key()],
    }
}

fn not_editable(key: DataKey, problem: &KeyProblem) -> Error {
    let reason = match problem {
        KeyProblem::Syntax(e) => format!(
            "it is not valid YAML at line {}, column {}: {}",
            e.line, e.column, e.message
        ),
        KeyProblem::Type {
            line,
            column,
            message,
        } => format!("{message} (line {line}, column {column})"),
    };
    Error::KeyNotEditable { key, reason }
}

/// What an edit says on its own, checked before any key is read: the CLI refuses these as
/// usage errors whatever the manifest holds, and the npm package must answer the same.
fn check_arguments(edit: &Edit) -> Result<(), Error> {
    match edit {
        Edit::RemoveByUsername { username } if username.trim().is_empty() => Err(
            Error::InvalidArgument("remove by username needs a non-empty username".into()),
        ),
        _ => Ok(()),
    }
}

/// The groups an edit names: an empty string names none (a Kubernetes group has a name), in
/// every shell alike (`--groups a,,b` in the CLI, `groups: ["a", ""]` in npm).
fn named_groups(groups: &[String]) -> Vec<String> {
    groups.iter().filter(|g| !g.is_empty()).cloned().collect()
}

fn apply_one(
    edit: &Edit,
    options: &Options,
    editors: &mut Editors<'_>,
    changes: &mut Vec<Change>,
) -> Result<(), Error> {
    let key = edit.key();
    match edit {
        Edit::UpsertRole(u) | Edit::UpsertUser(u) => changes.push(upsert(key, u, editors)?),
        Edit::RemoveRole(r) | Edit::RemoveUser(r) => {
            // What is looked for, and what the error names, with the empty group names gone.
            let r = &Remove {
                groups: r.groups.as_deref().map(named_groups),
                ..r.clone()
            };
            let Remove {
                arn,
                username,
                groups,
            } = r;
            if arn.trim().is_empty() {
                return Err(Error::InvalidArgument("an ARN is required".into()));
            }
            let editor = editor(editors, key)?;
            if let Some(index) = editor.opaque_match(&editor.identity(arn.trim())) {
                return Err(Error::OpaqueEntry { key, index });
            }
            let removed = editor.remove(arn.trim(), username.as_deref(), groups.as_deref());
            // Name everything that was looked for: the ARN may be there with other values.
            report_removed(key, removed, &r.describe(), options, changes)?;
        }
        Edit::RemoveByUsername { username } => {
            let mut any = false;
            for k in [DataKey::MapRoles, DataKey::MapUsers] {
                let removed = editor(editors, k)?.remove_by_username(username);
                any |= !removed.is_empty();
                changes.extend(removed.into_iter().map(|subject| Change {
                    action: Action::Removed,
                    key: k,
                    subject,
                    note: None,
                }));
            }
            if !any && !options.force {
                return Err(Error::NothingMatched(format!(
                    "username {}",
                    quoted(username)
                )));
            }
        }
        Edit::AddAccount { account } => {
            let account = account.trim();
            if !crate::arn::is_account_id(account) {
                return Err(Error::InvalidArgument(format!(
                    "invalid account ID {}: an AWS account ID is 12 digits",
                    quoted(account)
                )));
            }
            let upserted = editor(editors, key)?.upsert(account, None, &[], false, false);
            let action = if upserted.result == UpsertResult::Added {
                Action::Added
            } else {
                Action::Unchanged
            };
            changes.push(Change {
                action,
                key,
                subject: account.to_string(),
                note: None,
            });
        }
        Edit::RemoveAccount { account } => {
            let removed = editor(editors, key)?.remove(account.trim(), None, None);
            report_removed(key, removed, account, options, changes)?;
        }
    }
    Ok(())
}

fn editor<'e, 'a>(
    editors: &'e mut Editors<'a>,
    key: DataKey,
) -> Result<&'e mut ListEditor<'a>, Error> {
    editors
        .0
        .iter_mut()
        .find(|(k, _)| *k == key)
        .map(|(_, e)| e)
        .ok_or_else(|| Error::InvalidArgument(format!("{key} is not loaded")))
}

/// An upsert of a role or a user: the ARN checked and stored without a path, then the entry
/// added or updated, with notes on what the caller may not have meant.
fn upsert(key: DataKey, u: &Upsert, editors: &mut Editors<'_>) -> Result<Change, Error> {
    let kind = if key == DataKey::MapRoles {
        "role"
    } else {
        "user"
    };
    let (arn, mut note) = checked_arn(key, kind, u)?;
    let editor = editor(editors, key)?;
    if let Some(index) = editor.opaque_match(&editor.identity(&arn)) {
        return Err(Error::OpaqueEntry { key, index });
    }
    // Blank counts as not given, as in the CLI: a username of spaces maps to nobody.
    let username = u.username.as_deref().filter(|s| !s.trim().is_empty());
    let groups = named_groups(&u.groups);
    let upserted = editor.upsert(&arn, username, &groups, u.append, u.update_username);
    // Only an existing entry can keep its username; a new one without any would map
    // the ARN to no Kubernetes user (validate's empty-username). `editors` is dropped
    // on error, so nothing is changed.
    if username.is_none() && upserted.result == UpsertResult::Added {
        return Err(Error::InvalidArgument(format!(
            "a new {kind} mapping needs a username: {arn} is not in {key} yet \
             (an empty username only keeps the one of an existing entry)"
        )));
    }
    let mut add_note = |n: String| {
        note = Some(note.take().map_or(n.clone(), |old| format!("{old}; {n}")));
    };
    if let Some(old) = &upserted.repaired {
        add_note(format!(
            "{old} has a path, which the authenticator never matches; rewritten as {arn}"
        ));
    }
    for old in &upserted.left_with_path {
        add_note(format!(
            "{old} has a path, which the authenticator never matches; left as it is \
             (rewritten, it could override the entry without a path)"
        ));
    }
    let action = match upserted.result {
        UpsertResult::Added => Action::Added,
        UpsertResult::Updated => Action::Updated,
        UpsertResult::Unchanged => Action::Unchanged,
    };
    Ok(Change {
        action,
        key,
        subject: arn,
        note,
    })
}

/// The ARN an upsert stores (a role's without its path) and what to tell the caller about it
/// and the templates; an error for an ARN that can never be used.
fn checked_arn(key: DataKey, kind: &str, u: &Upsert) -> Result<(String, Option<String>), Error> {
    let (arn, note) = match strip_role_path(u.arn.trim()).filter(|_| key == DataKey::MapRoles) {
        Some(stripped) => {
            let note = format!(
                "{} has a path, which the authenticator never matches; stored as {stripped}",
                u.arn
            );
            (stripped, Some(note))
        }
        None => (u.arn.trim().to_string(), None),
    };
    let mut note = note;
    match arn_problem(&arn, kind).map(|p| (p.blocks_upsert(), p.to_string())) {
        Some((true, problem)) => {
            return Err(Error::InvalidArgument(format!(
                "invalid {kind} ARN: {problem}"
            )));
        }
        // Suspicious but accepted (as the Go tool does): the caller is told.
        Some((false, problem)) => {
            note = Some(note.map_or(problem.clone(), |n| format!("{n}; {problem}")))
        }
        None => {}
    }
    // A mistyped template breaks the mapping silently (nodes cannot join): say so now.
    let values = u.username.iter().chain(&u.groups);
    for problem in values.flat_map(|v| template_problems(v)) {
        note = Some(note.map_or(problem.clone(), |n| format!("{n}; {problem}")));
    }
    Ok((arn, note))
}

/// The editors of the keys one `apply` touches: three at most, so a list.
pub(super) struct Editors<'a>(Vec<(DataKey, ListEditor<'a>)>);

impl<'a> Editors<'a> {
    pub(super) fn get(&self, key: DataKey) -> Option<&ListEditor<'a>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, e)| e)
    }

    fn changed(&self) -> impl Iterator<Item = (DataKey, &ListEditor<'a>)> {
        self.0
            .iter()
            .filter(|(_, e)| e.is_changed())
            .map(|(k, e)| (*k, e))
    }
}

fn report_removed(
    key: DataKey,
    removed: Vec<String>,
    what: &str,
    options: &Options,
    changes: &mut Vec<Change>,
) -> Result<(), Error> {
    if removed.is_empty() && !options.force {
        return Err(Error::NothingMatched(format!("{what} in {key}")));
    }
    changes.extend(removed.into_iter().map(|subject| Change {
        action: Action::Removed,
        key,
        subject,
        note: None,
    }));
    Ok(())
}
