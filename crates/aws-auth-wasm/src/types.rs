//! The values that cross the JavaScript boundary, with their TypeScript declarations generated
//! by [`tsify`] into the package's `.d.ts` (wasm-bindgen's `typescript_custom_section`; nothing
//! of it reaches the `.wasm`).
//!
//! They mirror the core's [`aws_auth_core::Edit`], [`aws_auth_core::Upsert`],
//! [`aws_auth_core::Remove`], [`aws_auth_core::Options`], [`aws_auth_core::Change`] and
//! [`aws_auth_core::Diagnostic`] field for field, because the core does not derive `Tsify`
//! (it has no wasm dependency). They cannot drift from the core unnoticed:
//! - the conversions below destructure every struct and match every variant without `..` or
//!   `_`, so a field or variant added to the core does not compile here until it is mirrored;
//! - the tests at the bottom check that each mirror serialises exactly as its core type, and
//!   that the core's serialised edit lists (as the CLI's `--edits` files hold them) read the
//!   same through both;
//! - npm/scripts/build.sh copies the generated `.d.ts` into the package, and `tsc --strict`
//!   compiles the TypeScript layer and npm/test/types.ts against it.
//!
//! Long (about 620 lines of code) because every mirror and its exhaustive conversions live
//! together: a type added to the core fails to compile here, in one place.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// Insert an entry, or update every entry with the same identity (for roles: the ARN ignoring
/// case and any path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Upsert {
    /// The role or user ARN. A role ARN with a path is stored without it.
    pub arn: String,
    /// The Kubernetes username; absent (or blank) leaves an existing username alone, and is an
    /// `invalid-argument` error when no entry has the identity yet.
    #[serde(default)]
    #[tsify(optional)]
    pub username: Option<String>,
    /// The Kubernetes groups; empty means "no `groups` key".
    #[serde(default)]
    pub groups: Vec<String>,
    /// Add the groups to the existing ones instead of replacing them (default false).
    #[serde(default)]
    pub append: bool,
    /// Replace the username of an existing entry (default true).
    #[serde(default = "yes")]
    pub update_username: bool,
}

fn yes() -> bool {
    true
}

/// Remove the entries with an identity, narrowed by username and groups where given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct Remove {
    /// The role or user ARN (compared as the entry identity).
    pub arn: String,
    /// Only entries with exactly this username.
    #[serde(default)]
    #[tsify(optional)]
    pub username: Option<String>,
    /// Only entries whose groups equal these as a set.
    #[serde(default)]
    #[tsify(optional)]
    pub groups: Option<Vec<String>>,
}

/// One operation, tagged by `op`.
// Read through the flat `WireEdit` (`try_from`): serde's internally tagged enums buffer the
// object in its `Content` type first, which costs about 10 KB of .wasm. tsify ignores
// `try_from` and declares the tagged union below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(tag = "op", rename_all = "camelCase", try_from = "WireEdit")]
pub enum Edit {
    /// Upsert in `mapRoles`.
    UpsertRole(Upsert),
    /// Upsert in `mapUsers`.
    UpsertUser(Upsert),
    /// Remove from `mapRoles`.
    RemoveRole(Remove),
    /// Remove from `mapUsers`.
    RemoveUser(Remove),
    /// Remove every role and user entry with exactly this username.
    RemoveByUsername {
        /// The username; must not be empty.
        username: String,
    },
    /// Add an account ID to `mapAccounts`.
    AddAccount {
        /// 12-digit account ID.
        account: String,
    },
    /// Remove an account ID from `mapAccounts`.
    RemoveAccount {
        /// The account ID.
        account: String,
    },
}

/// An [`Edit`] as read: every field of every operation, optional (`null` is absent).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEdit {
    op: String,
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    groups: Option<Vec<String>>,
    #[serde(default)]
    append: Option<bool>,
    #[serde(default)]
    update_username: Option<bool>,
    #[serde(default)]
    account: Option<String>,
}

impl TryFrom<WireEdit> for Edit {
    type Error = String;

    fn try_from(w: WireEdit) -> Result<Edit, String> {
        let WireEdit {
            op,
            arn,
            username,
            groups,
            append,
            update_username,
            account,
        } = w;
        let need = |v: Option<String>, field: &str| v.ok_or(format!("{op} needs `{field}`"));
        let upsert = || -> Result<Upsert, String> {
            Ok(Upsert {
                arn: need(arn.clone(), "arn")?,
                username: username.clone(),
                groups: groups.clone().unwrap_or_default(),
                append: append.unwrap_or(false),
                update_username: update_username.unwrap_or(true),
            })
        };
        let remove = || -> Result<Remove, String> {
            Ok(Remove {
                arn: need(arn.clone(), "arn")?,
                username: username.clone(),
                groups: groups.clone(),
            })
        };
        Ok(match op.as_str() {
            "upsertRole" => Edit::UpsertRole(upsert()?),
            "upsertUser" => Edit::UpsertUser(upsert()?),
            "removeRole" => Edit::RemoveRole(remove()?),
            "removeUser" => Edit::RemoveUser(remove()?),
            "removeByUsername" => Edit::RemoveByUsername {
                username: need(username, "username")?,
            },
            "addAccount" => Edit::AddAccount {
                account: need(account, "account")?,
            },
            "removeAccount" => Edit::RemoveAccount {
                account: need(account, "account")?,
            },
            _ => return Err(format!("unknown op {op:?}")),
        })
    }
}

/// How edits are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct EditOptions {
    /// A remove that matches nothing is not an error (the CLI's `--force`).
    #[serde(default)]
    pub force: bool,
    /// Allow removing the last `system:masters` grant.
    #[serde(default)]
    pub allow_lockout: bool,
}

/// A data key of the ConfigMap that aws-iam-authenticator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub enum DataKey {
    /// IAM roles (and IAM Identity Center permission sets).
    #[serde(rename = "mapRoles")]
    MapRoles,
    /// IAM users.
    #[serde(rename = "mapUsers")]
    MapUsers,
    /// AWS account IDs.
    #[serde(rename = "mapAccounts")]
    MapAccounts,
}

/// What an edit did to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A new entry.
    Added,
    /// Existing entries changed.
    Updated,
    /// Nothing to change.
    Unchanged,
    /// An entry removed (one `Change` per entry).
    Removed,
    /// A manager took an existing entry that already had its values (no write to `data`).
    Adopted,
    /// A manager stopped owning an entry it adopted, or one someone else changed since it
    /// wrote it: the entry stays as it is.
    Kept,
    /// A manager's record named an entry that is no longer in aws-auth: the record forgets it.
    Forgotten,
}

/// What happened to one entry (or account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct Change {
    /// What happened.
    pub action: Action,
    /// Where.
    pub key: DataKey,
    /// The ARN as written in the entry, or the account ID.
    pub subject: String,
    /// Something worth knowing, such as a path removed from a role ARN.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The authenticator drops the key or the entry: someone loses access.
    Error,
    /// Read, but probably not what was meant.
    Warning,
}

/// A finding of `validate()`, or behind an `AwsAuthError`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `syntax`, `wrong-type`, `arn-path`.
    pub code: String,
    /// What is wrong, naming the value.
    pub message: String,
    /// The data key, absent for the manifest itself.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub key: Option<String>,
    /// 0-based entry index in the key's list.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub entry: Option<usize>,
    /// 1-based line inside the key's text (the manifest's for manifest diagnostics).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<usize>,
}

/// A role or user a manager wants (`rolearn` or `userarn`, `username`, `groups`); a
/// `manager` field, as `get -o json` prints it, is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct DesiredEntry {
    /// The role ARN (in `roles`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub rolearn: Option<String>,
    /// The user ARN (in `users`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub userarn: Option<String>,
    /// The Kubernetes username (required).
    pub username: String,
    /// The Kubernetes groups; none when absent.
    #[serde(default)]
    #[tsify(optional)]
    pub groups: Vec<String>,
    /// Ignored (what `get -o json` adds to a managed entry).
    #[serde(default, skip_serializing)]
    #[tsify(optional)]
    pub manager: Option<String>,
}

/// Everything one manager wants in aws-auth: after `apply` it owns exactly these entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Desired {
    /// Roles, as `{rolearn, username, groups}` (also read from `mapRoles`).
    #[serde(default, alias = "mapRoles")]
    #[tsify(optional)]
    pub roles: Vec<DesiredEntry>,
    /// Users, as `{userarn, username, groups}` (also read from `mapUsers`).
    #[serde(default, alias = "mapUsers")]
    #[tsify(optional)]
    pub users: Vec<DesiredEntry>,
    /// Account IDs (also read from `mapAccounts`).
    #[serde(default, alias = "mapAccounts")]
    #[tsify(optional)]
    pub accounts: Vec<String>,
}

/// How `apply` and `release` go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ApplyOptions {
    /// Take entries another manager owns, or that nobody manages and differ.
    #[serde(default)]
    #[tsify(optional)]
    pub take_over: bool,
    /// Allow taking away the last `system:masters` grant.
    #[serde(default)]
    #[tsify(optional)]
    pub allow_lockout: bool,
}

/// What `apply` or `release` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct Applied {
    /// One item per entry: added, updated, unchanged, adopted, removed, kept or forgotten.
    pub changes: Vec<Change>,
    /// Entries someone else changed since the manager last wrote them.
    pub drifted: Vec<String>,
    /// What was wrong with the ownership record and is now repaired.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[tsify(optional)]
    pub repaired: Option<String>,
}

/// Who manages each entry, in the order of `roles`, `users` and `accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct Ownership {
    /// Every manager in the record, sorted.
    pub managers: Vec<String>,
    /// The manager of each `mapRoles` entry (`null`: not managed).
    pub roles: Vec<Option<String>>,
    /// The manager of each `mapUsers` entry.
    pub users: Vec<Option<String>>,
    /// The manager of each `mapAccounts` item.
    pub accounts: Vec<Option<String>>,
}

impl TryFrom<Desired> for aws_auth_core::Desired {
    type Error = String;

    fn try_from(d: Desired) -> Result<Self, String> {
        let Desired {
            roles,
            users,
            accounts,
        } = d;
        let entries = |list: Vec<DesiredEntry>, field: &str, other: &str, key: &str| {
            list.into_iter()
                .enumerate()
                .map(|(i, e)| {
                    let DesiredEntry {
                        rolearn,
                        userarn,
                        username,
                        groups,
                        manager: _,
                    } = e;
                    let (arn, wrong) = if field == "rolearn" {
                        (rolearn, userarn)
                    } else {
                        (userarn, rolearn)
                    };
                    if wrong.is_some() {
                        return Err(format!("{key}[{i}]: {other} does not belong here"));
                    }
                    let arn = arn.ok_or_else(|| format!("{key}[{i}]: missing field `{field}`"))?;
                    Ok(aws_auth_core::DesiredEntry::new(arn, username, groups))
                })
                .collect::<Result<Vec<_>, String>>()
        };
        Ok(aws_auth_core::Desired {
            roles: entries(roles, "rolearn", "userarn", "roles")?,
            users: entries(users, "userarn", "rolearn", "users")?,
            accounts,
        })
    }
}

impl From<ApplyOptions> for aws_auth_core::ApplyOptions {
    fn from(o: ApplyOptions) -> Self {
        let ApplyOptions {
            take_over,
            allow_lockout,
        } = o;
        aws_auth_core::ApplyOptions {
            take_over,
            allow_lockout,
        }
    }
}

impl From<aws_auth_core::Applied> for Applied {
    fn from(a: aws_auth_core::Applied) -> Self {
        let aws_auth_core::Applied {
            changes,
            drifted,
            repaired,
        } = a;
        Applied {
            changes: changes.into_iter().map(Change::from).collect(),
            drifted,
            repaired,
        }
    }
}

impl From<aws_auth_core::Ownership> for Ownership {
    fn from(o: aws_auth_core::Ownership) -> Self {
        let aws_auth_core::Ownership {
            managers,
            roles,
            users,
            accounts,
        } = o;
        Ownership {
            managers,
            roles,
            users,
            accounts,
        }
    }
}

/// What a failed call throws: turned into an `AwsAuthError` by the TypeScript layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct WasmError {
    /// Stable, machine-readable code (`lockout`, `nothing-matched`, ...).
    pub code: String,
    /// What went wrong.
    pub message: String,
    /// The findings behind the error (for `would-break`), otherwise empty.
    pub diagnostics: Vec<Diagnostic>,
}

// ---- conversions: exhaustive, so that a field or variant added to the core breaks the build.

impl From<Upsert> for aws_auth_core::Upsert {
    fn from(u: Upsert) -> Self {
        let Upsert {
            arn,
            username,
            groups,
            append,
            update_username,
        } = u;
        aws_auth_core::Upsert {
            arn,
            username,
            groups,
            append,
            update_username,
        }
    }
}

impl From<Remove> for aws_auth_core::Remove {
    fn from(r: Remove) -> Self {
        let Remove {
            arn,
            username,
            groups,
        } = r;
        aws_auth_core::Remove {
            arn,
            username,
            groups,
        }
    }
}

impl From<Edit> for aws_auth_core::Edit {
    fn from(e: Edit) -> Self {
        use aws_auth_core::Edit as Core;
        match e {
            Edit::UpsertRole(u) => Core::UpsertRole(u.into()),
            Edit::UpsertUser(u) => Core::UpsertUser(u.into()),
            Edit::RemoveRole(r) => Core::RemoveRole(r.into()),
            Edit::RemoveUser(r) => Core::RemoveUser(r.into()),
            Edit::RemoveByUsername { username } => Core::RemoveByUsername { username },
            Edit::AddAccount { account } => Core::AddAccount { account },
            Edit::RemoveAccount { account } => Core::RemoveAccount { account },
        }
    }
}

/// The other way, only to check that every core variant has a mirror (a new one does not
/// compile here); the tests use it too.
#[cfg_attr(not(test), allow(dead_code))]
fn mirror_edit(e: aws_auth_core::Edit) -> Edit {
    use aws_auth_core::Edit as Core;
    let upsert = |u: aws_auth_core::Upsert| {
        let aws_auth_core::Upsert {
            arn,
            username,
            groups,
            append,
            update_username,
        } = u;
        Upsert {
            arn,
            username,
            groups,
            append,
            update_username,
        }
    };
    let remove = |r: aws_auth_core::Remove| {
        let aws_auth_core::Remove {
            arn,
            username,
            groups,
        } = r;
        Remove {
            arn,
            username,
            groups,
        }
    };
    match e {
        Core::UpsertRole(u) => Edit::UpsertRole(upsert(u)),
        Core::UpsertUser(u) => Edit::UpsertUser(upsert(u)),
        Core::RemoveRole(r) => Edit::RemoveRole(remove(r)),
        Core::RemoveUser(r) => Edit::RemoveUser(remove(r)),
        Core::RemoveByUsername { username } => Edit::RemoveByUsername { username },
        Core::AddAccount { account } => Edit::AddAccount { account },
        Core::RemoveAccount { account } => Edit::RemoveAccount { account },
    }
}

impl From<EditOptions> for aws_auth_core::Options {
    fn from(o: EditOptions) -> Self {
        let EditOptions {
            force,
            allow_lockout,
        } = o;
        aws_auth_core::Options {
            force,
            allow_lockout,
        }
    }
}

impl From<aws_auth_core::DataKey> for DataKey {
    fn from(k: aws_auth_core::DataKey) -> Self {
        use aws_auth_core::DataKey as Core;
        match k {
            Core::MapRoles => DataKey::MapRoles,
            Core::MapUsers => DataKey::MapUsers,
            Core::MapAccounts => DataKey::MapAccounts,
        }
    }
}

impl From<aws_auth_core::Action> for Action {
    fn from(a: aws_auth_core::Action) -> Self {
        use aws_auth_core::Action as Core;
        match a {
            Core::Added => Action::Added,
            Core::Updated => Action::Updated,
            Core::Unchanged => Action::Unchanged,
            Core::Removed => Action::Removed,
            Core::Adopted => Action::Adopted,
            Core::Kept => Action::Kept,
            Core::Forgotten => Action::Forgotten,
        }
    }
}

impl From<aws_auth_core::Change> for Change {
    fn from(c: aws_auth_core::Change) -> Self {
        let aws_auth_core::Change {
            action,
            key,
            subject,
            note,
        } = c;
        Change {
            action: action.into(),
            key: key.into(),
            subject,
            note,
        }
    }
}

impl From<aws_auth_core::Severity> for Severity {
    fn from(s: aws_auth_core::Severity) -> Self {
        use aws_auth_core::Severity as Core;
        match s {
            Core::Error => Severity::Error,
            Core::Warning => Severity::Warning,
        }
    }
}

impl From<&aws_auth_core::Diagnostic> for Diagnostic {
    fn from(d: &aws_auth_core::Diagnostic) -> Self {
        let aws_auth_core::Diagnostic {
            severity,
            code,
            message,
            key,
            entry,
            line,
            column,
        } = d;
        Diagnostic {
            severity: (*severity).into(),
            code: code.as_str().to_owned(),
            message: message.clone(),
            key: key.clone(),
            entry: *entry,
            line: *line,
            column: *column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_auth_core::{AwsAuth, Options};
    use serde_json::{Value, json};

    fn core_edits() -> Vec<aws_auth_core::Edit> {
        use aws_auth_core::Edit as Core;
        let role = "arn:aws:iam::111122223333:role/ci".to_owned();
        vec![
            Core::UpsertRole(aws_auth_core::Upsert::new(&role, "ci", ["g1", "g2"])),
            Core::UpsertUser(aws_auth_core::Upsert {
                arn: "arn:aws:iam::111122223333:user/ada".into(),
                username: None,
                groups: vec![],
                append: true,
                update_username: false,
            }),
            Core::RemoveRole(aws_auth_core::Remove {
                arn: role.clone(),
                username: Some("ci".into()),
                groups: Some(vec!["g1".into()]),
            }),
            Core::RemoveUser(aws_auth_core::Remove {
                arn: "arn:aws:iam::111122223333:user/ada".into(),
                ..Default::default()
            }),
            Core::RemoveByUsername {
                username: "ops".into(),
            },
            Core::AddAccount {
                account: "111122223333".into(),
            },
            Core::RemoveAccount {
                account: "444455556666".into(),
            },
        ]
    }

    #[test]
    fn every_edit_serialises_as_the_cores() {
        let edits = core_edits();
        // One of each variant: a new variant must be added to `core_edits` (and mirrored).
        assert_eq!(edits.len(), 7);
        for edit in edits {
            let core = serde_json::to_value(&edit).unwrap();
            let mirror = serde_json::to_value(mirror_edit(edit.clone())).unwrap();
            assert_eq!(core, mirror);
            // And both read the other's JSON back to the same value.
            let back: Edit = serde_json::from_value(core.clone()).unwrap();
            assert_eq!(aws_auth_core::Edit::from(back), edit);
        }
    }

    #[test]
    fn defaults_are_the_cores() {
        // The smallest JSON of each edit (every defaulted field left out).
        for text in [
            json!({"op": "upsertRole", "arn": "a"}),
            json!({"op": "upsertUser", "arn": "a", "username": null}),
            json!({"op": "removeRole", "arn": "a"}),
            json!({"op": "removeUser", "arn": "a", "groups": null}),
        ] {
            let core: aws_auth_core::Edit = serde_json::from_value(text.clone()).unwrap();
            let mirror: Edit = serde_json::from_value(text).unwrap();
            assert_eq!(aws_auth_core::Edit::from(mirror), core);
        }
        for text in [
            json!({}),
            json!({"force": true}),
            json!({"allowLockout": true}),
        ] {
            let core: Options = serde_json::from_value(text.clone()).unwrap();
            let mirror: EditOptions = serde_json::from_value(text).unwrap();
            assert_eq!(Options::from(mirror), core);
            assert_eq!(
                serde_json::to_value(core).unwrap(),
                serde_json::to_value(mirror).unwrap()
            );
        }
    }

    #[test]
    fn changes_and_diagnostics_serialise_as_the_cores() {
        let mut auth = AwsAuth::parse(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/team/admin\n      username: admin\n      groups:\n        - system:masters\n  mapAccounts: |\n    - 111122223333\n",
        )
        .unwrap();
        let diagnostics = auth.validate();
        assert!(!diagnostics.is_empty());
        let mirrored: Vec<Diagnostic> = diagnostics.iter().map(Diagnostic::from).collect();
        assert_eq!(
            serde_json::to_value(&diagnostics).unwrap(),
            serde_json::to_value(&mirrored).unwrap()
        );
        let changes = auth.apply(&core_edits()[..1], &Options::default()).unwrap();
        let changes2 = auth
            .apply(
                &[aws_auth_core::Edit::AddAccount {
                    account: "444455556666".into(),
                }],
                &Options::default(),
            )
            .unwrap();
        let all: Vec<_> = changes.into_iter().chain(changes2).collect();
        let mirrored: Vec<Change> = all.iter().cloned().map(Change::from).collect();
        let core = serde_json::to_value(&all).unwrap();
        assert_eq!(core, serde_json::to_value(&mirrored).unwrap());
        assert!(matches!(&core, Value::Array(a) if a.len() == 2));
    }
}
