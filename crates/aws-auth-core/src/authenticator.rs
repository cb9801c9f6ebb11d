//! The authenticator's view of a document: which entries aws-iam-authenticator keeps, under
//! which key of its in-memory map, which of them a caller can ever match, and so who can hold
//! `system:masters`.
//!
//! This is the one place that knows those rules (`CONTRACT.md` §1, as measured in
//! `testing/authcheck/FINDINGS.md`). Safety decisions (the lockout guard), the duplicate
//! diagnostics and later `explain`, ownership and access-entry plans read it, never the looser
//! *identity* that operations use to find "this role" (§2):
//!
//! - a role entry's key is its whole ARN lowercased, **path included**; a user entry's key is
//!   its ARN **as written**; an `sso` entry's key is the ARN pattern it builds, lowercased;
//! - of the entries of one list with the same key, the last wins and the others are dead;
//! - callers arrive canonicalised (`assumed-role/R/session` → `role/R`), so a role ARN with a
//!   path, an `sts` assumed-role ARN or an ARN with spaces around it never matches anyone;
//! - `mapRoles` is searched before `mapUsers`: a user entry whose ARN a live role entry also
//!   maps (ignoring case) is never used.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

use serde::Serialize;

use crate::arn::{Arn, PARTITIONS, is_account_id};
use crate::diagnostics::Severity;
use crate::model::{DataKey, SsoSpec};
use crate::quoted::quoted;
use crate::section::{Entry, EntryValue};

/// The group that makes a caller a cluster administrator.
pub const MASTERS: &str = "system:masters";

/// What the authenticator makes of one `mapRoles` or `mapUsers` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewEntry<'a> {
    /// The list the entry is in.
    pub list: DataKey,
    /// 0-based index in that list.
    pub index: usize,
    /// The key of the authenticator's map; `None` for an entry it drops.
    pub lookup_key: Option<String>,
    /// `rolearn` / `userarn` as written (`None` for an `sso` entry).
    pub arn: Option<&'a str>,
    /// `groups` (empty when absent).
    pub groups: &'a [String],
    /// Whether a caller can get this entry's username and groups.
    pub status: EntryStatus,
    /// 1-based line of the entry in its key's text; `None` for an entry an edit is about to
    /// write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl ViewEntry<'_> {
    /// Whether a caller can be mapped through this entry.
    pub fn is_live(&self) -> bool {
        self.status == EntryStatus::Live
    }

    /// Whether the entry is live and grants `system:masters`.
    pub fn grants_masters(&self) -> bool {
        self.is_live() && self.groups.iter().any(|g| g == MASTERS)
    }
}

/// Why an entry is, or is not, used by the authenticator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum EntryStatus {
    /// Kept, not overridden, and a caller can match it.
    Live,
    /// `Validate()` drops it (no ARN, both `rolearn` and `sso`, a bad `sso`, ...).
    Dropped {
        /// What is missing or wrong.
        reason: String,
    },
    /// A later entry of the same list has the same key and replaces it.
    Overridden {
        /// Index of the entry that wins.
        by: usize,
    },
    /// Kept, but no caller can ever match it.
    NeverMatches {
        /// Why not.
        reason: Unmatchable,
    },
    /// A `mapUsers` entry for an ARN that a live `mapRoles` entry maps too: roles are searched
    /// first, so this one is never used.
    Shadowed {
        /// Index of the `mapRoles` entry used instead.
        by: usize,
    },
}

/// Why a kept entry can never match a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unmatchable {
    /// A role ARN with a path: callers are canonicalised to `role/<name>`.
    RolePath,
    /// An `sts` assumed-role ARN: callers are canonicalised to the role ARN.
    AssumedRole,
    /// Spaces around the ARN: compared as written.
    Whitespace,
    /// Not an ARN at all.
    NotAnArn,
    /// An `sso` entry with a `partition`: the authenticator builds a pattern without it.
    SsoPartition,
}

/// The authenticator's view of a document's `mapRoles` and `mapUsers`.
///
/// ```
/// use aws_auth_core::{AwsAuth, EntryStatus, Unmatchable};
/// let auth = AwsAuth::parse("data:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/team/ops\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::111122223333:role/OPS\n      groups: [view]\n    - rolearn: arn:aws:iam::111122223333:role/ops\n      groups: [system:masters]\n").unwrap();
/// let view = auth.authenticator_view();
/// let status: Vec<&EntryStatus> = view.entries.iter().map(|e| &e.status).collect();
/// assert_eq!(status, [
///     &EntryStatus::NeverMatches { reason: Unmatchable::RolePath },
///     &EntryStatus::Overridden { by: 2 },
///     &EntryStatus::Live,
/// ]);
/// assert_eq!(view.masters().count(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorView<'a> {
    /// Every entry of `mapRoles`, then of `mapUsers`, in order.
    pub entries: Vec<ViewEntry<'a>>,
    /// Keys the authenticator drops whole (they do not parse): none of their entries is here.
    pub unread_keys: Vec<DataKey>,
}

impl<'a> AuthenticatorView<'a> {
    /// The entries a caller can be mapped through.
    pub fn live(&self) -> impl Iterator<Item = &ViewEntry<'a>> {
        self.entries.iter().filter(|e| e.is_live())
    }

    /// The live entries that grant `system:masters`: who can administer the cluster.
    pub fn masters(&self) -> impl Iterator<Item = &ViewEntry<'a>> {
        self.entries.iter().filter(|e| e.grants_masters())
    }

    /// The entries the authenticator keeps or drops but never uses, with why.
    pub fn dead(&self) -> impl Iterator<Item = &ViewEntry<'a>> {
        self.entries.iter().filter(|e| !e.is_live())
    }

    /// Builds the view of entries given in list order per key.
    /// An iterator, not a vector: validate builds the view of a whole list on every call, and
    /// needs no second list-sized allocation for the candidates.
    pub(crate) fn of(
        candidates: impl IntoIterator<Item = Candidate<'a>>,
        unread_keys: Vec<DataKey>,
    ) -> Self {
        let mut entries: Vec<ViewEntry<'a>> = candidates
            .into_iter()
            .map(|c| {
                let (lookup_key, status) = match c.dropped {
                    Some(reason) => (None, EntryStatus::Dropped { reason }),
                    None => {
                        let key = lookup_key(c.list, c.arn, c.sso);
                        let status = match c.arn.map_or_else(|| sso_unmatchable(c.sso), unmatchable)
                        {
                            Some(reason) => EntryStatus::NeverMatches { reason },
                            None => EntryStatus::Live,
                        };
                        (Some(key), status)
                    }
                };
                ViewEntry {
                    list: c.list,
                    index: c.index,
                    lookup_key,
                    arn: c.arn,
                    groups: c.groups.unwrap_or_default(),
                    status,
                    line: c.line,
                }
            })
            .collect();
        // Last wins per key and list: walk backwards, the first seen is the winner.
        let mut winners: HashMap<(DataKey, &str), usize> = HashMap::with_capacity(entries.len());
        let mut overridden: Vec<(usize, usize)> = Vec::new();
        for (pos, e) in entries.iter().enumerate().rev() {
            let Some(key) = e.lookup_key.as_deref() else {
                continue;
            };
            match winners.entry((e.list, key)) {
                Slot::Occupied(winner) => overridden.push((pos, entries[*winner.get()].index)),
                Slot::Vacant(slot) => {
                    slot.insert(pos);
                }
            }
        }
        for (pos, by) in overridden {
            entries[pos].status = EntryStatus::Overridden { by };
        }
        shadow_users(&mut entries);
        AuthenticatorView {
            entries,
            unread_keys,
        }
    }

    /// The view of `mapRoles` and `mapUsers` together from the views of each: what
    /// [`AuthenticatorView::of`] makes of both keys' candidates, as the last-wins rule holds
    /// per key and only the roles' shadowing of users crosses keys.
    pub(crate) fn joined(roles: AuthenticatorView<'a>, users: AuthenticatorView<'a>) -> Self {
        let mut entries = roles.entries;
        entries.extend(users.entries);
        let mut unread_keys = roles.unread_keys;
        unread_keys.extend(users.unread_keys);
        shadow_users(&mut entries);
        AuthenticatorView {
            entries,
            unread_keys,
        }
    }
}

/// Marks the live user entries whose ARN a live role entry maps too: roles are searched
/// first, with the same case-insensitive comparison as users.
fn shadow_users(entries: &mut [ViewEntry<'_>]) {
    let users: Vec<(usize, String)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.list == DataKey::MapUsers && e.is_live())
        .filter_map(|(pos, e)| Some((pos, e.arn?.to_ascii_lowercase())))
        .collect();
    if users.is_empty() {
        return;
    }
    // The users are looked up from the roles, not the other way: there are a few users and
    // thousands of roles, and a handful is compared directly, without hashing every role's
    // key. A live role's lookup key is its ARN lowercased. The last live role of an ARN is
    // the one named, as the authenticator's map keeps the last.
    let mut by: Vec<Option<usize>> = vec![None; users.len()];
    let mut wanted: HashMap<&str, Vec<usize>> = HashMap::new();
    if users.len() > 8 {
        for (slot, (_, arn)) in users.iter().enumerate() {
            wanted.entry(arn.as_str()).or_default().push(slot);
        }
    }
    for role in entries
        .iter()
        .filter(|e| e.list == DataKey::MapRoles && e.is_live())
    {
        let Some(key) = role.arn.and(role.lookup_key.as_deref()) else {
            continue;
        };
        if wanted.is_empty() {
            for (slot, (_, arn)) in users.iter().enumerate() {
                if arn == key {
                    by[slot] = Some(role.index);
                }
            }
        } else if let Some(slots) = wanted.get(key) {
            for &slot in slots {
                by[slot] = Some(role.index);
            }
        }
    }
    for ((pos, _), by) in users.iter().zip(by) {
        if let Some(by) = by {
            entries[*pos].status = EntryStatus::Shadowed { by };
        }
    }
}

/// One entry as the view needs it: from a parsed entry, or from the values an edit decided.
#[derive(Debug, Clone)]
pub(crate) struct Candidate<'a> {
    pub list: DataKey,
    pub index: usize,
    pub arn: Option<&'a str>,
    pub sso: Option<&'a SsoSpec>,
    pub groups: Option<&'a [String]>,
    pub dropped: Option<String>,
    pub line: Option<usize>,
}

impl<'a> Candidate<'a> {
    /// A parsed entry as written.
    pub fn of_entry(list: DataKey, index: usize, e: &'a Entry) -> Candidate<'a> {
        let sso = match &e.value {
            EntryValue::Role(r) => r.sso.as_ref(),
            _ => None,
        };
        Candidate {
            list,
            index,
            arn: e.arn().filter(|a| !a.is_empty()),
            sso,
            groups: e.groups(),
            dropped: dropped_reason(e),
            line: Some(e.node.line),
        }
    }
}

/// Why `Validate()` drops the entry (or the decode left it unusable), if it does.
pub(crate) fn dropped_reason(e: &Entry) -> Option<String> {
    match &e.value {
        EntryValue::Account(_) => Some("an account, not a mapping".into()),
        _ => mapping_dropped_reason(e),
    }
}

/// Why `Validate()` drops a role or user mapping, if it does; `None` for an account, which is
/// no mapping to drop (an upsert of an account finds it all the same).
pub(crate) fn mapping_dropped_reason(e: &Entry) -> Option<String> {
    if matches!(e.value, EntryValue::Account(_)) {
        return None;
    }
    if let Some(issue) = e
        .issues
        .iter()
        .find(|is| is.code.severity() == Severity::Error)
    {
        return Some(issue.message.clone());
    }
    let arn = e.arn().filter(|a| !a.is_empty());
    match &e.value {
        EntryValue::Role(r) => match (arn, &r.sso) {
            (None, None) => Some("neither rolearn nor sso".into()),
            (Some(_), Some(_)) => Some("both rolearn and sso".into()),
            (None, Some(sso)) => sso_problem(sso),
            (Some(_), None) => None,
        },
        // A user (accounts returned above).
        _ => arn.is_none().then(|| "no userarn".into()),
    }
}

/// `RoleMapping.Validate` on the `sso` part.
pub(crate) fn sso_problem(sso: &SsoSpec) -> Option<String> {
    let psn = &sso.permission_set_name;
    let psn_ok = (1..=32).contains(&psn.len())
        && psn
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    let partition = sso.partition.as_deref().unwrap_or_default();
    if psn.is_empty() {
        Some("sso has no permissionSetName".into())
    } else if !psn_ok {
        Some(format!(
            "sso permissionSetName {} is not 1-32 of A-Z a-z 0-9 _+=,.@-",
            quoted(psn)
        ))
    } else if !is_account_id(&sso.account_id) {
        Some(format!(
            "sso accountID {} is not 12 digits",
            quoted(&sso.account_id)
        ))
    } else if !partition.is_empty() && !PARTITIONS.contains(&partition) {
        Some(format!(
            "sso partition {} is not a known partition",
            quoted(partition)
        ))
    } else {
        None
    }
}

/// `RoleMapping.Key()` / `UserMapping.Key()`.
fn lookup_key(list: DataKey, arn: Option<&str>, sso: Option<&SsoSpec>) -> String {
    match (arn, sso) {
        (Some(arn), _) if list == DataKey::MapUsers => arn.to_string(),
        (Some(arn), _) => arn.to_ascii_lowercase(),
        (None, Some(sso)) => {
            // `SSOArnLike`: an explicit partition comes out empty (FINDINGS.md §4).
            let partition = if sso.partition.as_deref().unwrap_or_default().is_empty() {
                "aws"
            } else {
                ""
            };
            format!(
                "arn:{partition}:iam::{}:role/awsreservedsso_{}_*",
                sso.account_id, sso.permission_set_name
            )
            .to_ascii_lowercase()
        }
        (None, None) => String::new(),
    }
}

fn sso_unmatchable(sso: Option<&SsoSpec>) -> Option<Unmatchable> {
    sso.and_then(|s| s.partition.as_deref())
        .filter(|p| !p.is_empty())
        .map(|_| Unmatchable::SsoPartition)
}

/// Why no canonical caller ARN can equal this one (ignoring case), if none can.
pub(crate) fn unmatchable(arn: &str) -> Option<Unmatchable> {
    if arn.trim() != arn {
        return Some(Unmatchable::Whitespace);
    }
    // Compared ignoring case, as the authenticator lowercases both sides.
    let is = |part: &str, what: &str| part.eq_ignore_ascii_case(what);
    let Some(parsed) = Arn::parse(arn) else {
        // `arn:aws:iam::A:root` has no `/` but is a caller the authenticator maps.
        let root = arn.len() >= 5
            && arn.is_char_boundary(4)
            && arn.is_char_boundary(arn.len() - 5)
            && is(&arn[..4], "arn:")
            && is(&arn[arn.len() - 5..], ":root");
        return (!root).then_some(Unmatchable::NotAnArn);
    };
    if is(parsed.service, "sts") && is(parsed.resource_type, "assumed-role") {
        Some(Unmatchable::AssumedRole)
    } else if is(parsed.resource_type, "role") && !parsed.path.is_empty() {
        Some(Unmatchable::RolePath)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_arns_a_canonical_caller_can_have_match() {
        assert_eq!(unmatchable("arn:aws:iam::111122223333:role/a"), None);
        assert_eq!(unmatchable("ARN:AWS:IAM::111122223333:ROLE/A"), None);
        assert_eq!(
            unmatchable("ARN:AWS:IAM::111122223333:ROLE/TEAM/A"),
            Some(Unmatchable::RolePath)
        );
        // Users keep their path in the caller identity.
        assert_eq!(unmatchable("arn:aws:iam::111122223333:user/dev/bob"), None);
        assert_eq!(
            unmatchable("arn:aws:sts::111122223333:assumed-role/a/s"),
            Some(Unmatchable::AssumedRole)
        );
        assert_eq!(
            unmatchable(" arn:aws:iam::111122223333:role/a"),
            Some(Unmatchable::Whitespace)
        );
        assert_eq!(unmatchable("arn:aws:iam::111122223333:root"), None);
        assert_eq!(unmatchable("not-an-arn"), Some(Unmatchable::NotAnArn));
    }
}
