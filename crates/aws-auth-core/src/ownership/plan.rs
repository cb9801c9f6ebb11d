//! From what is in aws-auth, what the record says and what a manager wants, the edits that
//! make the manager own exactly what it wants, and the record afterwards. Pure: the document
//! applies the edits (with its lossless writing, read-back checks and lockout guard).

use std::collections::{BTreeSet, HashMap};

use crate::arn::{role_identity, user_identity};
use crate::edit::{Action, Change, Edit, Remove, Upsert};
use crate::error::Error;
use crate::model::{DataKey, Mappings};
use crate::ownership::desired::{Desired, DesiredEntry};
use crate::ownership::record::{
    EntryKey, EntryKind, OWNERSHIP_ANNOTATION, Origin, Owned, Owns, Record, fingerprint,
};

/// The values of one entry now in aws-auth.
#[derive(Debug, Clone)]
pub(crate) struct Present {
    /// The ARN as written (or the account ID), for messages and edits.
    subject: String,
    pub fingerprint: String,
    username: Option<String>,
    groups: BTreeSet<String>,
}

/// What a plan decided for one entry that needs no edit, or a note for one that does.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The edits, in an order the document applies all at once.
    pub edits: Vec<Edit>,
    /// Reports for entries that need no edit (adopted, kept, unchanged, forgotten).
    pub quiet: Vec<Change>,
    /// Notes to attach to the changes the edits make, by entry key.
    pub notes: HashMap<EntryKey, String>,
    /// The record afterwards.
    pub record: Record,
    /// Entries someone else changed since the manager wrote them (subjects).
    pub drifted: Vec<String>,
}

/// The entries of the three keys, by identity (several entries may share one).
pub(crate) fn present(mappings: &Mappings) -> HashMap<EntryKey, Vec<Present>> {
    let mut out: HashMap<EntryKey, Vec<Present>> = HashMap::new();
    let mut add = |kind,
                   identity: String,
                   subject: &str,
                   username: &Option<String>,
                   groups: &Option<Vec<String>>| {
        let groups_list = groups.clone().unwrap_or_default();
        // An account has no values: it is there or not.
        let fingerprint = match kind {
            EntryKind::Account => String::new(),
            _ => fingerprint(username.as_deref(), &groups_list),
        };
        out.entry(EntryKey { kind, identity })
            .or_default()
            .push(Present {
                subject: subject.to_string(),
                fingerprint,
                username: username.clone(),
                groups: groups_list.into_iter().collect(),
            });
    };
    for r in &mappings.roles {
        if let Some(arn) = &r.rolearn {
            add(
                EntryKind::Role,
                role_identity(arn.trim()),
                arn,
                &r.username,
                &r.groups,
            );
        }
    }
    for u in &mappings.users {
        if let Some(arn) = &u.userarn {
            add(
                EntryKind::User,
                user_identity(arn.trim()),
                arn,
                &u.username,
                &u.groups,
            );
        }
    }
    for a in &mappings.accounts {
        add(EntryKind::Account, a.trim().to_string(), a, &None, &None);
    }
    out
}

fn data_key(kind: EntryKind) -> DataKey {
    match kind {
        EntryKind::Role => DataKey::MapRoles,
        EntryKind::User => DataKey::MapUsers,
        EntryKind::Account => DataKey::MapAccounts,
    }
}

fn quiet(
    action: Action,
    kind: EntryKind,
    subject: &str,
    note: impl Into<Option<String>>,
) -> Change {
    Change {
        action,
        key: data_key(kind),
        subject: subject.to_string(),
        note: note.into(),
    }
}

fn upsert(kind: EntryKind, d: &DesiredEntry) -> Edit {
    let u = Upsert::new(d.arn.trim(), d.username.clone(), d.groups.iter().cloned());
    match kind {
        EntryKind::Role => Edit::UpsertRole(u),
        _ => Edit::UpsertUser(u),
    }
}

fn remove(kind: EntryKind, subject: &str) -> Edit {
    match kind {
        EntryKind::Role => Edit::RemoveRole(Remove {
            arn: subject.to_string(),
            ..Remove::default()
        }),
        EntryKind::User => Edit::RemoveUser(Remove {
            arn: subject.to_string(),
            ..Remove::default()
        }),
        EntryKind::Account => Edit::RemoveAccount {
            account: subject.to_string(),
        },
    }
}

/// Whether every entry with the identity has the desired values (as a set of groups: the
/// authenticator ignores their order and repeats).
fn equal(entries: &[Present], want: Option<&DesiredEntry>) -> bool {
    match want {
        None => true,
        Some(d) => entries.iter().all(|e| {
            e.username.as_deref() == Some(d.username.as_str())
                && e.groups == d.groups.iter().cloned().collect::<BTreeSet<_>>()
        }),
    }
}

/// How a manager's apply goes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PlanOptions {
    /// Take entries that another manager owns, or that differ and nobody owns.
    pub take_over: bool,
    /// The ConfigMap has no record at all: a tool may have dropped it, which notes say.
    pub no_record: bool,
}

/// Plans `manager`'s apply of `desired`.
///
/// # Errors
/// [`Error::Owned`] for the first desired entry another manager owns (or that nobody owns and
/// differs), unless `take_over`.
pub(crate) fn plan_apply(
    mappings: &Mappings,
    record: &Record,
    manager: &str,
    desired: &Desired,
    options: PlanOptions,
) -> Result<Plan, Error> {
    let present = present(mappings);
    let mut next = record.clone();
    let mine: Owns = next.managers.remove(manager).unwrap_or_default();
    let mut owns = Owns::new();
    let mut plan = Plan {
        edits: Vec::new(),
        quiet: Vec::new(),
        notes: HashMap::new(),
        record: Record::default(),
        drifted: Vec::new(),
    };
    let wanted: Vec<(EntryKey, Option<&DesiredEntry>, String)> = desired
        .keys()
        .into_iter()
        .zip(
            desired
                .roles
                .iter()
                .map(Some)
                .chain(desired.users.iter().map(Some))
                .chain(desired.accounts.iter().map(|_| None)),
        )
        .map(|((key, _), d)| {
            let subject = match d {
                Some(d) => d.arn.trim().to_string(),
                None => key.identity.clone(),
            };
            (key, d, subject)
        })
        .collect();
    let mut edits_upsert = Vec::new();
    for (key, want, subject) in &wanted {
        let entries = present.get(key).map(Vec::as_slice).unwrap_or_default();
        let want_fp = match want {
            Some(d) => fingerprint(Some(&d.username), &d.groups),
            None => String::new(),
        };
        let mut origin = None;
        if let Some(other) = record.owner_of(key, manager) {
            if !options.take_over {
                return Err(Error::Owned {
                    subject: subject.clone(),
                    owner: Some(other.to_string()),
                });
            }
            // Taking over from a manager carries its origin: what it created, the new owner
            // may remove.
            let taken = next
                .managers
                .get_mut(other)
                .and_then(|o| o.remove(key))
                .map_or(Origin::Adopted, |o| o.origin);
            origin = Some(taken);
            plan.notes
                .insert(key.clone(), format!("taken over from {other}"));
        }
        let change_needed = !entries.is_empty() && !equal(entries, *want);
        match mine.get(key) {
            Some(owned) => {
                origin = Some(origin.unwrap_or(owned.origin));
                let drifted = entries.is_empty()
                    || entries.iter().any(|e| e.fingerprint != owned.fingerprint);
                if drifted {
                    plan.drifted.push(subject.clone());
                    plan.notes.insert(
                        key.clone(),
                        if entries.is_empty() {
                            format!("someone removed it since {manager} wrote it; added back")
                        } else {
                            format!("someone changed it since {manager} wrote it; set back")
                        },
                    );
                }
                if entries.is_empty() || change_needed {
                    edits_upsert.push((key.kind, *want, subject));
                } else {
                    let note = drifted.then(|| {
                        format!(
                            "someone changed it since {manager} wrote it; it has the desired values"
                        )
                    });
                    plan.quiet.push(quiet(
                        Action::Unchanged,
                        key.kind,
                        &entries[0].subject,
                        note,
                    ));
                }
            }
            None if entries.is_empty() => {
                origin = Some(origin.unwrap_or(Origin::Created));
                edits_upsert.push((key.kind, *want, subject));
            }
            None if !change_needed => {
                origin = Some(origin.unwrap_or(Origin::Adopted));
                let note = plan
                    .notes
                    .remove(key)
                    .unwrap_or_else(|| {
                        let why = if options.no_record {
                            format!(
                                "there is no ownership record (a tool may have dropped the annotation {OWNERSHIP_ANNOTATION}); "
                            )
                        } else {
                            String::new()
                        };
                        format!("{why}it already had the values {manager} wants")
                    });
                plan.quiet
                    .push(quiet(Action::Adopted, key.kind, &entries[0].subject, note));
            }
            None => {
                if !options.take_over {
                    return Err(Error::Owned {
                        subject: subject.clone(),
                        owner: None,
                    });
                }
                origin = Some(origin.unwrap_or(Origin::Adopted));
                plan.notes
                    .entry(key.clone())
                    .or_insert_with(|| "taken over: it was not managed".to_string());
                edits_upsert.push((key.kind, *want, subject));
            }
        }
        owns.insert(
            key.clone(),
            Owned {
                origin: origin.unwrap_or(Origin::Adopted),
                fingerprint: want_fp,
            },
        );
    }
    for (kind, want, subject) in edits_upsert {
        plan.edits.push(match want {
            Some(d) => upsert(kind, d),
            None => Edit::AddAccount {
                account: subject.clone(),
            },
        });
    }
    // Entries the manager no longer wants: removals come last, so that the lockout guard sees
    // them against everything the apply adds.
    let wanted_keys: BTreeSet<&EntryKey> = wanted.iter().map(|(k, _, _)| k).collect();
    for (key, owned) in &mine {
        if !wanted_keys.contains(key) {
            let entries = present.get(key).map(Vec::as_slice).unwrap_or_default();
            let (edit, change) = let_go(key, owned, entries, manager);
            plan.edits.extend(edit);
            plan.quiet.extend(change);
        }
    }
    if !owns.is_empty() {
        next.managers.insert(manager.to_string(), owns);
    }
    next.managers.retain(|_, o| !o.is_empty());
    plan.record = next;
    Ok(plan)
}

/// Plans `manager`'s release: what it created and nobody changed is removed; the rest stays.
pub(crate) fn plan_release(mappings: &Mappings, record: &Record, manager: &str) -> Plan {
    let present = present(mappings);
    let mut next = record.clone();
    let mine = next.managers.remove(manager).unwrap_or_default();
    let mut plan = Plan {
        edits: Vec::new(),
        quiet: Vec::new(),
        notes: HashMap::new(),
        record: Record::default(),
        drifted: Vec::new(),
    };
    for (key, owned) in &mine {
        let entries = present.get(key).map(Vec::as_slice).unwrap_or_default();
        if owned.origin == Origin::Created
            && !entries.is_empty()
            && entries.iter().any(|e| e.fingerprint != owned.fingerprint)
        {
            plan.drifted.push(entries[0].subject.clone());
        }
        let (edit, change) = let_go(key, owned, entries, manager);
        plan.edits.extend(edit);
        plan.quiet.extend(change);
    }
    plan.record = next;
    plan
}

/// What becomes of an entry a manager stops owning: removed if it created it and nobody
/// changed it since; otherwise left as it is.
fn let_go(
    key: &EntryKey,
    owned: &Owned,
    entries: &[Present],
    manager: &str,
) -> (Option<Edit>, Option<Change>) {
    let Some(first) = entries.first() else {
        return (
            None,
            Some(quiet(
                Action::Forgotten,
                key.kind,
                &key.identity,
                Some("it was no longer in aws-auth".to_string()),
            )),
        );
    };
    if owned.origin == Origin::Adopted {
        return (
            None,
            Some(quiet(
                Action::Kept,
                key.kind,
                &first.subject,
                Some(format!(
                    "{manager} adopted it, so it stays, no longer managed"
                )),
            )),
        );
    }
    if entries.iter().any(|e| e.fingerprint != owned.fingerprint) {
        return (
            None,
            Some(quiet(
                Action::Kept,
                key.kind,
                &first.subject,
                Some(format!(
                    "someone changed it since {manager} wrote it, so it stays, no longer managed"
                )),
            )),
        );
    }
    (Some(remove(key.kind, &first.subject)), None)
}
