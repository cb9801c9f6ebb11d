//! Output: the `get` table, JSON and YAML, and diffs of changed data keys.

use std::fmt::Write as _;

use aws_auth_core::access_entries::{Plan, output};
use aws_auth_core::{
    DataKey, Diagnostic, Explanation, LiveMapping, Mappings, Ownership, SemanticDiff, Severity,
};

use crate::cli::{Format, PlanFormat};
use crate::outcome::FilePosition;

/// The `get` table: TYPE, ARN, USERNAME, GROUPS, aligned with three spaces between columns,
/// and MANAGER when a manager owns any entry (the Go tool's four columns otherwise).
pub fn table(m: &Mappings, own: &Ownership) -> String {
    let managed = !own.managers.is_empty();
    let mut rows: Vec<Vec<String>> = vec![vec![
        "TYPE".into(),
        "ARN".into(),
        "USERNAME".into(),
        "GROUPS".into(),
    ]];
    let manager = |o: Option<&Option<String>>| o.cloned().flatten().unwrap_or_default();
    let groups = |g: &Option<Vec<String>>| g.as_ref().map(|g| g.join(", ")).unwrap_or_default();
    for (i, r) in m.roles.iter().enumerate() {
        let arn = match (&r.rolearn, &r.sso) {
            (Some(a), _) => a.clone(),
            (None, Some(sso)) => format!("sso:{}/{}", sso.account_id, sso.permission_set_name),
            (None, None) => String::new(),
        };
        rows.push(vec![
            "Role Mapping".into(),
            arn,
            r.username.clone().unwrap_or_default(),
            groups(&r.groups),
            manager(own.roles.get(i)),
        ]);
    }
    for (i, u) in m.users.iter().enumerate() {
        rows.push(vec![
            "User Mapping".into(),
            u.userarn.clone().unwrap_or_default(),
            u.username.clone().unwrap_or_default(),
            groups(&u.groups),
            manager(own.users.get(i)),
        ]);
    }
    for (i, a) in m.accounts.iter().enumerate() {
        rows.push(vec![
            "Account".into(),
            a.clone(),
            String::new(),
            String::new(),
            manager(own.accounts.get(i)),
        ]);
    }
    if managed {
        rows[0].push("MANAGER".into());
    } else {
        for row in &mut rows {
            row.truncate(4);
        }
    }
    let mut widths = [0usize; 5];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                let _ = write!(line, "{cell:<w$}   ", w = widths[i]);
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A unified diff of each data key whose text differs, `a/` before and `b/` after.
pub fn diff(label: &str, before: &[(String, String)], after: &[(String, String)]) -> String {
    let mut keys: Vec<&str> = before.iter().map(|(k, _)| k.as_str()).collect();
    for (k, _) in after {
        if !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    let find = |d: &[(String, String)], k: &str| {
        d.iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut out = String::new();
    for key in keys {
        let old = find(before, key);
        let new = find(after, key);
        if old == new {
            continue;
        }
        let diff = similar::TextDiff::from_lines(&old, &new);
        // `a/` + an absolute path would read `a//tmp/...`.
        let path = label.trim_start_matches('/');
        let a = format!("a/{path}/data/{key}");
        let b = format!("b/{path}/data/{key}");
        let text = diff
            .unified_diff()
            .context_radius(3)
            .missing_newline_hint(true)
            .header(&a, &b)
            .to_string();
        out.push_str(&text);
    }
    out
}

/// The `get` output in `format`.
///
/// # Errors
/// JSON serialisation failed.
pub fn mappings(m: &Mappings, own: &Ownership, format: Format) -> serde_json::Result<String> {
    Ok(match format {
        Format::Table => table(m, own),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&with_managers(m, own))?
        ),
        Format::Yaml => with_managers(m, own).to_yaml(),
    })
}

/// An access-entries plan in `format`; `Config` makes sure json and shell have a cluster name.
pub fn plan(plan: &Plan, format: PlanFormat, cluster_name: Option<&str>) -> String {
    let name = cluster_name.unwrap_or_default();
    match format {
        PlanFormat::Table => output::table(plan),
        PlanFormat::Json => output::json(plan, name),
        PlanFormat::Cloudformation => output::cloudformation(plan, cluster_name),
        PlanFormat::Terraform => output::terraform(plan, cluster_name),
        PlanFormat::Shell => output::shell(plan, name),
    }
}

/// The mappings with a `manager` field on each managed entry (none on the others, so that
/// the output of a cluster without managers is what it always was).
fn with_managers(m: &Mappings, own: &Ownership) -> Mappings {
    let mut m = m.clone();
    let tag = |extra: &mut serde_json::Map<String, serde_json::Value>,
               owner: Option<&Option<String>>| {
        if let Some(Some(name)) = owner {
            extra.insert("manager".into(), serde_json::Value::String(name.clone()));
        }
    };
    for (i, r) in m.roles.iter_mut().enumerate() {
        tag(&mut r.extra, own.roles.get(i));
    }
    for (i, u) in m.users.iter_mut().enumerate() {
        tag(&mut u.extra, own.users.get(i));
    }
    m
}

/// `validate -o json`: an array of diagnostics with the npm `Diagnostic`'s fields, and with
/// -f each one's `fileLine` and `fileColumn`.
///
/// # Errors
/// JSON serialisation failed.
pub fn diagnostics_json(
    diags: &[Diagnostic],
    at: Option<&Vec<FilePosition>>,
) -> serde_json::Result<String> {
    let mut items = Vec::with_capacity(diags.len());
    for (i, d) in diags.iter().enumerate() {
        let mut v = serde_json::to_value(d)?;
        if let (Some(obj), Some(Some((line, column)))) =
            (v.as_object_mut(), at.and_then(|a| a.get(i)))
        {
            obj.insert("fileLine".into(), (*line).into());
            obj.insert("fileColumn".into(), (*column).into());
        }
        items.push(v);
    }
    Ok(format!("{}\n", serde_json::to_string_pretty(&items)?))
}

/// `validate -o github`: one GitHub Actions workflow command per diagnostic,
/// `::error file=PATH,line=N,col=M,title=CODE::message`, with the lines of the manifest file.
pub fn github(diags: &[Diagnostic], file: Option<&(String, Vec<FilePosition>)>) -> String {
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some((path, at)) = file {
            props.push(format!("file={}", escape_property(path)));
            if let Some(Some((line, column))) = at.get(i) {
                props.push(format!("line={line}"));
                props.push(format!("col={column}"));
            }
        }
        props.push(format!("title={}", escape_property(d.code.as_str())));
        let mut message = String::new();
        if let Some(key) = &d.key {
            message.push_str(key);
            if let Some(e) = d.entry {
                let _ = write!(message, "[{e}]");
            }
            message.push_str(": ");
        }
        message.push_str(&d.message);
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&message)
        );
    }
    out
}

/// Workflow-command data: `%`, CR and LF encoded.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command property values: as data, and `:` and `,` too.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `explain` for people: per caller, the verdict, the mapping and the near misses.
pub fn explanations(
    es: &[Explanation],
    file_lines: &[(Option<usize>, Vec<Option<usize>>)],
) -> String {
    let mut out = String::new();
    for (n, e) in es.iter().enumerate() {
        let lines = file_lines.get(n);
        let where_ = |key: &str, index: Option<usize>, line: Option<usize>, file: Option<usize>| {
            let mut s = key.to_string();
            if let Some(i) = index {
                let _ = write!(s, "[{i}]");
            }
            match (file, line) {
                (Some(f), _) => {
                    let _ = write!(s, " (file line {f})");
                }
                (None, Some(l)) => {
                    let _ = write!(s, " (line {l} of {key})");
                }
                _ => {}
            }
            s
        };
        let verdict = if e.error.is_some() {
            "refused"
        } else if e.granted {
            "mapped"
        } else {
            "not mapped"
        };
        let _ = writeln!(out, "{}: {verdict}", e.caller);
        if let Some(err) = &e.error {
            let _ = writeln!(out, "  reason: {err}");
        }
        if let Some(c) = &e.canonical
            && c.canonical != e.caller
        {
            let _ = writeln!(out, "  seen as: {}", c.canonical);
        }
        if let Some(g) = &e.grant {
            let file = lines.and_then(|l| l.0);
            let _ = writeln!(
                out,
                "  by: {}",
                where_(g.key.as_str(), g.index, g.line, file)
            );
            if let Some(k) = &g.lookup_key {
                let _ = writeln!(out, "  key: {k}");
            }
            let _ = writeln!(out, "  username: {}", quoted_or_empty(&g.username));
            let groups = if g.groups.is_empty() {
                "(none)".to_string()
            } else {
                g.groups.join(", ")
            };
            let _ = writeln!(out, "  groups: {groups}");
            if !g.also_matching.is_empty() {
                let others: Vec<String> = g.also_matching.iter().map(|i| i.to_string()).collect();
                let _ = writeln!(
                    out,
                    "  warning: entries {} of {} match too; the authenticator picks one at random",
                    others.join(", "),
                    g.key
                );
            }
        }
        for note in &e.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        for (i, m) in e.near_misses.iter().enumerate() {
            let file = lines.and_then(|l| l.1.get(i).copied().flatten());
            let _ = writeln!(
                out,
                "  near miss [{}] {}: {}",
                m.reason.as_str(),
                where_(&m.key, m.index, m.line, file),
                m.message
            );
            if let Some(fix) = &m.fix {
                let _ = writeln!(out, "    fix: {fix}");
            }
        }
    }
    out
}

/// `explain -o json`: an array of explanations; with -f each grant and near miss that has a
/// line also has its `fileLine`.
///
/// # Errors
/// JSON serialisation failed.
pub fn explanations_json(
    es: &[Explanation],
    file_lines: &[(Option<usize>, Vec<Option<usize>>)],
) -> serde_json::Result<String> {
    let mut items = Vec::with_capacity(es.len());
    for (n, e) in es.iter().enumerate() {
        let mut v = serde_json::to_value(e)?;
        if let Some((grant, misses)) = file_lines.get(n) {
            if let (Some(g), Some(line)) =
                (v.get_mut("grant").and_then(|g| g.as_object_mut()), grant)
            {
                g.insert("fileLine".into(), (*line).into());
            }
            if let Some(arr) = v.get_mut("nearMisses").and_then(|m| m.as_array_mut()) {
                for (m, line) in arr.iter_mut().zip(misses) {
                    if let (Some(obj), Some(line)) = (m.as_object_mut(), line) {
                        obj.insert("fileLine".into(), (*line).into());
                    }
                }
            }
        }
        items.push(v);
    }
    Ok(format!("{}\n", serde_json::to_string_pretty(&items)?))
}

/// `diff` for people: per key, `+` added, `-` removed (and what became of it), `~` changed.
pub fn semantic_diff(d: &SemanticDiff, labels: &(String, String)) -> String {
    let mut out = String::new();
    if !d.access_changed() && d.newly_unread.is_empty() {
        return out;
    }
    let _ = writeln!(out, "--- {}\n+++ {}", labels.0, labels.1);
    for key in &d.newly_unread {
        let _ = writeln!(
            out,
            "! {key} no longer parses: the authenticator drops every entry in it"
        );
    }
    for key in &d.newly_read {
        let _ = writeln!(out, "! {key} parses again");
    }
    let mapping = |m: &LiveMapping| {
        format!(
            "{} (username {}, groups [{}])",
            m.arn.as_deref().unwrap_or(&m.lookup_key),
            quoted_or_empty(&m.username),
            m.groups.join(", ")
        )
    };
    for (key, list) in [
        (DataKey::MapRoles, &d.map_roles),
        (DataKey::MapUsers, &d.map_users),
    ] {
        if list.added.is_empty() && list.removed.is_empty() && list.changed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{key}:");
        for r in &list.removed {
            let _ = writeln!(
                out,
                "- {} [entry {}]: {}",
                mapping(&r.old),
                r.old.index,
                r.now
            );
        }
        for a in &list.added {
            let _ = writeln!(out, "+ {} [entry {}]", mapping(a), a.index);
        }
        for c in &list.changed {
            let mut what = Vec::new();
            for f in &c.fields {
                match f.as_str() {
                    "username" => what.push(format!(
                        "username {} -> {}",
                        quoted_or_empty(&c.old.username),
                        quoted_or_empty(&c.new.username)
                    )),
                    _ => {
                        let mut g = format!(
                            "groups [{}] -> [{}]",
                            c.old.groups.join(", "),
                            c.new.groups.join(", ")
                        );
                        if !c.groups_removed.is_empty() {
                            let _ = write!(g, " (loses {})", c.groups_removed.join(", "));
                        }
                        what.push(g);
                    }
                }
            }
            let _ = writeln!(
                out,
                "~ {} [entry {} -> {}]: {}",
                c.new.arn.as_deref().unwrap_or(&c.new.lookup_key),
                c.old.index,
                c.new.index,
                what.join("; ")
            );
        }
    }
    let accounts = &d.map_accounts;
    if !accounts.added.is_empty() || !accounts.removed.is_empty() {
        let _ = writeln!(out, "mapAccounts:");
        for a in &accounts.removed {
            let _ = writeln!(out, "- {a}");
        }
        for a in &accounts.added {
            let _ = writeln!(out, "+ {a}");
        }
    }
    out
}

fn quoted_or_empty(s: &str) -> String {
    if s.is_empty() {
        "(none)".to_string()
    } else {
        s.to_string()
    }
}

/// `diff -o json`: the semantic diff with `accessChanged`.
///
/// # Errors
/// JSON serialisation failed.
pub fn semantic_diff_json(d: &SemanticDiff) -> serde_json::Result<String> {
    let mut v = serde_json::to_value(d)?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("accessChanged".into(), d.access_changed().into());
    }
    Ok(format!("{}\n", serde_json::to_string_pretty(&v)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_auth_core::Code;

    #[test]
    fn workflow_commands_encode_what_the_runner_would_split_on() {
        assert_eq!(escape_data("100%\r\nnext: a, b"), "100%25%0D%0Anext: a, b");
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        let d = Diagnostic {
            severity: Severity::Error,
            code: Code::Syntax,
            message: "line one\nline two: 50%".into(),
            key: Some("mapRoles".into()),
            entry: None,
            line: Some(2),
            column: Some(3),
        };
        let file = ("dir/a,b:c.yaml".to_string(), vec![Some((9, 5))]);
        assert_eq!(
            github(&[d], Some(&file)),
            "::error file=dir/a%2Cb%3Ac.yaml,line=9,col=5,title=syntax::mapRoles: line one%0Aline two: 50%25\n"
        );
    }
}
