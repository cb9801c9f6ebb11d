//! IAM ARNs as the authenticator matches them.
//!
//! The authenticator canonicalises the caller (`arn:aws:sts::A:assumed-role/R/session` becomes
//! `arn:aws:iam::A:role/R`) and compares case-insensitively, so a mapped role ARN that carries a
//! path (`role/team/R`) never matches anyone.

use std::fmt;

use crate::quoted::quoted;

/// The partitions the authenticator accepts.
pub const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// An ARN split into the parts that matter here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, ...
    pub partition: &'a str,
    /// `iam`, `sts`, ...
    pub service: &'a str,
    /// The account ID as written.
    pub account: &'a str,
    /// `role`, `user`, `assumed-role`, ...
    pub resource_type: &'a str,
    /// The path between the type and the name, without its slashes (`team/x`), or empty.
    pub path: &'a str,
    /// The last path segment.
    pub name: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits `arn:<partition>:<service>:<region>:<account>:<type>/<path>/<name>`.
    ///
    /// ```
    /// let arn = aws_auth_core::Arn::parse("arn:aws:iam::111122223333:role/team/deploy").unwrap();
    /// assert_eq!((arn.resource_type, arn.path, arn.name), ("role", "team", "deploy"));
    /// ```
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        // The five colons found in one pass: validate parses every ARN a few times, and
        // `splitn` set up a searcher per part.
        let mut colons = [0usize; 5];
        let mut found = 0;
        for (i, b) in s.bytes().enumerate() {
            if b == b':' {
                colons[found] = i;
                found += 1;
                if found == colons.len() {
                    break;
                }
            }
        }
        if found < colons.len() {
            return None;
        }
        // The authenticator lowercases mapped ARNs before comparing: `ARN:AWS:IAM::...` works.
        if !s[..colons[0]].eq_ignore_ascii_case("arn") {
            return None;
        }
        let partition = &s[colons[0] + 1..colons[1]];
        let service = &s[colons[1] + 1..colons[2]];
        let account = &s[colons[3] + 1..colons[4]];
        let resource = &s[colons[4] + 1..];
        let slash = resource.bytes().position(|b| b == b'/')?;
        let (resource_type, rest) = (&resource[..slash], &resource[slash + 1..]);
        let (path, name) = match rest.bytes().rposition(|b| b == b'/') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => ("", rest),
        };
        Some(Arn {
            partition,
            service,
            account,
            resource_type,
            path,
            name,
        })
    }
}

/// The identity of a role entry: lowercase, any path removed (whatever the case of its
/// `arn:` and `role/`).
pub(crate) fn role_identity(arn: &str) -> String {
    let lower = arn.to_ascii_lowercase();
    // Most role ARNs have one `/` (no path): nothing to strip, no need to split the ARN.
    if lower.bytes().filter(|&b| b == b'/').count() <= 1 {
        return lower;
    }
    strip_role_path(&lower).unwrap_or(lower)
}

/// The identity of a user entry: lowercase.
pub(crate) fn user_identity(arn: &str) -> String {
    arn.to_ascii_lowercase()
}

/// The role ARN without its path, when it has one.
///
/// ```
/// use aws_auth_core::strip_role_path;
/// assert_eq!(
///     strip_role_path("arn:aws:iam::111122223333:role/service-role/codebuild").as_deref(),
///     Some("arn:aws:iam::111122223333:role/codebuild"),
/// );
/// assert_eq!(strip_role_path("arn:aws:iam::111122223333:role/plain"), None);
/// assert_eq!(
///     strip_role_path("ARN:AWS:IAM::111122223333:ROLE/TEAM/OPS").as_deref(),
///     Some("ARN:AWS:IAM::111122223333:ROLE/OPS"),
/// );
/// ```
pub fn strip_role_path(arn: &str) -> Option<String> {
    let parsed = Arn::parse(arn)?;
    if !parsed.resource_type.eq_ignore_ascii_case("role") || parsed.path.is_empty() {
        return None;
    }
    let prefix_len = arn.len() - parsed.name.len() - parsed.path.len() - 1;
    Some(format!("{}{}", &arn[..prefix_len], parsed.name))
}

/// What is wrong with an ARN for the key it is in. Displayed, it is a lowercase message that
/// names the value; the caller adds where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArnProblem<'a> {
    arn: &'a str,
    /// `role` or `user`: the kind of ARN the key holds.
    expected: &'a str,
    pub kind: ArnProblemKind<'a>,
}

/// The kinds of [`ArnProblem`], in the order they are looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArnProblemKind<'a> {
    /// `role.roleArn` of a role made in the same CDK app is known only at deploy time: CDK
    /// hands it over as a token, which it resolves wherever the string ends up.
    CdkToken,
    NotAnArn,
    AssumedRole {
        arn: Arn<'a>,
    },
    NotIam {
        service: &'a str,
    },
    WrongType {
        resource_type: &'a str,
    },
    NoName,
    BadName {
        name: &'a str,
    },
    BadPath,
    UnknownPartition {
        partition: &'a str,
    },
    AccountNot12Digits {
        account: &'a str,
    },
}

impl ArnProblem<'_> {
    /// Whether the problem makes the entry useless (wrong kind of ARN, not an ARN), so an upsert
    /// refuses it, or only looks suspicious: an account or partition that looks wrong but that
    /// the Go tool and the authenticator accept (like the reference README's
    /// `arn:aws:iam::00000000000:role/test`), or a CDK token resolved at deploy time.
    pub fn blocks_upsert(&self) -> bool {
        !matches!(
            self.kind,
            ArnProblemKind::CdkToken
                | ArnProblemKind::UnknownPartition { .. }
                | ArnProblemKind::AccountNot12Digits { .. }
        )
    }
}

impl fmt::Display for ArnProblem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arn = quoted(self.arn);
        let expected = self.expected;
        match &self.kind {
            ArnProblemKind::CdkToken => write!(
                f,
                "{arn} holds an AWS CDK token; its ARN is only known (and checked) at deploy time"
            ),
            ArnProblemKind::NotAnArn => write!(
                f,
                "{arn} is not an ARN of the form arn:<partition>:iam::<account>:{expected}/<name>"
            ),
            ArnProblemKind::AssumedRole { arn: a } => write!(
                f,
                "{arn} is an STS assumed-role ARN; map the role itself (arn:{}:iam::{}:role/{})",
                a.partition,
                a.account,
                a.path.split('/').next().unwrap_or(a.name)
            ),
            ArnProblemKind::NotIam { service } => write!(f, "{arn} is an {service} ARN, not iam"),
            ArnProblemKind::WrongType { resource_type } => write!(
                f,
                "{arn} is a {resource_type} ARN where a {expected} ARN belongs"
            ),
            ArnProblemKind::NoName => write!(f, "{arn} has no {expected} name"),
            ArnProblemKind::BadName { name } => write!(
                f,
                "{arn} has {expected} name {}, but IAM names are at most 64 of A-Z a-z 0-9 _+=,.@-",
                quoted(name)
            ),
            ArnProblemKind::BadPath => write!(
                f,
                "{arn} has a path with a character IAM does not allow (a space or a non-ASCII one)"
            ),
            ArnProblemKind::UnknownPartition { partition } => {
                write!(f, "{arn} has unknown partition {}", quoted(partition))
            }
            ArnProblemKind::AccountNot12Digits { account } => {
                write!(f, "{arn} has account {account}, which is not 12 digits")
            }
        }
    }
}

/// What is wrong with an ARN for the key it is in (`expected_type` is `role` or `user`), if
/// anything.
pub(crate) fn arn_problem<'a>(arn: &'a str, expected_type: &'a str) -> Option<ArnProblem<'a>> {
    arn_problem_kind(arn, expected_type).map(|kind| ArnProblem {
        arn,
        expected: expected_type,
        kind,
    })
}

fn arn_problem_kind<'a>(arn: &'a str, expected_type: &str) -> Option<ArnProblemKind<'a>> {
    if arn.contains("${Token[") {
        return Some(ArnProblemKind::CdkToken);
    }
    let Some(parsed) = Arn::parse(arn) else {
        return Some(ArnProblemKind::NotAnArn);
    };
    // Compared as the authenticator compares: ignoring case.
    let is = |part: &str, what: &str| part.eq_ignore_ascii_case(what);
    if is(parsed.service, "sts") && is(parsed.resource_type, "assumed-role") {
        return Some(ArnProblemKind::AssumedRole { arn: parsed });
    }
    if !is(parsed.service, "iam") {
        return Some(ArnProblemKind::NotIam {
            service: parsed.service,
        });
    }
    if !is(parsed.resource_type, expected_type) {
        return Some(ArnProblemKind::WrongType {
            resource_type: parsed.resource_type,
        });
    }
    if parsed.name.is_empty() {
        return Some(ArnProblemKind::NoName);
    }
    // What IAM allows in role and user names and paths: such an ARN can never match.
    let name_ok = parsed.name.len() <= 64
        && parsed
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if !name_ok {
        return Some(ArnProblemKind::BadName { name: parsed.name });
    }
    if parsed.path.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
        return Some(ArnProblemKind::BadPath);
    }
    // Last, so that a problem that makes the entry useless is never hidden behind them: these
    // two only look wrong (the Go tool and the authenticator accept them).
    if !PARTITIONS.iter().any(|p| is(parsed.partition, p)) {
        return Some(ArnProblemKind::UnknownPartition {
            partition: parsed.partition,
        });
    }
    if !is_account_id(parsed.account) {
        return Some(ArnProblemKind::AccountNot12Digits {
            account: parsed.account,
        });
    }
    None
}

/// Whether `s` is a 12-digit AWS account ID.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_identity_ignores_case_and_path() {
        assert_eq!(
            role_identity("arn:aws:iam::111122223333:role/Team/Admin"),
            role_identity("arn:aws:iam::111122223333:ROLE/admin")
        );
        assert_eq!(
            role_identity("arn:aws:iam::111122223333:role/a/b/C"),
            "arn:aws:iam::111122223333:role/c"
        );
    }

    #[test]
    fn problems_name_what_is_wrong() {
        let ok = "arn:aws:iam::111122223333:role/x";
        assert_eq!(arn_problem(ok, "role"), None);
        let arn_problem = |arn, kind| arn_problem(arn, kind).map(|p| p.to_string());
        assert!(
            arn_problem("arn:aws:iam::1111:role/x", "role")
                .unwrap()
                .contains("12 digits")
        );
        assert!(
            arn_problem("arn:aws:iam::111122223333:user/x", "role")
                .unwrap()
                .contains("user ARN")
        );
        assert!(
            arn_problem("arn:aws:sts::111122223333:assumed-role/R/s", "role")
                .unwrap()
                .contains("role/R")
        );
        assert!(
            arn_problem("arn:aws-xx:iam::111122223333:role/x", "role")
                .unwrap()
                .contains("partition")
        );
        // A short account does not hide the wrong resource type.
        assert!(
            arn_problem("arn:aws:iam::122333:user/alice", "role")
                .unwrap()
                .contains("user ARN")
        );
        assert!(
            arn_problem("${NODE_ROLE}", "role")
                .unwrap()
                .contains("not an ARN")
        );
    }

    /// The split as first written, with `splitn`.
    fn reference(s: &str) -> Option<Arn<'_>> {
        let mut parts = s.splitn(6, ':');
        if !parts.next()?.eq_ignore_ascii_case("arn") {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let _region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        let (resource_type, rest) = resource.split_once('/')?;
        let (path, name) = rest.rsplit_once('/').unwrap_or(("", rest));
        Some(Arn {
            partition,
            service,
            account,
            resource_type,
            path,
            name,
        })
    }

    #[test]
    fn parse_agrees_with_splitn() {
        for s in [
            "arn:aws:iam::111122223333:role/x",
            "ARN:aws:iam::111122223333:role/a/b/c",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:role",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam:111122223333:role/x",
            "arn:aws:sts::1:assumed-role/R/s:with:colons",
            "arn:::::/",
            "arn:é:iam::1:role/ü/x",
            "nope:aws:iam::1:role/x",
            "",
            "arn",
        ] {
            assert_eq!(Arn::parse(s), reference(s), "{s}");
        }
    }

    #[test]
    fn only_problems_that_make_the_entry_useless_block_an_upsert() {
        let blocks = |arn| arn_problem(arn, "role").unwrap().blocks_upsert();
        assert!(!blocks("arn:aws:iam::1111:role/x"));
        assert!(!blocks("arn:aws-xx:iam::111122223333:role/x"));
        assert!(!blocks("${Token[TOKEN.123]}"));
        assert!(blocks("arn:aws:iam::111122223333:user/x"));
        // The words of a message no longer decide: an ARN that quotes one is still no ARN.
        assert!(blocks("unknown partition"));
    }
}
