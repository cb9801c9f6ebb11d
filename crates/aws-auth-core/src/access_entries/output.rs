//! A [`Plan`] in the forms people carry it out with: EKS API request bodies, a CloudFormation
//! template, Terraform, `aws eks` command lines, and a table to read.
//!
//! They live in the core, not the CLI, so that the npm package (and anyone embedding the
//! crate) renders exactly what the CLI prints. Only entries to create are rendered: covered,
//! conflicting, dead and unmigratable mappings appear as comments where the format has them,
//! and in full in the plan itself.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{AccessEntry, Outcome, Plan, ScopeType};

/// One EKS API call: the operation and its input as the service model names it
/// (`clusterName` included: it travels in the URI, but it is part of the input).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    /// `CreateAccessEntry` or `AssociateAccessPolicy`.
    pub operation: &'static str,
    /// The input shape's members.
    pub input: Value,
}

/// The API calls that create the plan's entries: each `CreateAccessEntry`, then its
/// `AssociateAccessPolicy` calls.
pub fn requests(plan: &Plan, cluster_name: &str) -> Vec<Request> {
    let mut out = Vec::new();
    for e in plan.to_create() {
        let mut input = Map::new();
        input.insert("clusterName".into(), json!(cluster_name));
        input.insert("principalArn".into(), json!(e.principal_arn));
        input.insert("type".into(), json!(e.entry_type.as_str()));
        if let Some(u) = &e.username {
            input.insert("username".into(), json!(u));
        }
        if !e.kubernetes_groups.is_empty() {
            input.insert("kubernetesGroups".into(), json!(e.kubernetes_groups));
        }
        out.push(Request {
            operation: "CreateAccessEntry",
            input: Value::Object(input),
        });
        for p in &e.access_policies {
            out.push(Request {
                operation: "AssociateAccessPolicy",
                input: json!({
                    "clusterName": cluster_name,
                    "principalArn": e.principal_arn,
                    "policyArn": p.policy_arn,
                    "accessScope": p.access_scope,
                }),
            });
        }
    }
    out
}

/// [`requests`] as a pretty JSON array, with a final newline.
pub fn json(plan: &Plan, cluster_name: &str) -> String {
    let mut s = serde_json::to_string_pretty(&requests(plan, cluster_name)).unwrap_or_default();
    s.push('\n');
    s
}

/// A CloudFormation template (JSON) of `AWS::EKS::AccessEntry` resources. Without a cluster
/// name the template takes a `ClusterName` parameter.
pub fn cloudformation(plan: &Plan, cluster_name: Option<&str>) -> String {
    let cluster = match cluster_name {
        Some(c) => json!(c),
        None => json!({"Ref": "ClusterName"}),
    };
    let mut resources = Map::new();
    let mut ids = Ids::default();
    for e in plan.to_create() {
        let mut props = Map::new();
        props.insert("ClusterName".into(), cluster.clone());
        props.insert("PrincipalArn".into(), json!(e.principal_arn));
        props.insert("Type".into(), json!(e.entry_type.as_str()));
        if let Some(u) = &e.username {
            props.insert("Username".into(), json!(u));
        }
        if !e.kubernetes_groups.is_empty() {
            props.insert("KubernetesGroups".into(), json!(e.kubernetes_groups));
        }
        if !e.access_policies.is_empty() {
            let policies: Vec<Value> = e
                .access_policies
                .iter()
                .map(|p| {
                    let mut scope = Map::new();
                    scope.insert("Type".into(), json!(scope_name(p.access_scope.scope_type)));
                    if !p.access_scope.namespaces.is_empty() {
                        scope.insert("Namespaces".into(), json!(p.access_scope.namespaces));
                    }
                    json!({"PolicyArn": p.policy_arn, "AccessScope": scope})
                })
                .collect();
            props.insert("AccessPolicies".into(), Value::Array(policies));
        }
        let id = ids.take(&format!("AccessEntry{}", camel(name_of(e))));
        resources.insert(
            id,
            json!({"Type": "AWS::EKS::AccessEntry", "Properties": props}),
        );
    }
    let nothing_to_create = resources.is_empty();
    if nothing_to_create {
        // CloudFormation refuses a template without resources: this one creates nothing.
        resources.insert(
            "NothingToMigrate".into(),
            json!({"Type": "AWS::CloudFormation::WaitConditionHandle"}),
        );
    }
    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    template.insert(
        "Description".into(),
        json!(
            "EKS access entries that replace the aws-auth ConfigMap (aws-auth access-entries plan)"
        ),
    );
    if cluster_name.is_none() && !nothing_to_create {
        template.insert(
            "Parameters".into(),
            json!({"ClusterName": {"Type": "String", "Description": "The EKS cluster"}}),
        );
    }
    template.insert("Resources".into(), Value::Object(resources));
    let mut s = serde_json::to_string_pretty(&Value::Object(template)).unwrap_or_default();
    s.push('\n');
    s
}

/// Terraform (HCL): an `aws_eks_access_entry` per entry and an
/// `aws_eks_access_policy_association` per policy. Without a cluster name it uses
/// `var.cluster_name`, declared here.
pub fn terraform(plan: &Plan, cluster_name: Option<&str>) -> String {
    let mut out = String::from(
        "# EKS access entries that replace the aws-auth ConfigMap (aws-auth access-entries plan)\n",
    );
    let cluster = match cluster_name {
        Some(c) => hcl_string(c),
        None => {
            out.push_str("\nvariable \"cluster_name\" {\n  type = string\n}\n");
            "var.cluster_name".to_string()
        }
    };
    comments(plan, &mut out, "#");
    let mut ids = Ids::default();
    for e in plan.to_create() {
        let id = ids.take(&snake(name_of(e)));
        let _ = write!(
            out,
            "\nresource \"aws_eks_access_entry\" \"{id}\" {{\n  cluster_name  = {cluster}\n  principal_arn = {}\n  type          = {}\n",
            hcl_string(&e.principal_arn),
            hcl_string(e.entry_type.as_str())
        );
        if let Some(u) = &e.username {
            let _ = writeln!(out, "  user_name     = {}", hcl_string(u));
        }
        if !e.kubernetes_groups.is_empty() {
            let groups: Vec<String> = e.kubernetes_groups.iter().map(|g| hcl_string(g)).collect();
            let _ = writeln!(out, "  kubernetes_groups = [{}]", groups.join(", "));
        }
        out.push_str("}\n");
        for p in &e.access_policies {
            let policy_name = p.policy_arn.rsplit('/').next().unwrap_or_default();
            let assoc = ids.take(&format!("{id}_{}", snake(policy_name)));
            let _ = write!(
                out,
                "\nresource \"aws_eks_access_policy_association\" \"{assoc}\" {{\n  cluster_name  = {cluster}\n  principal_arn = aws_eks_access_entry.{id}.principal_arn\n  policy_arn    = {}\n\n  access_scope {{\n    type = {}\n",
                hcl_string(&p.policy_arn),
                hcl_string(scope_name(p.access_scope.scope_type))
            );
            if !p.access_scope.namespaces.is_empty() {
                let ns: Vec<String> = p
                    .access_scope
                    .namespaces
                    .iter()
                    .map(|n| hcl_string(n))
                    .collect();
                let _ = writeln!(out, "    namespaces = [{}]", ns.join(", "));
            }
            out.push_str("  }\n}\n");
        }
    }
    out
}

/// `aws eks create-access-entry` and `associate-access-policy` command lines, one per call,
/// every argument shell-quoted. Lists and structures are passed as JSON, which the AWS CLI
/// reads for any parameter and which no value can break out of.
pub fn shell(plan: &Plan, cluster_name: &str) -> String {
    let mut out = String::from(
        "#!/bin/sh\n# EKS access entries that replace the aws-auth ConfigMap (aws-auth access-entries plan)\nset -eu\n",
    );
    comments(plan, &mut out, "#");
    for r in requests(plan, cluster_name) {
        let Value::Object(input) = &r.input else {
            continue;
        };
        let mut words: Vec<String> = vec!["aws".into(), "eks".into()];
        words.push(
            match r.operation {
                "CreateAccessEntry" => "create-access-entry",
                _ => "associate-access-policy",
            }
            .into(),
        );
        // The order a person would write them in (the JSON map sorts its keys).
        const ORDER: [&str; 7] = [
            "clusterName",
            "principalArn",
            "policyArn",
            "type",
            "username",
            "kubernetesGroups",
            "accessScope",
        ];
        let mut args: Vec<(&String, &Value)> = input.iter().collect();
        args.sort_by_key(|(k, _)| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
        for (k, v) in args {
            words.push(format!("--{}", kebab(k)));
            words.push(match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        let line: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

/// A table to read: one row per mapping (what becomes of it), then the verdict.
pub fn table(plan: &Plan) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "MAPPING".into(),
        "PRINCIPAL".into(),
        "TYPE".into(),
        "USERNAME".into(),
        "GROUPS / POLICIES".into(),
        "STATUS".into(),
    ]];
    for item in &plan.items {
        let entry_cells = |e: &AccessEntry| {
            let mut grants: Vec<String> = e.kubernetes_groups.clone();
            grants.extend(e.access_policies.iter().map(|p| {
                let name = p.policy_arn.rsplit('/').next().unwrap_or_default();
                match p.access_scope.scope_type {
                    ScopeType::Cluster => format!("{name} (cluster)"),
                    ScopeType::Namespace => {
                        format!("{name} ({})", p.access_scope.namespaces.join(" "))
                    }
                }
            }));
            [
                e.principal_arn.clone(),
                e.entry_type.as_str().to_string(),
                match (&e.username, e.entry_type) {
                    (Some(u), _) => u.clone(),
                    (None, super::EntryType::Standard) => "(default)".into(),
                    // Node entries take no username: EKS gives them their own.
                    (None, _) => "-".into(),
                },
                grants.join(", "),
            ]
        };
        let (cells, status) = match &item.outcome {
            Outcome::Migrate { entry } => (entry_cells(entry), "create".to_string()),
            Outcome::Covered { entry, .. } => (entry_cells(entry), "exists".to_string()),
            Outcome::Conflicts { entry, existing } => (
                entry_cells(entry),
                format!("exists, lacks {}", existing.missing.join(", ")),
            ),
            Outcome::NotMigratable { reason, message } => (
                Default::default(),
                format!("not migratable ({}): {message}", kebab_reason(*reason)),
            ),
            Outcome::Dead(d) => (
                Default::default(),
                format!("dead ({}): {}", d.kind, d.message),
            ),
        };
        let [p, t, u, g] = cells;
        rows.push([item.source.label(), p, t, u, g, status]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            line.push_str(cell);
            if c < 5 {
                let pad = widths[c] - cell.chars().count() + 3;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for item in &plan.items {
        for n in &item.notes {
            let _ = writeln!(out, "note: {}: {n}", item.source.label());
        }
    }
    for k in &plan.unread_keys {
        let _ = writeln!(
            out,
            "note: {k} does not parse: the authenticator ignores all of it today, nothing of it is planned"
        );
    }
    let v = &plan.verdict;
    if v.can_switch_to_api {
        out.push_str("verdict: once these entries exist, the cluster can switch to API mode without anyone losing access\n");
    } else {
        let _ = writeln!(
            out,
            "verdict: switching to API mode now would cut off {} mapping(s):",
            v.losses.len()
        );
        for l in &v.losses {
            let _ = writeln!(out, "  {}: {}", l.who, l.why);
        }
    }
    if !v.has_cluster_admin {
        out.push_str("warning: no planned or existing access entry is a cluster administrator\n");
    }
    out
}

/// What is not rendered, as comment lines, so a reviewer of the file sees it.
fn comments(plan: &Plan, out: &mut String, mark: &str) {
    for item in &plan.items {
        let line = match &item.outcome {
            Outcome::Migrate { .. } => continue,
            Outcome::Covered { existing, .. } => {
                format!("exists already ({})", existing.principal_arn)
            }
            Outcome::Conflicts { existing, .. } => format!(
                "an entry exists and lacks {}: update it by hand",
                existing.missing.join(", ")
            ),
            Outcome::NotMigratable { message, .. } => format!("not migratable: {message}"),
            Outcome::Dead(d) => format!("not migrated, dead: {}", d.message),
        };
        let text = format!("{}: {line}", item.source.label());
        // A value with a line break must not end the comment.
        let _ = writeln!(out, "{mark} {}", text.replace(['\n', '\r'], " "));
    }
}

fn kebab_reason(r: super::Reason) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn scope_name(s: ScopeType) -> &'static str {
    match s {
        ScopeType::Cluster => "cluster",
        ScopeType::Namespace => "namespace",
    }
}

/// The role or user name of the principal, for resource names.
fn name_of(e: &AccessEntry) -> &str {
    e.principal_arn.rsplit('/').next().unwrap_or("entry")
}

/// Unique resource names.
#[derive(Default)]
struct Ids(HashSet<String>);

impl Ids {
    fn take(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "entry" } else { base };
        let mut id = base.to_string();
        let mut n = 2;
        while !self.0.insert(id.to_ascii_lowercase()) {
            // No separator: CloudFormation logical IDs are alphanumeric only.
            id = format!("{base}{n}");
            n += 1;
        }
        id
    }
}

/// CloudFormation logical IDs are alphanumeric.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    out.truncate(200);
    out
}

/// Terraform names: a letter or `_` first, then letters, digits, `_` and `-`.
fn snake(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "entry_");
    }
    out.truncate(200);
    out
}

fn kebab(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An HCL quoted template: `${` and `%{` would start interpolation and directives.
fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// POSIX shell quoting: bare when every character is safe, else single quotes (a `'` inside
/// closes them, adds an escaped one, and reopens).
pub fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=@,+%".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}
