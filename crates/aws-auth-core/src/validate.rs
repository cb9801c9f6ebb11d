//! Diagnostics: what the authenticator will drop (errors) and what will not do what its author
//! meant (warnings), each with a stable code and a location.

use crate::quoted::quoted;
use std::collections::HashMap;

use crate::arn::{Arn, arn_problem, is_account_id, strip_role_path};
use crate::authenticator::{AuthenticatorView, Candidate, EntryStatus, sso_problem};
use crate::diagnostics::{Code, Diagnostic, Severity, diagnostic};
use crate::model::DataKey;
use crate::section::{Entry, EntryValue, KeyProblem, Section};

/// The templates the authenticator expands in `username` and `groups`.
pub const TEMPLATES: [&str; 5] = [
    "EC2PrivateDNSName",
    "AccountID",
    "SessionName",
    "SessionNameRaw",
    "AccessKeyID",
];

/// Diagnostics of one key. Returns the authenticator's view of the key's entries (for
/// `mapRoles` and `mapUsers`, when the key parses), which the checks across keys reuse.
pub(crate) fn check_section<'s>(
    section: &'s Section,
    out: &mut Vec<Diagnostic>,
) -> Option<AuthenticatorView<'s>> {
    let key = section.key;
    let parsed = match section.parsed() {
        Ok(p) => p,
        Err(problem) => {
            out.push(key_problem(key, problem));
            return None;
        }
    };
    if parsed.later_documents {
        out.push(diagnostic(
            Code::MultipleDocuments,
            Some(key),
            None,
            None,
            format!(
                "{key} holds more than one YAML document; the authenticator reads only the first"
            ),
        ));
    }
    for (i, entry) in parsed.entries.iter().enumerate() {
        check_entry(key, i, entry, out);
    }
    (key != DataKey::MapAccounts).then(|| duplicates(key, &parsed.entries, out))
}

/// Diagnostics of one entry.
fn check_entry(key: DataKey, i: usize, entry: &Entry, out: &mut Vec<Diagnostic>) {
    let at = Some((entry.node.line, entry.node.col + 1));
    let d = |code: Code, message: String| diagnostic(code, Some(key), Some(i), at, message);
    for is in &entry.issues {
        out.push(diagnostic(
            is.code,
            Some(key),
            Some(i),
            Some((is.line, is.column)),
            is.message.clone(),
        ));
    }
    let dropped = entry
        .issues
        .iter()
        .any(|is| is.code.severity() == Severity::Error);
    match &entry.value {
        EntryValue::Account(a) => {
            if !is_account_id(a) {
                out.push(d(
                    Code::InvalidAccountId,
                    format!("{} is not a 12-digit account ID", quoted(a)),
                ));
            }
            return;
        }
        // An empty ARN is no ARN to the authenticator (`rolearn: ''` with `sso` is fine).
        EntryValue::Role(r) => {
            match (r.rolearn.as_ref().filter(|a| !a.is_empty()), &r.sso) {
                (None, None) if dropped => {}
                (None, None) => out.push(d(
                    Code::MissingArn,
                    "entry has neither rolearn nor sso; it is dropped".into(),
                )),
                (Some(_), Some(_)) => out.push(d(
                    Code::ArnAndSso,
                    "entry has both rolearn and sso; it is dropped".into(),
                )),
                (Some(arn), None) => check_arn(arn, "role", &d, out),
                (None, Some(_)) if dropped => {}
                // `RoleMapping.Validate`: accountID `^[0-9]{12}$`, permissionSetName
                // `^[\w+=,.@-]{1,32}$`, partition empty or one of the list, exact case.
                (None, Some(sso)) => {
                    if let Some(problem) = sso_problem(sso) {
                        out.push(d(
                            Code::InvalidSso,
                            format!("{problem}; the entry is dropped"),
                        ));
                    }
                }
            }
        }
        EntryValue::User(u) => match u.userarn.as_ref().filter(|a| !a.is_empty()) {
            None if dropped => {}
            None => out.push(d(
                Code::MissingArn,
                "entry has no userarn; it is dropped".into(),
            )),
            Some(arn) => check_arn(arn, "user", &d, out),
        },
    }
    match entry.username() {
        None | Some("") => out.push(d(Code::EmptyUsername, "entry has no username".into())),
        Some(u) => check_templates(u, &d, out),
    }
    for g in entry.groups().unwrap_or_default() {
        check_templates(g, &d, out);
    }
    for (code, message) in &entry.field_notes {
        out.push(d(*code, message.clone()));
    }
}

/// Dead duplicates by the authenticator's keys (a role's whole ARN lowercased, a user's ARN as
/// written; the last of a key wins), and user ARNs that differ only in case: both are live
/// and a caller matching them gets one of them at random.
fn duplicates<'e>(
    key: DataKey,
    entries: &'e [Entry],
    out: &mut Vec<Diagnostic>,
) -> AuthenticatorView<'e> {
    let candidates = entries
        .iter()
        .enumerate()
        .map(|(i, e)| Candidate::of_entry(key, i, e));
    let view = AuthenticatorView::of(candidates, Vec::new());
    let at = |i: usize| Some((entries[i].node.line, entries[i].node.col + 1));
    let mut spelled: HashMap<String, usize> = HashMap::new();
    for e in &view.entries {
        let arn = e.arn.unwrap_or_default();
        if let EntryStatus::Overridden { by } = e.status {
            out.push(diagnostic(
                Code::DuplicateIdentity,
                Some(key),
                Some(e.index),
                at(e.index),
                format!(
                    "entry {} ({arn}) is dead: entry {by} has the same key for the authenticator and wins",
                    e.index
                ),
            ));
        } else if key == DataKey::MapUsers
            && e.is_live()
            && let Some(first) = spelled.insert(arn.to_ascii_lowercase(), e.index)
        {
            out.push(diagnostic(
                Code::DuplicateIdentity,
                Some(key),
                Some(first),
                at(first),
                format!(
                    "entries {first} and {} map the same user ARN spelled in different case: both are live and a caller gets one of them at random",
                    e.index
                ),
            ));
        }
    }
    view
}

fn check_arn(
    arn: &str,
    kind: &str,
    d: &dyn Fn(Code, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    if kind == "role"
        && let Some(stripped) = strip_role_path(arn)
    {
        out.push(d(
            Code::ArnPath,
            format!("{arn} has a path and never matches; map {stripped}"),
        ));
        return;
    }
    if let Some(problem) = arn_problem(arn, kind) {
        let code = match Arn::parse(arn) {
            Some(a) if a.service.eq_ignore_ascii_case("sts") => Code::AssumedRoleArn,
            _ => Code::MalformedArn,
        };
        out.push(d(code, problem.to_string()));
    }
}

fn check_templates(s: &str, d: &dyn Fn(Code, String) -> Diagnostic, out: &mut Vec<Diagnostic>) {
    for problem in template_problems(s) {
        out.push(d(Code::UnknownTemplate, problem));
    }
}

/// What is wrong with the templates in a username or group: a `{{name}}` the authenticator
/// does not expand (`{{EC2PrivateDnsName}}`), or a known one in single braces
/// (`{EC2PrivateDNSName}`), which is left as it is.
pub(crate) fn template_problems(s: &str) -> Vec<String> {
    let mut problems = Vec::new();
    // Validate runs this on every username and group, and most have no brace or only known
    // templates: then neither check below can find anything.
    if only_known_templates(s) {
        return problems;
    }
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let name = &after[..close];
        if !TEMPLATES.contains(&name) {
            problems.push(format!(
                "{{{{{name}}}}} in {} is not expanded by the authenticator",
                quoted(s)
            ));
        }
        rest = &after[close + 2..];
    }
    // Which brace forms occur, found in one pass over the braces rather than ten searches of
    // the whole value.
    let mut single_at = [false; TEMPLATES.len()];
    let mut double_at = [false; TEMPLATES.len()];
    for (at, _) in s.match_indices('{') {
        let here = &s[at..];
        for k in 0..TEMPLATES.len() {
            single_at[k] |= here.starts_with(SINGLE_BRACES[k]);
            double_at[k] |= here.starts_with(DOUBLE_BRACES[k]);
        }
    }
    for k in 0..TEMPLATES.len() {
        let (single, double) = (SINGLE_BRACES[k], DOUBLE_BRACES[k]);
        // Removing the double-brace forms can join a single-brace one out of the pieces
        // around them (`{N{{N}}}`), so then the text is searched after the removal.
        // Each removal takes two opening braces; with none left over there is nothing to find.
        let single_left = if double_at[k] {
            let braces = s.bytes().filter(|&b| b == b'{').count();
            braces > 2 * s.matches(double).count() && s.replace(double, "").contains(single)
        } else {
            single_at[k]
        };
        if single_left {
            problems.push(format!(
                "{single} in {} is not expanded by the authenticator: templates take double braces ({double})",
                quoted(s)
            ));
        }
    }
    problems
}

/// Whether every `{` of `s` opens a known `{{name}}`. Then no unknown name is in double braces,
/// and no single-brace template is left after removing the double-brace ones: each `{` is
/// followed by its own `{` or name, whatever is removed around it.
fn only_known_templates(s: &str) -> bool {
    let mut rest = s.as_bytes();
    while let Some(open) = rest.iter().position(|&b| b == b'{') {
        let here = &rest[open..];
        match DOUBLE_BRACES
            .iter()
            .find(|d| here.starts_with(d.as_bytes()))
        {
            Some(d) => rest = &here[d.len()..],
            None => return false,
        }
    }
    true
}

/// [`TEMPLATES`] in single and in double braces, spelled out once rather than formatted on
/// every call.
const SINGLE_BRACES: [&str; 5] = [
    "{EC2PrivateDNSName}",
    "{AccountID}",
    "{SessionName}",
    "{SessionNameRaw}",
    "{AccessKeyID}",
];
const DOUBLE_BRACES: [&str; 5] = [
    "{{EC2PrivateDNSName}}",
    "{{AccountID}}",
    "{{SessionName}}",
    "{{SessionNameRaw}}",
    "{{AccessKeyID}}",
];

fn key_problem(key: DataKey, problem: &KeyProblem) -> Diagnostic {
    match problem {
        KeyProblem::Syntax(e) => diagnostic(
            Code::Syntax,
            Some(key),
            None,
            Some((e.line, e.column)),
            format!(
                "{key} is not valid YAML ({}); the authenticator drops every mapping in it",
                e.message
            ),
        ),
        KeyProblem::Type {
            line,
            column,
            message,
        } => diagnostic(
            Code::WrongType,
            Some(key),
            None,
            Some((*line, *column)),
            format!("{message}; the authenticator drops every mapping in {key}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brace_forms_spell_the_templates() {
        for ((name, single), double) in TEMPLATES.iter().zip(SINGLE_BRACES).zip(DOUBLE_BRACES) {
            assert_eq!(single, format!("{{{name}}}"));
            assert_eq!(double, format!("{{{{{name}}}}}"));
        }
    }

    /// The rule as first written, formatting and searching for every template.
    fn reference(s: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else { break };
            let name = &after[..close];
            if !TEMPLATES.contains(&name) {
                problems.push(format!(
                    "{{{{{name}}}}} in {} is not expanded by the authenticator",
                    quoted(s)
                ));
            }
            rest = &after[close + 2..];
        }
        for name in TEMPLATES {
            let single = format!("{{{name}}}");
            let double = format!("{{{{{name}}}}}");
            if s.replace(&double, "").contains(&single) {
                problems.push(format!(
                    "{single} in {} is not expanded by the authenticator: templates take double braces ({double})",
                    quoted(s)
                ));
            }
        }
        problems
    }

    #[test]
    fn template_problems_agree_with_the_rule_as_first_written() {
        for s in [
            "{AccountID{{AccountID}}}",
            "{{{AccountID}}AccountID}",
            "{{AccountID}}",
            "{{AccountID}",
            "{{{{AccountID}}}}",
            "{AccountID}{{AccountID}}",
            "{{EC2PrivateDnsName}} {SessionName}",
            "system:node:{{EC2PrivateDNSName}}",
            "{{SessionNameRaw}}{SessionName}",
            "plain",
            "",
            "{{AccountID}}}",
            "}{{AccountID}}{",
            "a{{SessionName}}b{{AccountID}}c",
            "{{SessionName}}{{SessionNameRaw}}",
            "{{{SessionName}}}",
        ] {
            assert_eq!(template_problems(s), reference(s), "{s}");
        }
    }
}
