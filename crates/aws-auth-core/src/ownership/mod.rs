//! Entry ownership: several writers (CDK stacks, Pulumi programs, pipelines, people) share
//! aws-auth without overwriting each other.
//!
//! Each writer is a *manager* with a name. [`AwsAuth::apply_as`] makes a manager own exactly
//! the entries it wants: it adds what is missing, updates what it owns, removes what it made
//! and no longer wants, adopts equal entries nobody owns, and refuses to take entries that
//! another manager owns (or that nobody owns and that differ) unless told to take them over.
//! [`AwsAuth::release`] removes what a manager made and nobody changed since, and forgets the
//! manager. Who owns what is kept in the ConfigMap itself, in the annotation
//! [`OWNERSHIP_ANNOTATION`] (see the `record` module for its format), so that every writer,
//! whichever tool or machine it runs on, sees the same record; changing the record and the
//! data is one write.
//!
//! ```
//! use aws_auth_core::{ApplyOptions, AwsAuth, Desired, DesiredEntry};
//!
//! let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups: [system:masters]\n";
//! let mut auth = AwsAuth::parse(manifest)?;
//! let desired = Desired {
//!     roles: vec![DesiredEntry::new("arn:aws:iam::111122223333:role/ci", "ci", ["deployers"])],
//!     ..Desired::default()
//! };
//! let applied = auth.apply_as("team-ci", &desired, &ApplyOptions::default())?;
//! assert_eq!(applied.changes[0].to_string(), "added arn:aws:iam::111122223333:role/ci to aws-auth");
//! assert_eq!(auth.ownership().roles, [None, Some("team-ci".to_string())]);
//!
//! // Releasing removes what team-ci added, and its record: the manifest is as it was.
//! auth.release("team-ci", &ApplyOptions::default())?;
//! assert_eq!(auth.to_string(), manifest);
//! # Ok::<(), aws_auth_core::Error>(())
//! ```

mod annotation;
mod desired;
mod plan;
mod record;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub(crate) use annotation::{read_record, write_record};
pub use desired::{Desired, DesiredEntry};
pub use record::OWNERSHIP_ANNOTATION;

use crate::arn::{role_identity, user_identity};
use crate::diagnostics::{Code, Diagnostic, diagnostic};
use crate::document::AwsAuth;
use crate::edit::{Change, Options};
use crate::error::Error;
use crate::model::DataKey;
use plan::{Plan, PlanOptions, plan_apply, plan_release};
use record::{EntryKey, EntryKind, ReadRecord, Record};

/// The most a manager name may hold; the record repeats it once.
const MAX_MANAGER_LEN: usize = 253;

/// How [`AwsAuth::apply_as`] and [`AwsAuth::release`] go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyOptions {
    /// Take desired entries that another manager owns, or that nobody owns and differ.
    #[serde(default)]
    pub take_over: bool,
    /// Allow taking away the last `system:masters` grant.
    #[serde(default)]
    pub allow_lockout: bool,
}

/// What an apply or release did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// One line per entry: added, updated, unchanged, adopted, removed, kept or forgotten.
    pub changes: Vec<Change>,
    /// Entries someone else changed since the manager last wrote them (ARNs or account IDs).
    pub drifted: Vec<String>,
    /// What was wrong with the ownership record and is now repaired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repaired: Option<String>,
}

/// Who manages what, entry by entry, as [`AwsAuth::mappings`] lists the entries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ownership {
    /// Every manager in the record, sorted.
    pub managers: Vec<String>,
    /// The manager of each `mapRoles` entry (`None`: not managed).
    pub roles: Vec<Option<String>>,
    /// The manager of each `mapUsers` entry.
    pub users: Vec<Option<String>>,
    /// The manager of each `mapAccounts` item.
    pub accounts: Vec<Option<String>>,
}

impl AwsAuth {
    /// Makes `manager` own exactly the `desired` entries, as the module documentation says.
    ///
    /// # Errors
    /// [`Error::Owned`] when a desired entry is another manager's (or nobody's and differs)
    /// without `take_over`; [`Error::Lockout`] when it would take away the last
    /// `system:masters` grant; every error of [`AwsAuth::apply`]; [`Error::NewerRecord`];
    /// [`Error::RecordNotWritable`]. On error nothing changes.
    pub fn apply_as(
        &mut self,
        manager: &str,
        desired: &Desired,
        options: &ApplyOptions,
    ) -> Result<Applied, Error> {
        check_manager(manager)?;
        desired.check()?;
        let (record, repaired) = self.record_for(manager)?;
        let plan = plan_apply(
            &self.mappings(),
            &record,
            manager,
            desired,
            PlanOptions {
                take_over: options.take_over,
                no_record: self.ownership_record().is_none(),
            },
        )?;
        self.carry_out(plan, options, repaired)
    }

    /// Removes what `manager` created and nobody changed since, leaves the rest, and drops the
    /// manager from the record. Releasing a manager the record does not know does nothing.
    ///
    /// # Errors
    /// [`Error::Lockout`] when a removal would take away the last `system:masters` grant
    /// (without `allow_lockout`); the errors of [`AwsAuth::apply`]. On error nothing changes.
    pub fn release(&mut self, manager: &str, options: &ApplyOptions) -> Result<Applied, Error> {
        check_manager(manager)?;
        let (record, repaired) = self.record_for(manager)?;
        let plan = plan_release(&self.mappings(), &record, manager);
        self.carry_out(plan, options, repaired)
    }

    /// Who manages each entry.
    pub fn ownership(&self) -> Ownership {
        let record = match Record::read(self.ownership_record()) {
            ReadRecord::Read { record, .. } => record,
            _ => Record::default(),
        };
        let owner_of: HashMap<&EntryKey, &String> = record
            .managers
            .iter()
            .flat_map(|(name, owns)| owns.keys().map(move |k| (k, name)))
            .collect();
        let lookup = |kind, identity: String| {
            owner_of
                .get(&EntryKey { kind, identity })
                .map(|name| (*name).clone())
        };
        let mappings = self.mappings();
        Ownership {
            managers: record.managers.keys().cloned().collect(),
            roles: mappings
                .roles
                .iter()
                .map(|r| {
                    r.rolearn
                        .as_deref()
                        .and_then(|a| lookup(EntryKind::Role, role_identity(a.trim())))
                })
                .collect(),
            users: mappings
                .users
                .iter()
                .map(|u| {
                    u.userarn
                        .as_deref()
                        .and_then(|a| lookup(EntryKind::User, user_identity(a.trim())))
                })
                .collect(),
            accounts: mappings
                .accounts
                .iter()
                .map(|a| lookup(EntryKind::Account, a.trim().to_string()))
                .collect(),
        }
    }

    /// The manager that owns the entry with this ARN (or account ID) in `key`, if one does:
    /// plain edits of a managed entry say so.
    ///
    /// ```
    /// use aws_auth_core::{AwsAuth, DataKey};
    /// let text = "metadata:\n  name: aws-auth\n  annotations:\n    aws-auth/managers: '{\"v\":1,\"managers\":{\"team-a\":{\"account:111122223333\":\"created:\"}}}'\ndata:\n  mapAccounts: |\n    - \"111122223333\"\n";
    /// let auth = AwsAuth::parse(text).unwrap();
    /// assert_eq!(auth.manager_of(DataKey::MapAccounts, "111122223333").as_deref(), Some("team-a"));
    /// assert_eq!(auth.manager_of(DataKey::MapAccounts, "444455556666"), None);
    /// ```
    pub fn manager_of(&self, key: DataKey, subject: &str) -> Option<String> {
        let ReadRecord::Read { record, .. } = Record::read(self.ownership_record()) else {
            return None;
        };
        record
            .owner_of(&entry_key(key, subject), "")
            .map(str::to_string)
    }

    /// The record to plan with, and what was wrong with it (repaired by the write).
    fn record_for(&self, manager: &str) -> Result<(Record, Option<String>), Error> {
        Ok(match Record::read(self.ownership_record()) {
            ReadRecord::Absent => (Record::default(), None),
            ReadRecord::Read { record, problems } if problems.is_empty() => (record, None),
            ReadRecord::Read { record, problems } => (
                record,
                Some(format!(
                    "the ownership record had parts that do not parse, now dropped: {}",
                    problems.join("; ")
                )),
            ),
            ReadRecord::Newer(v) => return Err(Error::NewerRecord(v)),
            ReadRecord::Unreadable(why) => (
                Record::default(),
                Some(format!(
                    "the ownership record was unreadable ({why}); it now holds {manager}'s entries only, and what other managers owned is unmanaged"
                )),
            ),
        })
    }

    /// Applies a plan's edits and writes its record, all or nothing.
    fn carry_out(
        &mut self,
        plan: Plan,
        options: &ApplyOptions,
        repaired: Option<String>,
    ) -> Result<Applied, Error> {
        let metadata = self.metadata_before_data();
        let mut next = self.clone();
        let mut changes = next.apply(
            &plan.edits,
            &Options {
                force: false,
                allow_lockout: options.allow_lockout,
            },
        )?;
        for change in &mut changes {
            if let Some(note) = plan.notes.get(&key_of(change)) {
                change.note = Some(match change.note.take() {
                    Some(first) => format!("{first}; {note}"),
                    None => note.clone(),
                });
            }
        }
        let text = plan.record.to_text();
        if text.as_deref() != self.ownership_record() {
            next.set_ownership_record(text, metadata)?;
        }
        changes.extend(plan.quiet);
        *self = next;
        Ok(Applied {
            changes,
            drifted: plan.drifted,
            repaired,
        })
    }
}

/// The record key of the entry a change is about.
fn key_of(change: &Change) -> EntryKey {
    entry_key(change.key, &change.subject)
}

/// The record key of an ARN (or account ID) in a data key.
fn entry_key(key: DataKey, subject: &str) -> EntryKey {
    let subject = subject.trim();
    match key {
        DataKey::MapRoles => EntryKey {
            kind: EntryKind::Role,
            identity: role_identity(subject),
        },
        DataKey::MapUsers => EntryKey {
            kind: EntryKind::User,
            identity: user_identity(subject),
        },
        DataKey::MapAccounts => EntryKey {
            kind: EntryKind::Account,
            identity: subject.to_string(),
        },
    }
}

fn check_manager(manager: &str) -> Result<(), Error> {
    if manager.trim().is_empty() {
        return Err(Error::InvalidArgument("the manager name is empty".into()));
    }
    if manager.len() > MAX_MANAGER_LEN || manager.chars().any(char::is_control) {
        return Err(Error::InvalidArgument(format!(
            "the manager name must be at most {MAX_MANAGER_LEN} bytes with no control characters"
        )));
    }
    Ok(())
}

/// What `validate` says about the record: parts that do not parse, entries it names that are
/// gone or that two managers claim, and entries changed since their manager wrote them.
pub(crate) fn diagnostics(auth: &AwsAuth) -> Vec<Diagnostic> {
    let warn = |message: String| diagnostic(Code::OwnershipRecord, None, None, None, message);
    let annotation = OWNERSHIP_ANNOTATION;
    match Record::read(auth.ownership_record()) {
        ReadRecord::Absent => Vec::new(),
        ReadRecord::Newer(v) => vec![warn(format!(
            "the ownership record (annotation {annotation}) has format version {v}; this build reads version 1 only"
        ))],
        ReadRecord::Unreadable(why) => vec![warn(format!(
            "the ownership record (annotation {annotation}) is unreadable: {why}; the next apply or release rewrites it"
        ))],
        ReadRecord::Read { record, problems } => problems
            .into_iter()
            .map(|p| format!("the ownership record: {p}; the next apply or release drops it"))
            .chain(record_against_entries(auth, &record))
            .map(warn)
            .collect(),
    }
}

/// Record entries that no longer match aws-auth, as messages.
fn record_against_entries(auth: &AwsAuth, record: &Record) -> Vec<String> {
    let present = plan::present(&auth.mappings());
    let mut out = Vec::new();
    let mut claimed: HashMap<&EntryKey, &str> = HashMap::new();
    for (manager, owns) in &record.managers {
        for (key, owned) in owns {
            let what = format!("{} {}", key.kind.noun(), key.identity);
            if let Some(first) = claimed.insert(key, manager) {
                out.push(format!(
                    "{what} is claimed by two managers, {first:?} and {manager:?}; an apply of one of them with take-over settles it"
                ));
            }
            match present.get(key) {
                None => out.push(format!(
                    "manager {manager:?} owns {what}, which is no longer in aws-auth; its next apply or release forgets it"
                )),
                Some(entries) if entries.iter().any(|e| e.fingerprint != owned.fingerprint) => out.push(format!(
                    "{what} was changed since manager {manager:?} wrote it; its next apply sets it back"
                )),
                Some(_) => {}
            }
        }
    }
    out
}
