//! Output: the `get` table, JSON and YAML, and diffs of changed data keys.

use std::fmt::Write as _;

use aws_auth_core::{Mappings, Ownership};

use crate::cli::Format;

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
