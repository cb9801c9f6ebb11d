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
