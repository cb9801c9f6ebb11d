//! IAM ARNs as the authenticator matches them.
//!
//! The authenticator canonicalises the caller (`arn:aws:sts::A:assumed-role/R/session` becomes
//! `arn:aws:iam::A:role/R`) and compares case-insensitively, so a mapped role ARN that carries a
//! path (`role/team/R`) never matches anyone.

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
        let mut parts = s.splitn(6, ':');
        // The authenticator lowercases mapped ARNs before comparing: `ARN:AWS:IAM::...` works.
        if !parts.next()?.eq_ignore_ascii_case("arn") {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let _region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        let (resource_type, rest) = resource.split_once('/')?;
        let (path, name) = match rest.rsplit_once('/') {
            Some((path, name)) => (path, name),
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

/// Whether an ARN problem makes the entry useless (wrong kind of ARN, not an ARN) or only
/// suspicious (an account or partition that looks wrong but that the Go tool and the
/// authenticator accept, like the reference README's `arn:aws:iam::00000000000:role/test`).
pub(crate) fn is_blocking(problem: &str) -> bool {
    !(problem.contains("12 digits")
        || problem.contains("unknown partition")
        || problem.contains(CDK_TOKEN_NOTE))
}

const CDK_TOKEN_NOTE: &str = "an AWS CDK token";

/// What is wrong with an ARN for the key it is in, if anything. Messages are lowercase and
/// name the problem; the caller adds where.
pub(crate) fn arn_problem(arn: &str, expected_type: &str) -> Option<String> {
    let quoted_arn = quoted(arn);
    // `role.roleArn` of a role made in the same CDK app is known only at deploy time: CDK
    // hands it over as a token, which it resolves wherever the string ends up.
    if arn.contains("${Token[") {
        return Some(format!(
            "{quoted_arn} holds {CDK_TOKEN_NOTE}; its ARN is only known (and checked) at deploy time"
        ));
    }
    let Some(parsed) = Arn::parse(arn) else {
        return Some(format!(
            "{quoted_arn} is not an ARN of the form arn:<partition>:iam::<account>:{expected_type}/<name>"
        ));
    };
    // Compared as the authenticator compares: ignoring case.
    let is = |part: &str, what: &str| part.eq_ignore_ascii_case(what);
    if is(parsed.service, "sts") && is(parsed.resource_type, "assumed-role") {
        return Some(format!(
            "{quoted_arn} is an STS assumed-role ARN; map the role itself (arn:{}:iam::{}:role/{})",
            parsed.partition,
            parsed.account,
            parsed.path.split('/').next().unwrap_or(parsed.name)
        ));
    }
    if !is(parsed.service, "iam") {
        return Some(format!(
            "{quoted_arn} is an {} ARN, not iam",
            parsed.service
        ));
    }
    if !is(parsed.resource_type, expected_type) {
        return Some(format!(
            "{quoted_arn} is a {} ARN where a {expected_type} ARN belongs",
            parsed.resource_type
        ));
    }
    if parsed.name.is_empty() {
        return Some(format!("{quoted_arn} has no {expected_type} name"));
    }
    // What IAM allows in role and user names and paths: such an ARN can never match.
    let name_ok = parsed.name.len() <= 64
        && parsed
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if !name_ok {
        return Some(format!(
            "{quoted_arn} has {expected_type} name {}, but IAM names are at most 64 of A-Z a-z 0-9 _+=,.@-",
            quoted(parsed.name)
        ));
    }
    if parsed.path.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
        return Some(format!(
            "{quoted_arn} has a path with a character IAM does not allow (a space or a non-ASCII one)"
        ));
    }
    // Last, so that a problem that makes the entry useless is never hidden behind them: these
    // two only look wrong (the Go tool and the authenticator accept them).
    if !PARTITIONS.iter().any(|p| is(parsed.partition, p)) {
        return Some(format!(
            "{quoted_arn} has unknown partition {}",
            quoted(parsed.partition)
        ));
    }
    if parsed.account.len() != 12 || !parsed.account.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "{quoted_arn} has account {}, which is not 12 digits",
            parsed.account
        ));
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
}
