//! The mappings as plain data: what `get` shows and what the npm package hands to JavaScript.

use serde::{Deserialize, Serialize};

/// The three data keys that aws-iam-authenticator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DataKey {
    /// `mapRoles`: IAM roles (and IAM Identity Center permission sets).
    #[serde(rename = "mapRoles")]
    MapRoles,
    /// `mapUsers`: IAM users.
    #[serde(rename = "mapUsers")]
    MapUsers,
    /// `mapAccounts`: whole AWS accounts whose users and roles map to themselves.
    #[serde(rename = "mapAccounts")]
    MapAccounts,
}

impl DataKey {
    /// All keys, in the order `get` prints them.
    pub const ALL: [DataKey; 3] = [DataKey::MapRoles, DataKey::MapUsers, DataKey::MapAccounts];

    /// The key's name in the ConfigMap.
    pub fn as_str(self) -> &'static str {
        match self {
            DataKey::MapRoles => "mapRoles",
            DataKey::MapUsers => "mapUsers",
            DataKey::MapAccounts => "mapAccounts",
        }
    }

    /// The key for an exact (case-sensitive, as the authenticator reads it) name.
    pub fn from_name(name: &str) -> Option<DataKey> {
        DataKey::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An IAM Identity Center permission set in `mapRoles` (`sso:` instead of `rolearn:`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SsoSpec {
    /// `permissionSetName`.
    #[serde(rename = "permissionSetName")]
    pub permission_set_name: String,
    /// `accountID`, twelve digits.
    #[serde(rename = "accountID")]
    pub account_id: String,
    /// `partition`, `aws` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
}

/// One `mapRoles` entry as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RoleMapping {
    /// `rolearn`, absent for an `sso` entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolearn: Option<String>,
    /// `sso`, absent for a `rolearn` entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sso: Option<SsoSpec>,
    /// `username`, possibly with templates such as `{{EC2PrivateDNSName}}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `groups`, absent when the entry has no `groups` key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// `userid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userid: Option<String>,
    /// Fields the authenticator ignores, kept as written (converted to JSON values).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One `mapUsers` entry as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UserMapping {
    /// `userarn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userarn: Option<String>,
    /// `username`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `groups`, absent when the entry has no `groups` key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// `userid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userid: Option<String>,
    /// Fields the authenticator ignores, kept as written.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Everything the three keys hold, as `get` shows it. A key that does not parse contributes
/// nothing here; [`crate::AwsAuth::validate`] says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Mappings {
    /// `mapRoles` entries in order.
    #[serde(rename = "mapRoles")]
    pub roles: Vec<RoleMapping>,
    /// `mapUsers` entries in order.
    #[serde(rename = "mapUsers")]
    pub users: Vec<UserMapping>,
    /// `mapAccounts` items in order.
    #[serde(rename = "mapAccounts")]
    pub accounts: Vec<String>,
}

impl Mappings {
    /// The mappings as YAML that every reader takes as written: values YAML 1.1 (go-yaml, the
    /// authenticator's reader) would read as booleans, numbers, dates or null are quoted, so
    /// the output can be pasted back into `mapRoles` safely.
    ///
    /// ```
    /// use aws_auth_core::AwsAuth;
    /// let auth = AwsAuth::from_data([("mapRoles", "- rolearn: arn:aws:iam::111122223333:role/a\n  username: \"on\"\n  groups: [\"1_000\"]\n")]);
    /// assert_eq!(
    ///     auth.mappings().to_yaml(),
    ///     "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/a\n  username: \"on\"\n  groups:\n  - \"1_000\"\nmapUsers: []\nmapAccounts: []\n"
    /// );
    /// ```
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        let roles: Vec<Vec<(&str, Field<'_>)>> = self.roles.iter().map(role_fields).collect();
        let users: Vec<Vec<(&str, Field<'_>)>> = self.users.iter().map(user_fields).collect();
        write_list(&mut out, "mapRoles", &roles);
        write_list(&mut out, "mapUsers", &users);
        if self.accounts.is_empty() {
            out.push_str("mapAccounts: []\n");
        } else {
            out.push_str("mapAccounts:\n");
            for a in &self.accounts {
                out.push_str("- ");
                out.push_str(&scalar(a));
                out.push('\n');
            }
        }
        out
    }
}

/// A field value as [`Mappings::to_yaml`] writes it.
enum Field<'a> {
    Str(&'a str),
    List(&'a [String]),
    Sso(&'a SsoSpec),
    /// A field the authenticator ignores: written as JSON, which is YAML and quotes its strings.
    Json(&'a serde_json::Value),
}

fn role_fields(r: &RoleMapping) -> Vec<(&str, Field<'_>)> {
    let mut f = Vec::new();
    if let Some(a) = &r.rolearn {
        f.push(("rolearn", Field::Str(a)));
    }
    if let Some(s) = &r.sso {
        f.push(("sso", Field::Sso(s)));
    }
    common_fields(&mut f, &r.username, &r.groups, &r.userid, &r.extra);
    f
}

fn user_fields(u: &UserMapping) -> Vec<(&str, Field<'_>)> {
    let mut f = Vec::new();
    if let Some(a) = &u.userarn {
        f.push(("userarn", Field::Str(a)));
    }
    common_fields(&mut f, &u.username, &u.groups, &u.userid, &u.extra);
    f
}

fn common_fields<'a>(
    f: &mut Vec<(&'a str, Field<'a>)>,
    username: &'a Option<String>,
    groups: &'a Option<Vec<String>>,
    userid: &'a Option<String>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
) {
    if let Some(u) = username {
        f.push(("username", Field::Str(u)));
    }
    if let Some(g) = groups {
        f.push(("groups", Field::List(g)));
    }
    if let Some(u) = userid {
        f.push(("userid", Field::Str(u)));
    }
    for (k, v) in extra {
        f.push((k, Field::Json(v)));
    }
}

fn write_list(out: &mut String, key: &str, entries: &[Vec<(&str, Field<'_>)>]) {
    out.push_str(key);
    if entries.is_empty() {
        out.push_str(": []\n");
        return;
    }
    out.push_str(":\n");
    for fields in entries {
        if fields.is_empty() {
            out.push_str("- {}\n");
            continue;
        }
        for (i, (name, value)) in fields.iter().enumerate() {
            out.push_str(if i == 0 { "- " } else { "  " });
            out.push_str(&scalar(name));
            out.push(':');
            match value {
                Field::Str(s) => {
                    out.push(' ');
                    out.push_str(&scalar(s));
                }
                Field::List([]) => out.push_str(" []"),
                Field::List(items) => {
                    for item in *items {
                        out.push_str("\n  - ");
                        out.push_str(&scalar(item));
                    }
                }
                Field::Sso(s) => {
                    out.push_str("\n    permissionSetName: ");
                    out.push_str(&scalar(&s.permission_set_name));
                    out.push_str("\n    accountID: ");
                    out.push_str(&scalar(&s.account_id));
                    if let Some(p) = &s.partition {
                        out.push_str("\n    partition: ");
                        out.push_str(&scalar(p));
                    }
                }
                Field::Json(v) => {
                    out.push(' ');
                    out.push_str(&v.to_string());
                }
            }
            out.push('\n');
        }
    }
}

fn scalar(s: &str) -> String {
    crate::yaml::scalar::render(
        s,
        crate::yaml::scalar::Context::Block,
        crate::yaml::scalar::Quoting::WhenNeeded,
    )
}
