//! A diff of two documents in the authenticator's view: which callers gain, lose or change
//! their mapping. Entries are compared by the authenticator's keys and only where they are
//! live, so a reformatting, a moved entry or reordered groups are no change, and an entry that
//! a new duplicate kills is a loss.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::authenticator::{EntryStatus, Unmatchable, ViewEntry};
use crate::document::AwsAuth;
use crate::model::DataKey;

/// One live mapping as a caller gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveMapping {
    /// The authenticator's map key.
    pub lookup_key: String,
    /// `rolearn`/`userarn` as written; `None` for an `sso` entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// 0-based entry index in its key.
    pub index: usize,
    /// 1-based line of the entry in its key's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// `username` as written.
    pub username: String,
    /// `groups` as written.
    pub groups: Vec<String>,
}

/// A mapping that is live on both sides with other values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedMapping {
    /// Which fields differ: `username`, `groups` (compared as sets).
    pub fields: Vec<String>,
    /// Groups the caller gains.
    pub groups_added: Vec<String>,
    /// Groups the caller loses (`system:masters` here is a lost administrator).
    pub groups_removed: Vec<String>,
    /// Before.
    pub old: LiveMapping,
    /// After.
    pub new: LiveMapping,
}

/// A mapping that is live before and not after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedMapping {
    /// The mapping before.
    #[serde(flatten)]
    pub old: LiveMapping,
    /// What became of it: `absent`, or why the entry that is still there is dead.
    pub now: String,
}

/// The change of one of `mapRoles` / `mapUsers`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDiff {
    /// Live after, not before.
    pub added: Vec<LiveMapping>,
    /// Live before, not after.
    pub removed: Vec<RemovedMapping>,
    /// Live on both sides, other username or groups.
    pub changed: Vec<ChangedMapping>,
}

impl ListDiff {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The change of `mapAccounts`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountsDiff {
    /// Accounts mapped after, not before.
    pub added: Vec<String>,
    /// Accounts mapped before, not after.
    pub removed: Vec<String>,
}

/// What changes for callers between two documents.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SemanticDiff {
    /// `mapRoles`.
    pub map_roles: ListDiff,
    /// `mapUsers`.
    pub map_users: ListDiff,
    /// `mapAccounts`.
    pub map_accounts: AccountsDiff,
    /// Keys that parse before and not after: the authenticator drops every entry in them.
    pub newly_unread: Vec<DataKey>,
    /// Keys that did not parse before and do after.
    pub newly_read: Vec<DataKey>,
}

impl SemanticDiff {
    /// Whether any caller gains, loses or changes its mapping.
    pub fn access_changed(&self) -> bool {
        !(self.map_roles.is_empty()
            && self.map_users.is_empty()
            && self.map_accounts.added.is_empty()
            && self.map_accounts.removed.is_empty())
    }
}

impl AwsAuth {
    /// What changes for callers from `self` to `new`, in the authenticator's view.
    ///
    /// ```
    /// use aws_auth_core::AwsAuth;
    /// let old = AwsAuth::from_data([("mapRoles", "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n  groups: [x, y]\n")]);
    /// let new = AwsAuth::from_data([("mapRoles", "[{rolearn: arn:aws:iam::111122223333:role/a, username: a, groups: [y, x]}]")]);
    /// assert!(!old.semantic_diff(&new).access_changed());
    /// ```
    pub fn semantic_diff(&self, new: &AwsAuth) -> SemanticDiff {
        let new_view = new.authenticator_view();
        let (old_live, new_live) = (live_mappings(self), live_mappings(new));
        let mut diff = SemanticDiff::default();
        for list in [DataKey::MapRoles, DataKey::MapUsers] {
            let out = if list == DataKey::MapRoles {
                &mut diff.map_roles
            } else {
                &mut diff.map_users
            };
            let before = old_live.get(&list);
            let after = new_live.get(&list);
            for (key, old) in before.into_iter().flatten() {
                match after.and_then(|m| m.get(key)) {
                    None => out.removed.push(RemovedMapping {
                        old: old.clone(),
                        now: what_became(&new_view.entries, &new_view.unread_keys, list, key),
                    }),
                    Some(n) => {
                        let mut fields = Vec::new();
                        if old.username != n.username {
                            fields.push("username".to_string());
                        }
                        let set = |g: &[String]| g.iter().cloned().collect::<BTreeSet<_>>();
                        if set(&old.groups) != set(&n.groups) {
                            fields.push("groups".to_string());
                        }
                        if !fields.is_empty() {
                            let (before, after) = (set(&old.groups), set(&n.groups));
                            out.changed.push(ChangedMapping {
                                fields,
                                groups_added: after.difference(&before).cloned().collect(),
                                groups_removed: before.difference(&after).cloned().collect(),
                                old: old.clone(),
                                new: n.clone(),
                            });
                        }
                    }
                }
            }
            for (key, n) in after.into_iter().flatten() {
                if before.is_none_or(|m| !m.contains_key(key)) {
                    out.added.push(n.clone());
                }
            }
            out.added.sort_by_key(|m| m.index);
            out.removed.sort_by_key(|m| m.old.index);
            out.changed.sort_by_key(|m| m.new.index);
        }
        let accounts = |d: &AwsAuth| -> BTreeSet<String> {
            d.mappings()
                .accounts
                .into_iter()
                .filter(|a| !a.is_empty())
                .collect()
        };
        let (a_old, a_new) = (accounts(self), accounts(new));
        diff.map_accounts.added = a_new.difference(&a_old).cloned().collect();
        diff.map_accounts.removed = a_old.difference(&a_new).cloned().collect();
        let unread = |d: &AwsAuth| -> Vec<DataKey> {
            d.validate()
                .iter()
                // The findings that make the authenticator drop a whole key.
                .filter(|x| {
                    x.entry.is_none()
                        && matches!(x.code, crate::Code::Syntax | crate::Code::WrongType)
                })
                .filter_map(|x| x.key.as_deref().and_then(DataKey::from_name))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let (u_old, u_new) = (unread(self), unread(new));
        diff.newly_unread = u_new
            .iter()
            .filter(|k| !u_old.contains(k))
            .copied()
            .collect();
        diff.newly_read = u_old
            .iter()
            .filter(|k| !u_new.contains(k))
            .copied()
            .collect();
        diff
    }
}

/// The live mappings of each list by lookup key.
fn live_mappings(d: &AwsAuth) -> BTreeMap<DataKey, BTreeMap<String, LiveMapping>> {
    let view = d.authenticator_view();
    let mappings = d.mappings();
    let mut out: BTreeMap<DataKey, BTreeMap<String, LiveMapping>> = BTreeMap::new();
    for e in view.live() {
        let Some(key) = e.lookup_key.clone() else {
            continue;
        };
        let username = match e.list {
            DataKey::MapRoles => mappings.roles.get(e.index).and_then(|r| r.username.clone()),
            _ => mappings.users.get(e.index).and_then(|u| u.username.clone()),
        };
        out.entry(e.list).or_default().insert(
            key.clone(),
            LiveMapping {
                lookup_key: key,
                arn: e.arn.map(str::to_string),
                index: e.index,
                line: e.line,
                username: username.unwrap_or_default(),
                groups: e.groups.to_vec(),
            },
        );
    }
    out
}

/// Why nothing live has `key` in the new document.
fn what_became(entries: &[ViewEntry<'_>], unread: &[DataKey], list: DataKey, key: &str) -> String {
    if unread.contains(&list) {
        return format!("{list} no longer parses: the authenticator drops every entry in it");
    }
    let same = entries
        .iter()
        .rfind(|e| e.list == list && key_of(e).as_deref() == Some(key));
    match same.map(|e| (&e.status, e.index)) {
        Some((EntryStatus::Overridden { by }, i)) => {
            format!("entry {i} is dead: entry {by} has the same key and wins")
        }
        Some((EntryStatus::Shadowed { by }, i)) => {
            format!("entry {i} is never used: mapRoles entry {by} maps the same ARN")
        }
        Some((EntryStatus::NeverMatches { reason }, i)) => {
            let why = match reason {
                Unmatchable::RolePath => "its role ARN has a path",
                Unmatchable::AssumedRole => "it is an STS assumed-role ARN",
                Unmatchable::Whitespace => "spaces around its ARN",
                Unmatchable::NotAnArn => "its ARN is not an ARN",
                Unmatchable::SsoPartition => "its sso entry has a partition",
            };
            format!("entry {i} never matches: {why}")
        }
        Some((EntryStatus::Dropped { reason }, i)) => format!("entry {i} is dropped: {reason}"),
        Some((EntryStatus::Live, _)) | None => "absent".to_string(),
    }
}

/// The entry's key, or for an entry the authenticator drops the key it would have had.
fn key_of(e: &ViewEntry<'_>) -> Option<String> {
    e.lookup_key.clone().or_else(|| {
        e.arn.map(|a| match e.list {
            DataKey::MapUsers => a.to_string(),
            _ => a.to_ascii_lowercase(),
        })
    })
}
