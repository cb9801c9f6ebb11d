//! The JSON the AWS CLI prints, read into plan inputs. Pure text in, values out: the CLI reads
//! the files, the npm package may hand the same text over.
//!
//! The values are walked by hand rather than read into the types with serde: serde's
//! type-error messages format floats (`Unexpected::Float`), which links Rust's float
//! formatting and its tables into the WebAssembly module (about 40 KB with the typed
//! deserialisers; see BENCHMARKS.md).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{AccessPolicy, AccessScope, ExistingAccessEntry, ScopeType};

/// Input JSON that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Not JSON.
    #[error("not JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's message.
        message: String,
    },
    /// JSON, but not of a shape this reads.
    #[error("value {index}: {message}")]
    Shape {
        /// 0-based index of the top-level value (several may be concatenated).
        index: usize,
        /// What is wrong.
        message: String,
    },
}

/// The top-level JSON values of `text`: one value, or several concatenated (what a loop of
/// `aws eks describe-access-entry` calls prints).
fn values(text: &str) -> Result<Vec<Value>, InputError> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| InputError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
}

/// `list-associated-access-policies` output: the policies of one principal's entry.
struct Associated {
    principal_arn: String,
    associated_access_policies: Vec<AccessPolicy>,
}

/// What a JSON value is, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object<'v>(v: &'v Value, what: &str) -> Result<&'v Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what}: expected an object, found {}", kind(v)))
}

/// A field that must be a string.
fn required_string(map: &Map<String, Value>, field: &str) -> Result<String, String> {
    match map.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "`{field}`: expected a string, found {}",
            kind(other)
        )),
        None => Err(format!("missing field `{field}`")),
    }
}

/// A string field that may be absent or null.
fn optional_string(map: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "`{field}`: expected a string, found {}",
            kind(other)
        )),
    }
}

/// A field holding a list, empty when absent.
fn list<'v>(map: &'v Map<String, Value>, field: &str) -> Result<&'v [Value], String> {
    match map.get(field) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(format!(
            "`{field}`: expected an array, found {}",
            kind(other)
        )),
    }
}

fn strings(map: &Map<String, Value>, field: &str) -> Result<Vec<String>, String> {
    list(map, field)?
        .iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(format!(
                "`{field}`: expected strings, found {}",
                kind(other)
            )),
        })
        .collect()
}

fn access_policy(v: &Value) -> Result<AccessPolicy, String> {
    let map = object(v, "an access policy")?;
    let scope = match map.get("accessScope") {
        Some(scope) => object(scope, "`accessScope`")?,
        None => return Err("missing field `accessScope`".into()),
    };
    let scope_type = match required_string(scope, "type")?.as_str() {
        "cluster" => ScopeType::Cluster,
        "namespace" => ScopeType::Namespace,
        other => {
            return Err(format!(
                "`accessScope.type`: expected `cluster` or `namespace`, found `{other}`"
            ));
        }
    };
    Ok(AccessPolicy {
        policy_arn: required_string(map, "policyArn")?,
        access_scope: AccessScope {
            scope_type,
            namespaces: strings(scope, "namespaces")?,
        },
    })
}

fn access_policies(map: &Map<String, Value>, field: &str) -> Result<Vec<AccessPolicy>, String> {
    list(map, field)?.iter().map(access_policy).collect()
}

fn existing_entry(v: &Value) -> Result<ExistingAccessEntry, String> {
    let map = object(v, "`accessEntry`")?;
    Ok(ExistingAccessEntry {
        principal_arn: required_string(map, "principalArn")?,
        entry_type: optional_string(map, "type")?,
        username: optional_string(map, "username")?,
        kubernetes_groups: strings(map, "kubernetesGroups")?,
        access_policies: access_policies(map, "accessPolicies")?,
    })
}

fn associated(map: &Map<String, Value>) -> Result<Associated, String> {
    Ok(Associated {
        principal_arn: required_string(map, "principalArn")?,
        associated_access_policies: access_policies(map, "associatedAccessPolicies")?,
    })
}

/// Existing access entries, from any mix of:
/// - `aws eks describe-access-entry` output, `{"accessEntry": {...}}`;
/// - `aws eks list-associated-access-policies` output, `{"principalArn": ...,
///   "associatedAccessPolicies": [...]}`: the policies of that principal's entry;
/// - the simple form `{"principalArn", "type", "username", "kubernetesGroups",
///   "accessPolicies": [{"policyArn", "accessScope": {"type", "namespaces"}}]}`;
///
/// each given alone, concatenated, or in a JSON array.
///
/// ```
/// let text = r#"{"accessEntry": {"principalArn": "arn:aws:iam::111122223333:role/admin", "type": "STANDARD"}}
/// {"clusterName": "prod", "principalArn": "arn:aws:iam::111122223333:role/admin", "associatedAccessPolicies": [
///   {"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "accessScope": {"type": "cluster", "namespaces": []}}]}"#;
/// let entries = aws_auth_core::access_entries::parse_existing(text).unwrap();
/// assert_eq!(entries.len(), 1);
/// assert!(entries[0].is_cluster_admin());
/// ```
///
/// # Errors
/// The text is not JSON, or a value has none of these shapes.
pub fn parse_existing(text: &str) -> Result<Vec<ExistingAccessEntry>, InputError> {
    let mut entries: Vec<ExistingAccessEntry> = Vec::new();
    let mut policies: Vec<Associated> = Vec::new();
    for (index, value) in values(text)?.into_iter().enumerate() {
        let items = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            let shape = |message: String| InputError::Shape { index, message };
            let Value::Object(map) = &item else {
                return Err(InputError::Shape {
                    index,
                    message: "expected an object".into(),
                });
            };
            if let Some(inner) = map.get("accessEntry") {
                entries.push(existing_entry(inner).map_err(shape)?);
            } else if map.contains_key("associatedAccessPolicies") {
                policies.push(associated(map).map_err(shape)?);
            } else if map.contains_key("accessEntries") {
                return Err(InputError::Shape {
                    index,
                    message: "list-access-entries names principals only; give describe-access-entry output for each".into(),
                });
            } else if map.contains_key("principalArn") {
                entries.push(existing_entry(&item).map_err(shape)?);
            } else {
                return Err(InputError::Shape {
                    index,
                    message: "expected {\"accessEntry\": {...}}, list-associated-access-policies output, or {\"principalArn\": ...}".into(),
                });
            }
        }
    }
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        at.entry(e.principal_arn.clone()).or_insert(i);
    }
    for a in policies {
        let i = match at.get(&a.principal_arn) {
            Some(&i) => i,
            // Policies listed before (or without) their entry: the entry is STANDARD, the only
            // type policies go on.
            None => {
                entries.push(ExistingAccessEntry {
                    principal_arn: a.principal_arn.clone(),
                    ..ExistingAccessEntry::default()
                });
                at.insert(a.principal_arn.clone(), entries.len() - 1);
                entries.len() - 1
            }
        };
        for p in a.associated_access_policies {
            if !entries[i].access_policies.contains(&p) {
                entries[i].access_policies.push(p);
            }
        }
    }
    Ok(entries)
}

/// Role ARNs from `aws iam list-roles` output (`{"Roles": [{"Arn": ...}]}`, pages concatenated
/// or in an array) or a JSON array of ARN strings.
///
/// ```
/// let text = r#"{"Roles": [{"Path": "/team/", "RoleName": "ops", "Arn": "arn:aws:iam::111122223333:role/team/ops"}]}"#;
/// assert_eq!(aws_auth_core::access_entries::parse_role_arns(text).unwrap(), ["arn:aws:iam::111122223333:role/team/ops"]);
/// ```
///
/// # Errors
/// The text is not JSON, or a value has neither shape.
pub fn parse_role_arns(text: &str) -> Result<Vec<String>, InputError> {
    let mut out = Vec::new();
    for (index, value) in values(text)?.into_iter().enumerate() {
        let bad = |message: &str| InputError::Shape {
            index,
            message: message.into(),
        };
        let items = match value {
            Value::Array(items) => items,
            Value::Object(mut map) => match map.remove("Roles") {
                Some(Value::Array(items)) => items,
                _ => return Err(bad("expected {\"Roles\": [...]} (aws iam list-roles)")),
            },
            _ => return Err(bad("expected {\"Roles\": [...]} or an array of ARNs")),
        };
        for item in items {
            match item {
                Value::String(s) => out.push(s),
                Value::Object(map) => match map.get("Arn") {
                    Some(Value::String(s)) => out.push(s.clone()),
                    _ => return Err(bad("a role without \"Arn\"")),
                },
                _ => return Err(bad("expected a role object or an ARN string")),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// The hand walk reads what the types' serde derive reads, and refuses what it refuses.
    #[test]
    fn the_hand_walk_agrees_with_the_serde_derive() {
        let policy = r#"{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "accessScope": {"type": "namespace", "namespaces": ["a", "b"]}, "associatedAt": 1.5}"#;
        let cases = [
            r#"{"principalArn": "arn:aws:iam::1:role/a"}"#.to_string(),
            r#"{"principalArn": "arn:aws:iam::1:role/a", "type": "EC2_LINUX", "username": null, "kubernetesGroups": ["g", "h"], "extra": 2.5}"#.to_string(),
            format!(r#"{{"principalArn": "p", "accessPolicies": [{policy}]}}"#),
            r#"{"principalArn": "p", "accessPolicies": [{"policyArn": "x", "accessScope": {"type": "cluster"}}]}"#.to_string(),
            // Refused by both.
            r#"{"type": "STANDARD"}"#.to_string(),
            r#"{"principalArn": 1.5}"#.to_string(),
            r#"{"principalArn": "p", "username": 3}"#.to_string(),
            r#"{"principalArn": "p", "kubernetesGroups": "g"}"#.to_string(),
            r#"{"principalArn": "p", "kubernetesGroups": null}"#.to_string(),
            r#"{"principalArn": "p", "kubernetesGroups": [1]}"#.to_string(),
            r#"{"principalArn": "p", "accessPolicies": [{"policyArn": "x"}]}"#.to_string(),
            r#"{"principalArn": "p", "accessPolicies": [{"policyArn": "x", "accessScope": {"type": "world"}}]}"#.to_string(),
            r#"{"principalArn": "p", "accessPolicies": [{"accessScope": {"type": "cluster"}}]}"#.to_string(),
            r#"{"principalArn": "p", "accessPolicies": {}}"#.to_string(),
            "[]".to_string(),
        ];
        let mut refused = 0;
        for case in &cases {
            let value: Value = serde_json::from_str(case).unwrap();
            let ours = existing_entry(&value);
            let serde = ExistingAccessEntry::deserialize(&value);
            match (&ours, &serde) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{case}"),
                (Err(_), Err(_)) => refused += 1,
                _ => panic!("{case}: ours {ours:?}, serde {serde:?}"),
            }
        }
        assert_eq!(refused, 11, "the refusals above are all refused");
    }
}
