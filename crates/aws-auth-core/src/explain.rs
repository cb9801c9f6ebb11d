//! `explain`: which entry, if any, maps a caller, what Kubernetes user and groups it gets, and
//! every entry that nearly maps it, with why not and what fixes it.
//!
//! The decision mirrors the authenticator, and reads the document only through
//! [`AwsAuth::authenticator_view`] (which entries are live, by the authenticator's keys) and
//! [`AwsAuth::mappings`] (usernames and `sso` specs, in the same order):
//!
//! 1. the caller is canonicalised as the token verifier does (`arn.Canonicalize`): an `sts`
//!    assumed-role ARN becomes `arn:P:iam::A:role/R`; a role ARN with a path is taken without
//!    it, because that role's sessions arrive from STS as `assumed-role/R/...`, path-less;
//! 2. live `mapRoles` entries are tried (ARN ignoring case, or the `sso` pattern), then live
//!    `mapUsers` entries, then `mapAccounts` (username = the caller's canonical ARN, no
//!    groups);
//! 3. templates are filled as the authenticator's server fills them, as far as the ARN tells.
//!
//! Long (about 790 lines of code) because it is one question with many answers: each near-miss
//! reason is its own small check and fix, read together against the same view.

use serde::Serialize;

use crate::arn::{Arn, PARTITIONS};
use crate::authenticator::{EntryStatus, Unmatchable, ViewEntry};
use crate::document::AwsAuth;
use crate::model::{DataKey, SsoSpec};
use crate::quoted::quoted;

/// What kind of principal the caller is, as `arn.Canonicalize` classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalKind {
    /// `iam ... role/R`.
    Role,
    /// `sts ... assumed-role/R/session`.
    AssumedRole,
    /// `iam ... user/U`.
    User,
    /// `iam ... root`.
    Root,
    /// `sts ... federated-user/U`.
    FederatedUser,
}

/// Why a caller ARN is no identity the authenticator accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallerError {
    /// Not `arn:<partition>:<service>:<region>:<account>:<resource>`.
    #[error("{} is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)", quoted(.0))]
    NotAnArn(String),
    /// A partition the authenticator does not know.
    #[error("{} has partition {}, which the authenticator does not recognise", quoted(.arn), quoted(.partition))]
    UnknownPartition {
        /// The caller ARN.
        arn: String,
        /// Its partition.
        partition: String,
    },
    /// `assumed-role/R` without a session name.
    #[error("{} is an assumed-role ARN without a role and a session name (assumed-role/ROLE/SESSION)", quoted(.0))]
    AssumedRoleWithoutSession(String),
    /// A service or resource type that is no caller identity.
    #[error("{} is not an identity the authenticator maps: {what}", quoted(.arn))]
    NotAnIdentity {
        /// The caller ARN.
        arn: String,
        /// The service and resource found.
        what: String,
    },
}

/// A caller ARN as the authenticator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Caller {
    /// The ARN as given.
    pub arn: String,
    /// The ARN the mapper looks up (before lowercasing).
    pub canonical: String,
    /// What the ARN names.
    pub kind: PrincipalKind,
    /// Partition of the ARN.
    pub partition: String,
    /// Account of the ARN.
    pub account: String,
    /// The session name of an assumed-role ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_name: Option<String>,
    /// The IAM path removed from a role ARN (its sessions arrive without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripped_path: Option<String>,
}

/// Canonicalises a caller ARN as aws-iam-authenticator's token verifier does.
///
/// ```
/// use aws_auth_core::{PrincipalKind, canonicalize_caller};
/// let c = canonicalize_caller("arn:aws:sts::111122223333:assumed-role/ops/alice@example.com").unwrap();
/// assert_eq!(c.canonical, "arn:aws:iam::111122223333:role/ops");
/// assert_eq!((c.kind, c.session_name.as_deref()), (PrincipalKind::AssumedRole, Some("alice@example.com")));
/// let r = canonicalize_caller("arn:aws:iam::111122223333:role/team/ops").unwrap();
/// assert_eq!(r.canonical, "arn:aws:iam::111122223333:role/ops");
/// ```
///
/// # Errors
/// The ARN is not one the authenticator accepts as an identity (see [`CallerError`]).
pub fn canonicalize_caller(arn: &str) -> Result<Caller, CallerError> {
    // `awsarn.Parse`: exactly `arn:` (case-sensitive), six sections, the last one may hold `:`.
    let Some(rest) = arn.strip_prefix("arn:") else {
        return Err(CallerError::NotAnArn(arn.to_string()));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, _region, account, resource] = parts[..] else {
        return Err(CallerError::NotAnArn(arn.to_string()));
    };
    if !PARTITIONS.contains(&partition) {
        return Err(CallerError::UnknownPartition {
            arn: arn.to_string(),
            partition: partition.to_string(),
        });
    }
    let segments: Vec<&str> = resource.split('/').collect();
    let first = segments.first().copied().unwrap_or_default();
    let caller = |kind, canonical: String, session_name: Option<String>, stripped_path| Caller {
        arn: arn.to_string(),
        canonical,
        kind,
        partition: partition.to_string(),
        account: account.to_string(),
        session_name,
        stripped_path,
    };
    match (service, first) {
        ("sts", "assumed-role") => {
            if segments.len() < 3 {
                return Err(CallerError::AssumedRoleWithoutSession(arn.to_string()));
            }
            let role = segments[1..segments.len() - 1].join("/");
            let session = segments.last().map(|s| s.to_string());
            Ok(caller(
                PrincipalKind::AssumedRole,
                format!("arn:{partition}:iam::{account}:role/{role}"),
                session,
                None,
            ))
        }
        ("sts", "federated-user") => Ok(caller(
            PrincipalKind::FederatedUser,
            arn.to_string(),
            None,
            None,
        )),
        ("iam", "role") if segments.len() > 2 => {
            let name = segments.last().copied().unwrap_or_default();
            let path = segments[1..segments.len() - 1].join("/");
            Ok(caller(
                PrincipalKind::Role,
                format!("arn:{partition}:iam::{account}:role/{name}"),
                None,
                Some(path),
            ))
        }
        ("iam", "role") => Ok(caller(PrincipalKind::Role, arn.to_string(), None, None)),
        ("iam", "user") => Ok(caller(PrincipalKind::User, arn.to_string(), None, None)),
        ("iam", "root") => Ok(caller(PrincipalKind::Root, arn.to_string(), None, None)),
        _ => Err(CallerError::NotAnIdentity {
            arn: arn.to_string(),
            what: format!(
                "service {} with resource {}",
                quoted(service),
                quoted(first)
            ),
        }),
    }
}

/// Why an entry nearly maps the caller but does not, or is not the one used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NearMissReason {
    /// A role ARN with an IAM path: callers arrive without it.
    ArnPath,
    /// An earlier entry with the same key (the same ARN, maybe in another case): the last wins.
    DeadDuplicate,
    /// The authenticator drops the entry (a missing or mistyped field).
    Dropped,
    /// The key the entry is in does not parse: every entry in it is dropped.
    KeyUnread,
    /// An `sts` assumed-role ARN in the mapping: callers arrive as the role ARN.
    AssumedRoleArn,
    /// Spaces around the ARN: compared as written.
    Whitespace,
    /// An `sso` entry with a `partition`: the authenticator builds a pattern that never matches.
    SsoPartition,
    /// A user ARN differing only in case from another live one: one of them at random.
    CaseVariantUser,
    /// A `mapUsers` entry never used because a `mapRoles` entry maps the same ARN.
    Shadowed,
    /// The same role or user name in another account.
    OtherAccount,
    /// The same role or user in another partition.
    OtherPartition,
    /// The caller is mapped only through `mapAccounts`: username = its ARN, no groups.
    AccountOnly,
    /// A data key that differs from a real one by case only mentions the caller; it is ignored.
    IgnoredKey,
}

impl NearMissReason {
    /// The reason as printed: `arn-path`, `dead-duplicate`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            NearMissReason::ArnPath => "arn-path",
            NearMissReason::DeadDuplicate => "dead-duplicate",
            NearMissReason::Dropped => "dropped",
            NearMissReason::KeyUnread => "key-unread",
            NearMissReason::AssumedRoleArn => "assumed-role-arn",
            NearMissReason::Whitespace => "whitespace",
            NearMissReason::SsoPartition => "sso-partition",
            NearMissReason::CaseVariantUser => "case-variant-user",
            NearMissReason::Shadowed => "shadowed",
            NearMissReason::OtherAccount => "other-account",
            NearMissReason::OtherPartition => "other-partition",
            NearMissReason::AccountOnly => "account-only",
            NearMissReason::IgnoredKey => "ignored-key",
        }
    }
}

/// An entry that nearly maps the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NearMiss {
    /// Why it does not map the caller (or is not the one used).
    pub reason: NearMissReason,
    /// The data key (`mapRoles`, `mapUsers`, `mapAccounts`, or the ignored key's name).
    pub key: String,
    /// 0-based entry index in the key's list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// 1-based line of the entry in the key's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The entry's ARN as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// What is wrong, naming the values.
    pub message: String,
    /// A command that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// How the caller is mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    /// `mapRoles`, `mapUsers` or `mapAccounts`.
    pub key: DataKey,
    /// 0-based entry index (`None` for `mapAccounts`: the account itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// 1-based line of the entry in the key's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The authenticator's map key of the entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookup_key: Option<String>,
    /// The username as written (templates unfilled).
    pub username_template: String,
    /// The Kubernetes username, templates filled as far as the ARN tells.
    pub username: String,
    /// The groups as written.
    pub groups_template: Vec<String>,
    /// The Kubernetes groups, templates filled as far as the ARN tells.
    pub groups: Vec<String>,
    /// Other live entries that match too: the authenticator picks one of them at random.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_matching: Vec<usize>,
}

/// What the authenticator makes of one caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The caller ARN as given.
    pub caller: String,
    /// The caller as the authenticator sees it; `None` when it refuses the ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical: Option<Caller>,
    /// Why the authenticator refuses the ARN itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether the caller is mapped to a Kubernetes user.
    pub granted: bool,
    /// How, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<Grant>,
    /// Entries that nearly map the caller, in document order.
    pub near_misses: Vec<NearMiss>,
    /// Things to know about the result (a template filled only at login, a path dropped).
    pub notes: Vec<String>,
}

impl AwsAuth {
    /// What the authenticator makes of a caller: the entry that maps it (key, index, line),
    /// the Kubernetes username and groups, and every near miss with why and a fix.
    ///
    /// ```
    /// use aws_auth_core::{AwsAuth, NearMissReason};
    /// let auth = AwsAuth::from_data([("mapRoles", "- rolearn: arn:aws:iam::111122223333:role/team/ops\n  username: ops:{{SessionName}}\n  groups: [system:masters]\n")]);
    /// let e = auth.explain("arn:aws:sts::111122223333:assumed-role/ops/alice");
    /// assert!(!e.granted);
    /// assert_eq!(e.near_misses[0].reason, NearMissReason::ArnPath);
    /// ```
    pub fn explain(&self, caller_arn: &str) -> Explanation {
        let mut out = Explanation {
            caller: caller_arn.to_string(),
            canonical: None,
            error: None,
            granted: false,
            grant: None,
            near_misses: Vec::new(),
            notes: Vec::new(),
        };
        let caller = match canonicalize_caller(caller_arn) {
            Ok(c) => c,
            Err(e) => {
                out.error = Some(e.to_string());
                return out;
            }
        };
        if let Some(path) = &caller.stripped_path {
            out.notes.push(format!(
                "the role's sessions arrive as {} without its path /{path}/: looking up {}",
                quoted(&format!(
                    "arn:{}:sts::{}:assumed-role/{}/SESSION",
                    caller.partition,
                    caller.account,
                    caller.canonical.rsplit('/').next().unwrap_or_default()
                )),
                caller.canonical
            ));
        }
        let subject = caller.canonical.to_ascii_lowercase();
        out.canonical = Some(caller.clone());
        let view = self.authenticator_view();
        let mappings = self.mappings();
        let sso_of = |e: &ViewEntry<'_>| -> Option<SsoSpec> {
            if e.list != DataKey::MapRoles {
                return None;
            }
            mappings.roles.get(e.index).and_then(|r| r.sso.clone())
        };
        let username_of = |e: &ViewEntry<'_>| -> String {
            let u = match e.list {
                DataKey::MapRoles => mappings.roles.get(e.index).and_then(|r| r.username.clone()),
                _ => mappings.users.get(e.index).and_then(|u| u.username.clone()),
            };
            u.unwrap_or_default()
        };
        let matches = |e: &ViewEntry<'_>| match (e.arn, sso_of(e)) {
            (Some(arn), _) => arn.eq_ignore_ascii_case(&subject),
            (None, Some(sso)) => sso_matches(&sso, &subject),
            (None, None) => false,
        };
        // Roles first, then users: the mapper's order. Within a list, several live keys can
        // match (an ARN and an `sso` pattern; user ARNs in other case): Go map order, random.
        let mut winner: Option<(&ViewEntry<'_>, Vec<usize>)> = None;
        for list in [DataKey::MapRoles, DataKey::MapUsers] {
            let hits: Vec<&ViewEntry<'_>> = view
                .live()
                .filter(|e| e.list == list && matches(e))
                .collect();
            if let Some((first, rest)) = hits.split_first() {
                winner = Some((first, rest.iter().map(|e| e.index).collect()));
                break;
            }
        }
        if let Some((e, also)) = &winner {
            let template = username_of(e);
            out.granted = true;
            out.grant = Some(Grant {
                key: e.list,
                index: Some(e.index),
                line: e.line,
                lookup_key: e.lookup_key.clone(),
                username: fill(&template, &caller, &mut out.notes),
                username_template: template,
                groups_template: e.groups.to_vec(),
                groups: e
                    .groups
                    .iter()
                    .map(|g| fill(g, &caller, &mut out.notes))
                    .collect(),
                also_matching: also.clone(),
            });
            out.notes.dedup();
            if username_of(e).is_empty() {
                out.notes.push(
                    "the entry has no username (or one YAML 1.1 reads as a boolean or number, which the authenticator empties): aws-auth validate says which"
                        .to_string(),
                );
            }
            if e.groups.is_empty() {
                out.notes.push(
                    "the entry has no groups: RBAC gives the caller nothing unless a binding names its username"
                        .to_string(),
                );
            }
        } else if mappings.accounts.iter().any(|a| a == &caller.account) {
            out.granted = true;
            out.grant = Some(Grant {
                key: DataKey::MapAccounts,
                index: None,
                line: None,
                lookup_key: None,
                username_template: caller.canonical.clone(),
                username: caller.canonical.clone(),
                groups_template: Vec::new(),
                groups: Vec::new(),
                also_matching: Vec::new(),
            });
            out.near_misses.push(NearMiss {
                reason: NearMissReason::AccountOnly,
                key: DataKey::MapAccounts.as_str().to_string(),
                index: None,
                line: None,
                arn: None,
                message: format!(
                    "only account {} in mapAccounts maps the caller: its username is its own ARN and it has no groups, so RBAC gives it nothing unless a binding names that user",
                    caller.account
                ),
                fix: Some(fix_upsert(&caller, "USERNAME", &["GROUP".to_string()])),
            });
        }
        let winner_index = winner.as_ref().map(|(e, _)| (e.list, e.index));
        for e in &view.entries {
            if Some((e.list, e.index)) == winner_index {
                continue;
            }
            if let Some(miss) = near_miss(e, &caller, &subject, sso_of(e).as_ref(), &username_of(e))
            {
                out.near_misses.push(miss);
            }
        }
        for key in &view.unread_keys {
            if self.key_text(*key).is_some_and(|t| mentions(t, &caller)) {
                out.near_misses.push(NearMiss {
                    reason: NearMissReason::KeyUnread,
                    key: key.as_str().to_string(),
                    index: None,
                    line: None,
                    arn: None,
                    message: format!(
                        "{key} mentions the caller but does not parse: the authenticator drops every entry in it"
                    ),
                    fix: Some("aws-auth validate -f FILE (then fix the key's YAML)".to_string()),
                });
            }
        }
        for (name, text) in self.data() {
            if DataKey::from_name(&name).is_none()
                && DataKey::ALL
                    .iter()
                    .any(|k| k.as_str().eq_ignore_ascii_case(&name))
                && mentions(&text, &caller)
            {
                let real = DataKey::ALL
                    .iter()
                    .find(|k| k.as_str().eq_ignore_ascii_case(&name))
                    .map_or("", |k| k.as_str());
                out.near_misses.push(NearMiss {
                    reason: NearMissReason::IgnoredKey,
                    key: name.clone(),
                    index: None,
                    line: None,
                    arn: None,
                    message: format!(
                        "data key {} mentions the caller, but the authenticator reads only {real} (names are case-sensitive)",
                        quoted(&name)
                    ),
                    fix: Some(format!("move its entries under {real}")),
                });
            }
        }
        out
    }
}

/// `SSOArnLike` matched by `arn.ArnLike`: `arn:aws:iam::A:role/awsreservedsso_PSN_*`,
/// lowercased, against the lowercased canonical ARN.
fn sso_matches(sso: &SsoSpec, subject: &str) -> bool {
    if sso.partition.as_deref().is_some_and(|p| !p.is_empty()) {
        return false;
    }
    sso_matches_ignoring_partition(sso, subject)
}

fn sso_matches_ignoring_partition(sso: &SsoSpec, subject: &str) -> bool {
    let prefix = format!(
        ":iam::{}:role/awsreservedsso_{}_",
        sso.account_id, sso.permission_set_name
    )
    .to_ascii_lowercase();
    let Some(rest) = subject.strip_prefix("arn:") else {
        return false;
    };
    let partition_ok = match sso.partition.as_deref() {
        Some(p) if !p.is_empty() => rest.starts_with(&format!("{}:", p.to_ascii_lowercase())),
        _ => rest.starts_with("aws:"),
    };
    partition_ok
        && rest
            .find(':')
            .is_some_and(|i| rest[i..].starts_with(&prefix))
}

/// Fills the templates the authenticator's server fills; the ones it needs more than the ARN
/// for are left as written, with a note.
fn fill(template: &str, caller: &Caller, notes: &mut Vec<String>) -> String {
    let mut s = template.replace("{{AccountID}}", &caller.account);
    if let Some(session) = &caller.session_name {
        s = s
            .replace("{{SessionName}}", &session.replace('@', "-"))
            .replace("{{SessionNameRaw}}", session);
    } else if s.contains("{{SessionName") {
        notes.push(
            "{{SessionName}} is filled at login from the session name (give the assumed-role ARN, arn:...:sts::ACCOUNT:assumed-role/ROLE/SESSION, to see it)"
                .to_string(),
        );
    }
    if s.contains("{{EC2PrivateDNSName}}") {
        let instance = caller.session_name.as_deref().is_some_and(is_instance_id);
        notes.push(if instance || caller.session_name.is_none() {
            "{{EC2PrivateDNSName}} is filled at login from EC2 (the session name must be the instance ID)".to_string()
        } else {
            "{{EC2PrivateDNSName}} needs a session name that is an EC2 instance ID: the authenticator refuses this session".to_string()
        });
    }
    if s.contains("{{AccessKeyID}}") {
        notes
            .push("{{AccessKeyID}} is filled at login with the caller's access key ID".to_string());
    }
    s
}

/// `i-` and 8 or 17 hex digits: the authenticator's `instanceIDPattern`.
fn is_instance_id(s: &str) -> bool {
    s.strip_prefix("i-").is_some_and(|h| {
        (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Whether a key's raw text names the caller (its canonical ARN or, for roles, its name).
fn mentions(text: &str, caller: &Caller) -> bool {
    let lower = text.to_ascii_lowercase();
    let resource = caller
        .canonical
        .splitn(6, ':')
        .nth(5)
        .unwrap_or_default()
        .to_ascii_lowercase();
    lower.contains(&resource) && lower.contains(&caller.account)
}

fn fix_upsert(caller: &Caller, username: &str, groups: &[String]) -> String {
    let (flag, kind) = match caller.kind {
        PrincipalKind::User => ("--userarn", "--mapusers"),
        _ => ("--rolearn", "--maproles"),
    };
    let mut cmd = format!(
        "aws-auth upsert {kind} {flag} {} --username {}",
        shell_word(&caller.canonical),
        shell_word(if username.is_empty() {
            "USERNAME"
        } else {
            username
        })
    );
    if !groups.is_empty() {
        cmd.push_str(" --groups");
        for g in groups {
            cmd.push(' ');
            cmd.push_str(&shell_word(g));
        }
    }
    cmd
}

/// A word for a POSIX shell: as is when safe, else in single quotes.
fn shell_word(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The lowercase ARN with any role path removed, `None` for what is no role or user ARN.
fn comparable(arn: &str) -> Option<(String, String, String, String)> {
    let lower = arn.trim().to_ascii_lowercase();
    let a = Arn::parse(&lower)?;
    let (kind, name) = match (a.service, a.resource_type) {
        ("sts", "assumed-role") => ("role", a.path.split('/').next().unwrap_or_default()),
        ("iam", "role") => ("role", a.name),
        ("iam", "user") => ("user", lower.splitn(6, ':').nth(5)?.strip_prefix("user/")?),
        _ => return None,
    };
    Some((
        a.partition.to_string(),
        a.account.to_string(),
        kind.to_string(),
        name.to_string(),
    ))
}

fn near_miss(
    e: &ViewEntry<'_>,
    caller: &Caller,
    subject: &str,
    sso: Option<&SsoSpec>,
    username: &str,
) -> Option<NearMiss> {
    let arn = e.arn;
    let same_arn = arn.is_some_and(|a| a.eq_ignore_ascii_case(subject));
    let groups = e.groups.to_vec();
    let miss = |reason, message: String, fix: Option<String>| NearMiss {
        reason,
        key: e.list.as_str().to_string(),
        index: Some(e.index),
        line: e.line,
        arn: arn.map(str::to_string),
        message,
        fix,
    };
    let upsert = || Some(fix_upsert(caller, username, &groups));
    let entry = format!("{} entry {}", e.list, e.index);
    match &e.status {
        EntryStatus::Live if same_arn && e.list == DataKey::MapUsers => {
            return Some(miss(
                NearMissReason::CaseVariantUser,
                format!(
                    "{entry} ({}) maps the same user ARN in other case: both are live and the authenticator picks one of them at random",
                    arn.unwrap_or_default()
                ),
                Some(format!(
                    "aws-auth remove --mapusers --userarn {} (keep one spelling)",
                    shell_word(arn.unwrap_or_default())
                )),
            ));
        }
        EntryStatus::Live => {}
        EntryStatus::Overridden { by }
            if same_arn || sso.is_some_and(|s| sso_matches(s, subject)) =>
        {
            return Some(miss(
                NearMissReason::DeadDuplicate,
                format!(
                    "{entry} ({}) is dead: entry {by} has the same key for the authenticator and wins; this entry's username {} and groups [{}] are never used",
                    arn.unwrap_or("sso"),
                    quoted(username),
                    e.groups.join(", ")
                ),
                upsert().map(|c| {
                    format!("{c} (if these values are the ones meant; then delete the dead entry)")
                }),
            ));
        }
        EntryStatus::Overridden { .. } => {}
        EntryStatus::Shadowed { by } if same_arn => {
            return Some(miss(
                NearMissReason::Shadowed,
                format!(
                    "{entry} ({}) is never used: mapRoles entry {by} maps the same ARN and mapRoles is searched first",
                    arn.unwrap_or_default()
                ),
                Some(format!(
                    "aws-auth remove --mapusers --userarn {}",
                    shell_word(arn.unwrap_or_default())
                )),
            ));
        }
        EntryStatus::Shadowed { .. } => {}
        EntryStatus::Dropped { reason } => {
            let related = arn.and_then(comparable) == comparable(subject) && arn.is_some()
                || sso.is_some_and(|s| sso_matches_ignoring_partition(s, subject));
            if related {
                return Some(miss(
                    NearMissReason::Dropped,
                    format!(
                        "{entry} ({}) is dropped by the authenticator: {reason}",
                        arn.unwrap_or("sso")
                    ),
                    // An upsert keeps the fields that make it dropped: write it anew.
                    arn.map(|a| {
                        let (kind, flag) = match e.list {
                            DataKey::MapUsers => ("--mapusers", "--userarn"),
                            _ => ("--maproles", "--rolearn"),
                        };
                        format!(
                            "aws-auth remove {kind} {flag} {} --force && {}",
                            shell_word(a),
                            fix_upsert(caller, username, &groups)
                        )
                    }),
                ));
            }
            return None;
        }
        EntryStatus::NeverMatches { reason } => {
            let a = arn.unwrap_or_default();
            let related = match reason {
                Unmatchable::SsoPartition => {
                    sso.is_some_and(|s| sso_matches_ignoring_partition(s, subject))
                }
                Unmatchable::Whitespace => a.trim().eq_ignore_ascii_case(subject),
                _ => comparable(a) == comparable(subject),
            };
            if !related {
                return None;
            }
            let (why, text) = match reason {
                Unmatchable::RolePath => (
                    NearMissReason::ArnPath,
                    format!(
                        "{entry} ({a}) has an IAM path: callers arrive as the role ARN without it, so it never matches"
                    ),
                ),
                Unmatchable::AssumedRole => (
                    NearMissReason::AssumedRoleArn,
                    format!(
                        "{entry} ({a}) is an STS assumed-role session ARN: callers arrive as the role ARN, so it never matches"
                    ),
                ),
                Unmatchable::Whitespace => (
                    NearMissReason::Whitespace,
                    format!(
                        "{entry} ({}) has spaces around the ARN, so it never matches",
                        quoted(a)
                    ),
                ),
                Unmatchable::SsoPartition => (
                    NearMissReason::SsoPartition,
                    format!(
                        "{entry} (sso) has a partition: the authenticator then builds a pattern with an empty partition, which never matches"
                    ),
                ),
                Unmatchable::NotAnArn => return None,
            };
            let fix = if *reason == Unmatchable::SsoPartition {
                Some("delete the sso entry's partition field (aws is the default)".to_string())
            } else {
                upsert()
            };
            return Some(miss(why, text, fix));
        }
    }
    // Live entries that do not match: the same name elsewhere.
    let (p, acct, kind, name) = comparable(arn?)?;
    let (cp, cacct, ckind, cname) = comparable(subject)?;
    if kind != ckind || name != cname {
        return None;
    }
    let a = arn.unwrap_or_default();
    if p == cp && acct != cacct {
        Some(miss(
            NearMissReason::OtherAccount,
            format!(
                "{entry} ({a}) maps the same {kind} name in account {acct}, not the caller's {}",
                caller.account
            ),
            upsert(),
        ))
    } else if p != cp {
        Some(miss(
            NearMissReason::OtherPartition,
            format!(
                "{entry} ({a}) maps the same {kind} in partition {p}, not the caller's {}",
                caller.partition
            ),
            upsert(),
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_are_canonicalised_as_the_token_verifier_does() {
        let c = |arn: &str| canonicalize_caller(arn).map(|c| c.canonical);
        assert_eq!(
            c("arn:aws-cn:sts::111122223333:assumed-role/R/s").unwrap(),
            "arn:aws-cn:iam::111122223333:role/R"
        );
        // Users keep their path: GetCallerIdentity returns it.
        assert_eq!(
            c("arn:aws:iam::111122223333:user/dev/bob").unwrap(),
            "arn:aws:iam::111122223333:user/dev/bob"
        );
        assert!(matches!(
            canonicalize_caller("arn:aws:sts::111122223333:assumed-role/R"),
            Err(CallerError::AssumedRoleWithoutSession(_))
        ));
        assert!(matches!(
            canonicalize_caller("arn:aws-xx:iam::111122223333:role/R"),
            Err(CallerError::UnknownPartition { .. })
        ));
        assert!(matches!(
            canonicalize_caller("ARN:aws:iam::111122223333:role/R"),
            Err(CallerError::NotAnArn(_))
        ));
    }

    #[test]
    fn templates_are_filled_from_what_the_arn_tells() {
        let node =
            canonicalize_caller("arn:aws:sts::111122223333:assumed-role/n/i-0123456789abcdef0")
                .unwrap();
        let mut notes = Vec::new();
        assert_eq!(
            fill(
                "system:node:{{EC2PrivateDNSName}}/{{AccountID}}",
                &node,
                &mut notes
            ),
            "system:node:{{EC2PrivateDNSName}}/111122223333"
        );
        assert!(notes[0].contains("filled at login from EC2"), "{notes:?}");
        let person = canonicalize_caller("arn:aws:sts::111122223333:assumed-role/n/a@b").unwrap();
        let mut notes = Vec::new();
        assert_eq!(
            fill("{{SessionName}} {{SessionNameRaw}}", &person, &mut notes),
            "a-b a@b"
        );
        fill("system:node:{{EC2PrivateDNSName}}", &person, &mut notes);
        assert!(notes[0].contains("refuses this session"), "{notes:?}");
    }
}
