//! Leaving aws-auth: the EKS access entries that reproduce what the authenticator grants today
//! (`CONTRACT.md` §6), entry by entry, with the reason wherever a mapping cannot be carried over.
//!
//! The plan is computed from [`AwsAuth::authenticator_view`], never from the entries as written:
//! a dead duplicate or a dropped entry grants nothing today, so migrating it would grant access
//! that nobody has now. Everything here is pure: the CLI reads the inputs, the renderers of
//! [`output`] turn a [`Plan`] into API request bodies, CloudFormation, Terraform or shell lines.
//!
//! ```
//! use aws_auth_core::AwsAuth;
//! use aws_auth_core::access_entries::{EntryType, PlanInput, Outcome};
//! let auth = AwsAuth::parse("data:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n").unwrap();
//! let plan = auth.plan_access_entries(&PlanInput::default());
//! match &plan.items[0].outcome {
//!     Outcome::Migrate { entry, .. } => assert_eq!(entry.entry_type, EntryType::Ec2Linux),
//!     other => panic!("{other:?}"),
//! }
//! assert!(plan.verdict.can_switch_to_api);
//! ```

mod input;
pub mod output;
mod plan;

use serde::{Deserialize, Serialize};

use crate::model::{DataKey, SsoSpec};

pub use input::{InputError, parse_existing, parse_role_arns};

/// The managed policy that `system:masters` becomes.
pub const CLUSTER_ADMIN_POLICY: &str = "AmazonEKSClusterAdminPolicy";

/// Username prefixes the EKS API refuses for a `STANDARD` access entry.
pub const RESERVED_USERNAME_PREFIXES: [&str; 5] = ["system:", "eks:", "aws:", "amazon:", "iam:"];

/// What the plan is computed from besides the document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanInput {
    /// The access entries the cluster already has (`aws eks describe-access-entry`).
    #[serde(default)]
    pub existing: Vec<ExistingAccessEntry>,
    /// Real ARNs of IAM roles (`aws iam list-roles`): an aws-auth role ARN cannot hold a path,
    /// an access entry needs it.
    #[serde(default)]
    pub role_arns: Vec<String>,
    /// The cluster's AWS account: node entries (EC2, Fargate, hybrid) take only a role of it.
    /// Unknown when `None`, and then not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_account: Option<String>,
}

/// An access entry that exists already, as `describe-access-entry` and
/// `list-associated-access-policies` describe it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExistingAccessEntry {
    /// `principalArn`.
    pub principal_arn: String,
    /// `type`; `STANDARD` when not given.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub entry_type: Option<String>,
    /// `username`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `kubernetesGroups`.
    #[serde(default)]
    pub kubernetes_groups: Vec<String>,
    /// The access policies associated with the entry.
    #[serde(default)]
    pub access_policies: Vec<AccessPolicy>,
}

impl ExistingAccessEntry {
    /// Whether the entry has `AmazonEKSClusterAdminPolicy` at cluster scope: a cluster
    /// administrator that the lockout guard counts.
    pub fn is_cluster_admin(&self) -> bool {
        self.access_policies.iter().any(|p| {
            p.access_scope.scope_type == ScopeType::Cluster
                && p.policy_arn.rsplit_once('/').is_some_and(|(prefix, name)| {
                    name == CLUSTER_ADMIN_POLICY
                        && prefix.ends_with(":eks::aws:cluster-access-policy")
                })
        })
    }
}

/// The type of an access entry (immutable once created).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntryType {
    /// People and workloads: username, groups and access policies.
    Standard,
    /// Linux nodes of managed or self-managed node groups.
    Ec2Linux,
    /// Windows nodes.
    Ec2Windows,
    /// The Fargate pod execution role.
    FargateLinux,
    /// EKS Hybrid Nodes.
    HybridLinux,
}

impl EntryType {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryType::Standard => "STANDARD",
            EntryType::Ec2Linux => "EC2_LINUX",
            EntryType::Ec2Windows => "EC2_WINDOWS",
            EntryType::FargateLinux => "FARGATE_LINUX",
            EntryType::HybridLinux => "HYBRID_LINUX",
        }
    }
}

/// Where an access policy applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScopeType {
    /// The whole cluster.
    Cluster,
    /// The namespaces listed.
    Namespace,
}

/// `accessScope`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessScope {
    /// `type`.
    #[serde(rename = "type")]
    pub scope_type: ScopeType,
    /// `namespaces`, for a namespace scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
}

/// An access policy and its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicy {
    /// `arn:<partition>:eks::aws:cluster-access-policy/<name>`.
    pub policy_arn: String,
    /// `accessScope`.
    pub access_scope: AccessScope,
}

/// The access entry that reproduces one mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessEntry {
    /// The real ARN of the role or user (a role's path included).
    pub principal_arn: String,
    /// `type`.
    #[serde(rename = "type")]
    pub entry_type: EntryType,
    /// `username`; `None` lets EKS pick its default (only `STANDARD` entries take one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `kubernetesGroups` (only `STANDARD` entries take them; never a `system:` group).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubernetes_groups: Vec<String>,
    /// Access policies to associate (only on `STANDARD`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_policies: Vec<AccessPolicy>,
}

/// The mapping a plan item is about, as written in aws-auth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The data key.
    pub key: DataKey,
    /// 0-based index in that key's list.
    pub index: usize,
    /// `rolearn` / `userarn`, or the account ID of a `mapAccounts` item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `sso`, for an IAM Identity Center entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso: Option<SsoSpec>,
    /// `username`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `groups`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

impl Source {
    /// How messages name the mapping: `mapRoles[2] arn:...`.
    pub fn label(&self) -> String {
        let what = match (&self.arn, &self.sso) {
            (Some(a), _) => a.clone(),
            (None, Some(s)) => format!("sso {}/{}", s.account_id, s.permission_set_name),
            (None, None) => "(no ARN)".to_string(),
        };
        format!("{}[{}] {what}", self.key, self.index)
    }
}

/// Why a mapping that the authenticator honours cannot become an access entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A `mapAccounts` item maps a whole account; access entries are per principal.
    MapAccounts,
    /// An `sso` entry whose role ARN is not known (pass the role list).
    SsoUnresolved,
    /// A service-linked role (`role/aws-service-role/...`) cannot have an access entry.
    ServiceLinkedRole,
    /// A `system:` group other than `system:masters`: no access policy grants it and the API
    /// refuses it in `kubernetesGroups`.
    SystemGroup,
    /// The username starts with a prefix the API refuses.
    ReservedUsername,
    /// `{{SessionName}}` or `{{SessionNameRaw}}` with no `:` before it.
    SessionNameWithoutColon,
    /// A node mapping (EC2, Fargate, hybrid) on something other than a role.
    NodeTypeNeedsRole,
    /// A node mapping on a role of another account than the cluster's.
    NodeRoleOfOtherAccount,
    /// The ARN is not one an access entry can take.
    InvalidPrincipal,
    /// Another mapping gives the same principal its entry; one entry per principal.
    DuplicatePrincipal,
}

/// Why a mapping grants nothing today, so that migrating it would grant new access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dead {
    /// `dropped`, `overridden`, `never-matches`, `shadowed`, `key-unread`.
    pub kind: String,
    /// Why, in words.
    pub message: String,
}

/// How an access entry that already exists compares with the planned one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExistingMatch {
    /// The existing entry's principal ARN.
    pub principal_arn: String,
    /// What the planned entry has that the existing one lacks; empty when it covers it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// What happens to one mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    /// Create this access entry.
    Migrate {
        /// The entry.
        entry: AccessEntry,
    },
    /// An access entry for the principal exists and grants at least what the mapping does.
    Covered {
        /// The planned entry.
        entry: AccessEntry,
        /// The existing one.
        existing: ExistingMatch,
    },
    /// An access entry for the principal exists but lacks something the mapping grants. In
    /// `API_AND_CONFIG_MAP` mode it already wins over the mapping; it must be updated, not
    /// created (one entry per principal).
    Conflicts {
        /// The planned entry.
        entry: AccessEntry,
        /// The existing one and what it lacks.
        existing: ExistingMatch,
    },
    /// The authenticator honours the mapping, but it cannot become an access entry.
    NotMigratable {
        /// The rule.
        reason: Reason,
        /// Why, in words.
        message: String,
    },
    /// The authenticator never uses the mapping: reported, not migrated.
    Dead(Dead),
}

/// One mapping and what becomes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanItem {
    /// The mapping.
    pub source: Source,
    /// What becomes of it.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// What the user should know (a path restored, a group left out, a username dropped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Someone who would lose access if the cluster switched to `API` mode now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Loss {
    /// The mapping, as [`Source::label`] names it.
    pub who: String,
    /// Why.
    pub why: String,
}

/// Whether the cluster can switch to `API` mode (aws-auth ignored) without anyone losing
/// access, once the planned entries exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// No loss.
    pub can_switch_to_api: bool,
    /// Who would lose access, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub losses: Vec<Loss>,
    /// Whether some planned or existing access entry is a cluster administrator.
    pub has_cluster_admin: bool,
}

/// The migration plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Every mapping of `mapRoles`, `mapUsers` and `mapAccounts`, in order.
    pub items: Vec<PlanItem>,
    /// Keys the authenticator drops whole (they do not parse): everything they map is lost
    /// today already, and nothing of them is migrated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread_keys: Vec<DataKey>,
    /// Whether switching to `API` mode is safe.
    pub verdict: Verdict,
}

impl Plan {
    /// The entries to create, in order.
    pub fn to_create(&self) -> impl Iterator<Item = &AccessEntry> {
        self.items.iter().filter_map(|i| match &i.outcome {
            Outcome::Migrate { entry } => Some(entry),
            _ => None,
        })
    }

    /// The mappings an existing access entry covers: the ones `prune` may remove.
    pub fn covered(&self) -> impl Iterator<Item = &PlanItem> {
        self.items
            .iter()
            .filter(|i| matches!(i.outcome, Outcome::Covered { .. }))
    }
}

impl crate::AwsAuth {
    /// The access entries that reproduce what the authenticator grants from this document
    /// (`CONTRACT.md` §6). Never fails: whatever cannot be migrated is an item with a reason.
    pub fn plan_access_entries(&self, input: &PlanInput) -> Plan {
        plan::plan(self, input)
    }
}
