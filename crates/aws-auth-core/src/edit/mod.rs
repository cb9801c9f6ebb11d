//! The operations, as values: what to change ([`Edit`]), how ([`Options`]) and what was done
//! ([`Change`]).

mod apply;
pub(crate) mod list;
mod lockout;
mod read_back;
pub(crate) mod style;

use serde::{Deserialize, Serialize};

use crate::model::DataKey;

/// Insert an entry, or update every entry with the same identity (for roles: the ARN ignoring
/// case and any path). Role entries whose ARN has a path are dead to the authenticator: next
/// to an entry without a path they are left as they are (and named in the change's note);
/// when only such entries exist, the last one is repaired (written with the given ARN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upsert {
    /// The role or user ARN. A role ARN with a path is stored without it.
    pub arn: String,
    /// The Kubernetes username; `None` (or blank) leaves an existing username alone, and is an
    /// [`crate::Error::InvalidArgument`] when no entry has the identity yet.
    #[serde(default)]
    pub username: Option<String>,
    /// The Kubernetes groups; empty means "no `groups` key".
    #[serde(default)]
    pub groups: Vec<String>,
    /// Add the groups to the existing ones instead of replacing them.
    #[serde(default)]
    pub append: bool,
    /// Replace the username of an existing entry (default true).
    #[serde(default = "yes")]
    pub update_username: bool,
}

fn yes() -> bool {
    true
}

impl Upsert {
    /// An upsert that replaces groups and username, as the Go tool does by default.
    ///
    /// ```
    /// use aws_auth_core::{AwsAuth, Edit, Options, Upsert};
    /// let mut auth = AwsAuth::parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups:\n        - system:masters\n").unwrap();
    /// let node = Upsert::new("arn:aws:iam::111122223333:role/node", "system:node:{{EC2PrivateDNSName}}", ["system:bootstrappers", "system:nodes"]);
    /// let changes = auth.apply(&[Edit::UpsertRole(node)], &Options::default()).unwrap();
    /// assert_eq!(changes[0].to_string(), "added arn:aws:iam::111122223333:role/node to aws-auth");
    /// assert!(auth.to_string().ends_with("    - rolearn: arn:aws:iam::111122223333:role/node\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n"));
    /// ```
    pub fn new<I, S>(arn: impl Into<String>, username: impl Into<String>, groups: I) -> Upsert
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let username = username.into();
        Upsert {
            arn: arn.into(),
            username: (!username.is_empty()).then_some(username),
            groups: groups.into_iter().map(Into::into).collect(),
            append: false,
            update_username: true,
        }
    }
}

/// Remove the entries with an identity, narrowed by username and groups where given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Remove {
    /// The role or user ARN (compared as the entry identity).
    pub arn: String,
    /// Only entries with exactly this username.
    #[serde(default)]
    pub username: Option<String>,
    /// Only entries whose groups equal these as a set.
    #[serde(default)]
    pub groups: Option<Vec<String>>,
}

impl Remove {
    /// What the remove looks for, for messages: the ARN, and the username and groups that
    /// narrow it.
    ///
    /// ```
    /// use aws_auth_core::Remove;
    /// let r = Remove { arn: "arn:aws:iam::111122223333:role/ci".into(), username: Some("ci".into()), groups: None };
    /// assert_eq!(r.describe(), "arn:aws:iam::111122223333:role/ci with username \"ci\"");
    /// ```
    pub fn describe(&self) -> String {
        let mut what = self.arn.clone();
        if let Some(u) = &self.username {
            what.push_str(&format!(" with username {}", crate::quoted::quoted(u)));
        }
        if let Some(g) = &self.groups {
            let g: Vec<String> = g
                .iter()
                .map(|x| crate::quoted::quoted(x).to_string())
                .collect();
            let and = if self.username.is_some() {
                " and"
            } else {
                " with"
            };
            what.push_str(&format!("{and} groups [{}]", g.join(", ")));
        }
        what
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
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

/// How edits are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    /// A remove that matches nothing is not an error (the Go tool's `--force`).
    #[serde(default)]
    pub force: bool,
    /// Allow removing the last `system:masters` grant.
    #[serde(default)]
    pub allow_lockout: bool,
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A new entry.
    Added,
    /// Existing entries changed.
    Updated,
    /// Nothing to change.
    Unchanged,
    /// An entry removed (one [`Change`] per entry).
    Removed,
    /// A manager took an existing entry that already had its values (no write to `data`).
    Adopted,
    /// A manager stopped owning an entry it adopted, or one someone else changed since it
    /// wrote it: the entry stays as it is.
    Kept,
    /// A manager's record named an entry that is no longer in aws-auth: the record forgets it.
    Forgotten,
}

/// One line of the report: what happened to which ARN (or account) in which key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// What happened.
    pub action: Action,
    /// Where.
    pub key: DataKey,
    /// The ARN (as written in the entry) or account ID.
    pub subject: String,
    /// Something the user should know, such as a path removed from a role ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl std::fmt::Display for Change {
    /// The Go tool's lines: `added <ARN> to aws-auth`, `updated <ARN> in aws-auth`,
    /// `no updates needed to <ARN>`, `removed <ARN> from aws-auth`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.subject;
        match self.action {
            Action::Added => write!(f, "added {s} to aws-auth"),
            Action::Updated => write!(f, "updated {s} in aws-auth"),
            Action::Unchanged => write!(f, "no updates needed to {s}"),
            Action::Removed => write!(f, "removed {s} from aws-auth"),
            Action::Adopted => write!(f, "adopted {s} in aws-auth"),
            Action::Kept => write!(f, "left {s} in aws-auth"),
            Action::Forgotten => write!(f, "forgot {s}"),
        }
    }
}

impl Edit {
    /// The key the edit works on (`remove by username` works on two, and reports `mapRoles`).
    pub fn key(&self) -> DataKey {
        match self {
            Edit::UpsertRole(_) | Edit::RemoveRole(_) | Edit::RemoveByUsername { .. } => {
                DataKey::MapRoles
            }
            Edit::UpsertUser(_) | Edit::RemoveUser(_) => DataKey::MapUsers,
            Edit::AddAccount { .. } | Edit::RemoveAccount { .. } => DataKey::MapAccounts,
        }
    }
}
