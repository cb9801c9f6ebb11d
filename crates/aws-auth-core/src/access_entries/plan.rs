//! The rules of `CONTRACT.md` §6, applied to the authenticator's view of a document.
//!
//! Long (about 700 lines) because §6 is one rule set: the entry types, the username and group
//! rules and the verdict decide together, mapping by mapping.

use std::collections::HashMap;

use super::{
    AccessEntry, AccessPolicy, AccessScope, CLUSTER_ADMIN_POLICY, Dead, EntryType,
    ExistingAccessEntry, ExistingMatch, Loss, Outcome, Plan, PlanInput, PlanItem,
    RESERVED_USERNAME_PREFIXES, Reason, ScopeType, Source, Verdict,
};
use crate::AwsAuth;
use crate::arn::{Arn, role_identity};
use crate::authenticator::{EntryStatus, MASTERS, Unmatchable};
use crate::model::{DataKey, SsoSpec};
use crate::quoted::quoted;

const BOOTSTRAPPERS: &str = "system:bootstrappers";
const NODES: &str = "system:nodes";
const NODE_PROXIER: &str = "system:node-proxier";
const WINDOWS_PROXY: &str = "eks:kube-proxy-windows";
const EC2_NODE_USERNAME: &str = "system:node:{{EC2PrivateDNSName}}";
const SESSION_NODE_USERNAME: &str = "system:node:{{SessionName}}";
/// Kubernetes gives every authenticated caller this group: asking for it adds nothing.
const AUTHENTICATED: &str = "system:authenticated";

pub(super) fn plan(auth: &AwsAuth, input: &PlanInput) -> Plan {
    let view = auth.authenticator_view();
    let mappings = auth.mappings();
    let roles = RoleIndex::new(&input.role_arns);
    let mut items = Vec::with_capacity(view.entries.len() + mappings.accounts.len());
    for e in &view.entries {
        let (username, sso) = match e.list {
            DataKey::MapRoles => mappings
                .roles
                .get(e.index)
                .map(|r| (r.username.clone(), r.sso.clone()))
                .unwrap_or_default(),
            _ => mappings
                .users
                .get(e.index)
                .map(|u| (u.username.clone(), None))
                .unwrap_or_default(),
        };
        let source = Source {
            key: e.list,
            index: e.index,
            arn: e.arn.map(str::to_string),
            sso,
            username,
            groups: e.groups.to_vec(),
        };
        let mut notes = Vec::new();
        let outcome = match &e.status {
            EntryStatus::Live => match migrate(&source, &roles, input, &mut notes) {
                Ok(entry) => Outcome::Migrate { entry },
                Err((reason, message)) => {
                    // Notes about the entry it would have been (a path restored) do not apply.
                    notes.clear();
                    Outcome::NotMigratable { reason, message }
                }
            },
            status => {
                if source.arn.as_deref().is_some_and(is_service_linked) {
                    notes.push(
                        "a service-linked role: it could not have an access entry anyway".into(),
                    );
                }
                Outcome::Dead(dead(status))
            }
        };
        items.push(PlanItem {
            source,
            outcome,
            notes,
        });
    }
    for (index, account) in mappings.accounts.iter().enumerate() {
        items.push(PlanItem {
            source: Source {
                key: DataKey::MapAccounts,
                index,
                arn: Some(account.clone()),
                sso: None,
                username: None,
                groups: Vec::new(),
            },
            outcome: Outcome::NotMigratable {
                reason: Reason::MapAccounts,
                message: format!(
                    "mapAccounts maps every IAM user and role of account {}; access entries are per principal: add an entry for each one that needs access",
                    quoted(account)
                ),
            },
            notes: Vec::new(),
        });
    }
    one_entry_per_principal(&mut items);
    compare_with_existing(&mut items, &input.existing);
    let verdict = verdict(&items, &input.existing);
    Plan {
        items,
        unread_keys: view.unread_keys.clone(),
        verdict,
    }
}

fn dead(status: &EntryStatus) -> Dead {
    let (kind, message) = match status {
        EntryStatus::Live => ("live", "the authenticator uses it".to_string()),
        EntryStatus::Dropped { reason } => (
            "dropped",
            format!("the authenticator drops this entry: {reason}"),
        ),
        EntryStatus::Overridden { by } => (
            "overridden",
            format!("entry {by} has the same ARN and wins (the last one does)"),
        ),
        EntryStatus::NeverMatches { reason } => (
            "never-matches",
            match reason {
                Unmatchable::RolePath => {
                    "a role ARN with a path never matches a caller (callers arrive as role/<name>)"
                }
                Unmatchable::AssumedRole => "an STS assumed-role ARN never matches a caller",
                Unmatchable::Whitespace => "spaces around the ARN: it never matches a caller",
                Unmatchable::NotAnArn => "not an ARN: it never matches a caller",
                Unmatchable::SsoPartition => {
                    "an sso entry with a partition never matches (the authenticator builds its pattern without it)"
                }
            }
            .to_string(),
        ),
        EntryStatus::Shadowed { by } => (
            "shadowed",
            format!("mapRoles entry {by} maps the same ARN and is searched first"),
        ),
    };
    Dead {
        kind: kind.into(),
        message,
    }
}

/// Real role ARNs by partition, account and name (IAM role names are unique ignoring case).
struct RoleIndex<'a> {
    by_name: HashMap<(String, String, String), &'a str>,
    all: Vec<Arn<'a>>,
    given: bool,
}

impl<'a> RoleIndex<'a> {
    fn new(arns: &'a [String]) -> Self {
        let all: Vec<Arn<'a>> = arns
            .iter()
            .filter_map(|a| Arn::parse(a))
            .filter(|a| a.resource_type.eq_ignore_ascii_case("role"))
            .collect();
        let by_name = arns
            .iter()
            .filter_map(|a| {
                let p = Arn::parse(a)?;
                Some((key(&p), a.as_str()))
            })
            .collect();
        RoleIndex {
            by_name,
            all,
            given: !arns.is_empty(),
        }
    }

    fn real(&self, arn: &Arn<'_>) -> Option<&'a str> {
        self.by_name.get(&key(arn)).copied()
    }

    /// The role IAM Identity Center made for a permission set in an account:
    /// `role/aws-reserved/sso.amazonaws.com/[region/]AWSReservedSSO_<set>_<hash>`.
    fn sso(&self, sso: &SsoSpec) -> Option<String> {
        let prefix = format!("awsreservedsso_{}_", sso.permission_set_name).to_ascii_lowercase();
        let partition = sso.partition.as_deref().unwrap_or("aws");
        self.all
            .iter()
            .find(|a| {
                a.account == sso.account_id
                    && a.partition.eq_ignore_ascii_case(partition)
                    && a.path.starts_with("aws-reserved/sso.amazonaws.com")
                    && a.name.to_ascii_lowercase().starts_with(&prefix)
                    // Permission set names may hold `_`: the hash after the last `_` has none.
                    && a
                        .name
                        .get(prefix.len()..)
                        .is_some_and(|hash| !hash.is_empty() && !hash.contains('_'))
            })
            .map(|a| {
                format!(
                    "arn:{}:iam::{}:role/{}/{}",
                    a.partition, a.account, a.path, a.name
                )
            })
    }
}

fn key(a: &Arn<'_>) -> (String, String, String) {
    (
        a.partition.to_ascii_lowercase(),
        a.account.to_string(),
        a.name.to_ascii_lowercase(),
    )
}

/// Service-linked roles live under `role/aws-service-role/` and are named `AWSServiceRoleFor…`.
fn is_service_linked(arn: &str) -> bool {
    Arn::parse(arn).is_some_and(|a| {
        a.resource_type.eq_ignore_ascii_case("role")
            && (a.path.starts_with("aws-service-role") || a.name.starts_with("AWSServiceRoleFor"))
    })
}

/// The access entry for a live mapping, or why there is none.
fn migrate(
    source: &Source,
    roles: &RoleIndex<'_>,
    input: &PlanInput,
    notes: &mut Vec<String>,
) -> Result<AccessEntry, (Reason, String)> {
    let is_role = source.key == DataKey::MapRoles;
    let principal = principal(source, roles, notes)?;
    let partition = Arn::parse(&principal)
        .map(|a| a.partition.to_string())
        .unwrap_or_else(|| "aws".into());
    let username = source.username.as_deref().filter(|u| !u.trim().is_empty());
    let groups = &source.groups;
    let has = |g: &str| groups.iter().any(|x| x == g);
    let node_type = match username {
        Some(EC2_NODE_USERNAME) if has(BOOTSTRAPPERS) && has(NODES) => {
            Some(if has(WINDOWS_PROXY) {
                EntryType::Ec2Windows
            } else {
                EntryType::Ec2Linux
            })
        }
        Some(SESSION_NODE_USERNAME) if has(NODE_PROXIER) => Some(EntryType::FargateLinux),
        Some(SESSION_NODE_USERNAME) if has(BOOTSTRAPPERS) && has(NODES) => {
            Some(EntryType::HybridLinux)
        }
        _ => None,
    };
    if let Some(entry_type) = node_type {
        if !is_role {
            return Err((
                Reason::NodeTypeNeedsRole,
                format!(
                    "a {} node mapping on a user: node access entries take a role",
                    entry_type.as_str()
                ),
            ));
        }
        let account = Arn::parse(&principal)
            .map(|a| a.account)
            .unwrap_or_default();
        if let Some(cluster) = input.cluster_account.as_deref()
            && account != cluster
        {
            return Err((
                Reason::NodeRoleOfOtherAccount,
                format!(
                    "a {} node role of account {}: node access entries take a role of the cluster's account {}",
                    entry_type.as_str(),
                    quoted(account),
                    quoted(cluster)
                ),
            ));
        }
        let node_groups = [BOOTSTRAPPERS, NODES, NODE_PROXIER, WINDOWS_PROXY];
        let extra: Vec<&str> = groups
            .iter()
            .map(String::as_str)
            .filter(|g| !node_groups.contains(g))
            .collect();
        if !extra.is_empty() {
            notes.push(format!(
                "groups {} not carried over: {} entries take no groups",
                list(&extra),
                entry_type.as_str()
            ));
        }
        return Ok(AccessEntry {
            principal_arn: principal,
            entry_type,
            username: None,
            kubernetes_groups: Vec::new(),
            access_policies: Vec::new(),
        });
    }
    let masters = has(MASTERS);
    let system: Vec<&str> = groups
        .iter()
        .map(String::as_str)
        .filter(|g| g.starts_with("system:") && *g != MASTERS && *g != AUTHENTICATED)
        .collect();
    if has(AUTHENTICATED) {
        notes.push(format!(
            "group {AUTHENTICATED} left out: every authenticated caller has it"
        ));
    }
    if !system.is_empty() {
        if !masters {
            return Err((
                Reason::SystemGroup,
                format!(
                    "group {} is a system: group: the API refuses it in kubernetesGroups and no access policy grants it",
                    list(&system)
                ),
            ));
        }
        notes.push(format!(
            "group {} left out: the API refuses system: groups, and AmazonEKSClusterAdminPolicy already grants everything",
            list(&system)
        ));
    }
    let username = match username.map(username_problem) {
        Some(Some((_, message))) if masters => {
            notes.push(format!(
                "{message}; the entry gets EKS's default username (a cluster admin needs no RBAC binding to its name)"
            ));
            None
        }
        Some(Some(problem)) => return Err(problem),
        _ => username.map(str::to_string),
    };
    if username.is_none()
        && source
            .username
            .as_deref()
            .is_none_or(|u| u.trim().is_empty())
    {
        notes.push(if is_role {
            "no username: EKS defaults to arn:aws:sts::<account>:assumed-role/<name>/{{SessionName}}".into()
        } else {
            "no username: EKS defaults to the user ARN".into()
        });
    }
    let kubernetes_groups = groups
        .iter()
        .filter(|g| !g.starts_with("system:"))
        .cloned()
        .collect();
    let access_policies = if masters {
        vec![AccessPolicy {
            policy_arn: format!(
                "arn:{partition}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}"
            ),
            access_scope: AccessScope {
                scope_type: ScopeType::Cluster,
                namespaces: Vec::new(),
            },
        }]
    } else {
        Vec::new()
    };
    Ok(AccessEntry {
        principal_arn: principal,
        entry_type: EntryType::Standard,
        username,
        kubernetes_groups,
        access_policies,
    })
}

/// The real ARN of the mapping's principal: a role's path restored from the role list, an
/// `sso` entry resolved to the role IAM Identity Center made.
fn principal(
    source: &Source,
    roles: &RoleIndex<'_>,
    notes: &mut Vec<String>,
) -> Result<String, (Reason, String)> {
    let written = match (&source.arn, &source.sso) {
        (Some(a), _) => a.trim().to_string(),
        (None, Some(sso)) => {
            return match roles.sso(sso) {
                Some(arn) => {
                    notes.push(format!(
                        "sso permission set {} resolved to {arn} from the role list",
                        quoted(&sso.permission_set_name)
                    ));
                    Ok(arn)
                }
                None => Err((
                    Reason::SsoUnresolved,
                    format!(
                        "sso entry for permission set {} in account {}: its role ARN (role/aws-reserved/sso.amazonaws.com/.../AWSReservedSSO_{}_...) is not in the role list{}",
                        quoted(&sso.permission_set_name),
                        sso.account_id,
                        sso.permission_set_name,
                        if roles.given { "" } else { " (pass one)" }
                    ),
                )),
            };
        }
        (None, None) => {
            return Err((Reason::InvalidPrincipal, "no ARN".into()));
        }
    };
    let expected = if source.key == DataKey::MapRoles {
        "role"
    } else {
        "user"
    };
    let Some(parsed) = Arn::parse(&written) else {
        return Err((
            Reason::InvalidPrincipal,
            format!("{} is not an ARN", quoted(&written)),
        ));
    };
    let iam = parsed.service.eq_ignore_ascii_case("iam");
    if !iam || !parsed.resource_type.eq_ignore_ascii_case(expected) || parsed.name.is_empty() {
        return Err((
            Reason::InvalidPrincipal,
            format!(
                "{} is not an IAM {expected} ARN: an access entry takes an IAM role or user (no STS session ARN)",
                quoted(&written)
            ),
        ));
    }
    if !crate::arn::is_account_id(parsed.account) {
        notes.push(format!(
            "account {} is not 12 digits (a placeholder?): EKS needs the real ARN",
            quoted(parsed.account)
        ));
    }
    if expected == "user" {
        return Ok(written);
    }
    let real = roles.real(&parsed);
    if is_service_linked(real.unwrap_or(&written)) {
        return Err((
            Reason::ServiceLinkedRole,
            format!(
                "{} is a service-linked role: EKS refuses access entries for them",
                quoted(&written)
            ),
        ));
    }
    match real {
        Some(real) if real != written => {
            if Arn::parse(real).is_some_and(|r| !r.path.is_empty()) {
                notes.push(format!("path restored from the role list: {real}"));
            }
            Ok(real.to_string())
        }
        Some(real) => Ok(real.to_string()),
        None => {
            if roles.given {
                notes.push(
                    "not in the role list: the ARN is used as written (the role may be in another account, or may not exist)".into(),
                );
            } else if parsed.name.starts_with("AWSReservedSSO_") {
                notes.push(
                    "an IAM Identity Center role: its real ARN has a path (aws-reserved/sso.amazonaws.com/...); pass the role list".into(),
                );
            }
            Ok(written)
        }
    }
}

/// A username the API refuses for a `STANDARD` entry, and why.
fn username_problem(username: &str) -> Option<(Reason, String)> {
    let lower = username.to_ascii_lowercase();
    if let Some(p) = RESERVED_USERNAME_PREFIXES
        .iter()
        .find(|p| lower.starts_with(*p))
    {
        return Some((
            Reason::ReservedUsername,
            format!(
                "username {} starts with {p}, which the API refuses",
                quoted(username)
            ),
        ));
    }
    let first = ["{{SessionName}}", "{{SessionNameRaw}}"]
        .iter()
        .filter_map(|t| username.find(t))
        .min()?;
    (!username[..first].contains(':')).then(|| {
        (
            Reason::SessionNameWithoutColon,
            format!(
                "username {}: the API takes {{{{SessionName}}}} only after a `:`",
                quoted(username)
            ),
        )
    })
}

fn list(items: &[&str]) -> String {
    items.join(", ")
}

/// How principals are compared: a role by its ARN without path, ignoring case (IAM names are
/// unique ignoring case); anything else ignoring case.
pub(super) fn principal_key(arn: &str) -> String {
    match Arn::parse(arn) {
        Some(a) if a.resource_type.eq_ignore_ascii_case("role") => role_identity(arn.trim()),
        _ => arn.trim().to_ascii_lowercase(),
    }
}

/// `user/Bob` and `user/bob` are both live in aws-auth but are one IAM user: only the first
/// gets the entry.
fn one_entry_per_principal(items: &mut [PlanItem]) {
    let mut first: HashMap<String, String> = HashMap::new();
    for item in items.iter_mut() {
        let Outcome::Migrate { entry } = &item.outcome else {
            continue;
        };
        let k = principal_key(&entry.principal_arn);
        if let Some(by) = first.get(&k) {
            item.outcome = Outcome::NotMigratable {
                reason: Reason::DuplicatePrincipal,
                message: format!(
                    "{by} maps the same principal and gets its entry (one entry per principal)"
                ),
            };
        } else {
            first.insert(k, item.source.label());
        }
    }
}

fn compare_with_existing(items: &mut [PlanItem], existing: &[ExistingAccessEntry]) {
    let by_principal: HashMap<String, &ExistingAccessEntry> = existing
        .iter()
        .map(|e| (principal_key(&e.principal_arn), e))
        .collect();
    for item in items.iter_mut() {
        let Outcome::Migrate { entry } = &item.outcome else {
            if let Some(arn) = &item.source.arn
                && !matches!(item.outcome, Outcome::Dead(_))
                && let Some(e) = by_principal.get(&principal_key(arn))
            {
                item.notes.push(format!(
                    "access entry {} exists and is used instead of this mapping",
                    e.principal_arn
                ));
            }
            continue;
        };
        let Some(e) = by_principal.get(&principal_key(&entry.principal_arn)) else {
            continue;
        };
        let missing = lacks(e, entry);
        let existing = ExistingMatch {
            principal_arn: e.principal_arn.clone(),
            missing,
        };
        let entry = entry.clone();
        item.outcome = if existing.missing.is_empty() {
            Outcome::Covered { entry, existing }
        } else {
            Outcome::Conflicts { entry, existing }
        };
    }
}

/// What `planned` grants that `e` does not.
fn lacks(e: &ExistingAccessEntry, planned: &AccessEntry) -> Vec<String> {
    let mut missing = Vec::new();
    let e_type = e.entry_type.as_deref().unwrap_or("STANDARD");
    if !e_type.eq_ignore_ascii_case(planned.entry_type.as_str()) {
        missing.push(format!(
            "type {} (it is {e_type})",
            planned.entry_type.as_str()
        ));
        return missing;
    }
    if let Some(u) = &planned.username
        && e.username.as_deref() != Some(u.as_str())
    {
        missing.push(format!("username {}", quoted(u)));
    }
    for g in &planned.kubernetes_groups {
        if !e.kubernetes_groups.contains(g) {
            missing.push(format!("group {}", quoted(g)));
        }
    }
    for p in &planned.access_policies {
        let granted = e.access_policies.iter().any(|x| {
            x.policy_arn == p.policy_arn && scope_covers(&x.access_scope, &p.access_scope)
        });
        if !granted {
            missing.push(match p.access_scope.scope_type {
                ScopeType::Cluster => format!("policy {} at cluster scope", p.policy_arn),
                ScopeType::Namespace => format!(
                    "policy {} in namespaces {}",
                    p.policy_arn,
                    p.access_scope.namespaces.join(", ")
                ),
            });
        }
    }
    missing
}

/// A cluster scope covers everything; a namespace scope covers the namespaces it lists.
fn scope_covers(have: &super::AccessScope, want: &super::AccessScope) -> bool {
    have.scope_type == ScopeType::Cluster
        || (want.scope_type == ScopeType::Namespace
            && want.namespaces.iter().all(|n| have.namespaces.contains(n)))
}

fn verdict(items: &[PlanItem], existing: &[ExistingAccessEntry]) -> Verdict {
    let has_entry: std::collections::HashSet<String> = existing
        .iter()
        .map(|e| principal_key(&e.principal_arn))
        .collect();
    let mut losses = Vec::new();
    for item in items {
        let who = item.source.label();
        match &item.outcome {
            Outcome::NotMigratable {
                reason: Reason::DuplicatePrincipal,
                ..
            } => {}
            Outcome::NotMigratable { message, .. } => {
                let covered = item
                    .source
                    .arn
                    .as_deref()
                    .is_some_and(|a| has_entry.contains(&principal_key(a)));
                if !covered {
                    losses.push(Loss {
                        who,
                        why: message.clone(),
                    });
                }
            }
            Outcome::Migrate { entry } | Outcome::Covered { entry, .. } => {
                let left = uncarried(&item.source.groups, entry);
                if !left.is_empty() {
                    losses.push(Loss {
                        who,
                        why: format!(
                            "group {} is not carried over to the {} entry",
                            list(&left),
                            entry.entry_type.as_str()
                        ),
                    });
                }
            }
            Outcome::Conflicts { existing, .. } => losses.push(Loss {
                who,
                why: format!(
                    "the access entry {} lacks {}: update it",
                    existing.principal_arn,
                    existing.missing.join(", ")
                ),
            }),
            _ => {}
        }
    }
    let planned_admin = items.iter().any(|i| match &i.outcome {
        Outcome::Migrate { entry } | Outcome::Covered { entry, .. } => entry
            .access_policies
            .iter()
            .any(|p| p.policy_arn.ends_with(CLUSTER_ADMIN_POLICY)),
        _ => false,
    });
    Verdict {
        can_switch_to_api: losses.is_empty(),
        losses,
        has_cluster_admin: planned_admin || existing.iter().any(|e| e.is_cluster_admin()),
    }
}

/// Groups of the mapping that the entry does not grant: what a node entry cannot hold
/// (`system:masters` or a team's group on a node role). The node groups are what the node
/// types grant; `system:authenticated` every caller has; the admin policy grants the rest.
fn uncarried<'g>(groups: &'g [String], entry: &AccessEntry) -> Vec<&'g str> {
    let admin = entry
        .access_policies
        .iter()
        .any(|p| p.policy_arn.ends_with(CLUSTER_ADMIN_POLICY));
    if admin {
        return Vec::new();
    }
    let node_groups: &[&str] = match entry.entry_type {
        EntryType::Standard => &[],
        _ => &[BOOTSTRAPPERS, NODES, NODE_PROXIER, WINDOWS_PROXY],
    };
    groups
        .iter()
        .map(String::as_str)
        .filter(|g| {
            *g != AUTHENTICATED
                && !node_groups.contains(g)
                && !entry.kubernetes_groups.iter().any(|k| k == g)
        })
        .collect()
}
