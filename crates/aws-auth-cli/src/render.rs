//! Output: the `get` table, JSON and YAML, and diffs of changed data keys.

use std::fmt::Write as _;

use aws_auth_core::Mappings;
use aws_auth_core::access_entries::{Plan, output};

use crate::cli::{Format, PlanFormat};

/// The `get` table: TYPE, ARN, USERNAME, GROUPS, aligned with three spaces between columns.
pub fn table(m: &Mappings) -> String {
    let mut rows: Vec<[String; 4]> = vec![[
        "TYPE".into(),
        "ARN".into(),
        "USERNAME".into(),
        "GROUPS".into(),
    ]];
    let groups = |g: &Option<Vec<String>>| g.as_ref().map(|g| g.join(", ")).unwrap_or_default();
    for r in &m.roles {
        let arn = match (&r.rolearn, &r.sso) {
            (Some(a), _) => a.clone(),
            (None, Some(sso)) => format!("sso:{}/{}", sso.account_id, sso.permission_set_name),
            (None, None) => String::new(),
        };
        rows.push([
            "Role Mapping".into(),
            arn,
            r.username.clone().unwrap_or_default(),
            groups(&r.groups),
        ]);
    }
    for u in &m.users {
        rows.push([
            "User Mapping".into(),
            u.userarn.clone().unwrap_or_default(),
            u.username.clone().unwrap_or_default(),
            groups(&u.groups),
        ]);
    }
    for a in &m.accounts {
        rows.push(["Account".into(), a.clone(), String::new(), String::new()]);
    }
    let mut widths = [0usize; 4];
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
pub fn mappings(m: &Mappings, format: Format) -> serde_json::Result<String> {
    Ok(match format {
        Format::Table => table(m),
        Format::Json => format!("{}\n", serde_json::to_string_pretty(m)?),
        Format::Yaml => m.to_yaml(),
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
