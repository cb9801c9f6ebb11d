//! The JSON the AWS CLI prints, read into plan inputs. Pure text in, values out: the CLI reads
//! the files, the npm package may hand the same text over.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::{AccessPolicy, ExistingAccessEntry};

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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Associated {
    principal_arn: String,
    #[serde(default)]
    associated_access_policies: Vec<AccessPolicy>,
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
            let shape = |e: serde_json::Error| InputError::Shape {
                index,
                message: e.to_string(),
            };
            let Value::Object(map) = &item else {
                return Err(InputError::Shape {
                    index,
                    message: "expected an object".into(),
                });
            };
            if let Some(inner) = map.get("accessEntry") {
                entries.push(ExistingAccessEntry::deserialize(inner).map_err(shape)?);
            } else if map.contains_key("associatedAccessPolicies") {
                policies.push(Associated::deserialize(&item).map_err(shape)?);
            } else if map.contains_key("accessEntries") {
                return Err(InputError::Shape {
                    index,
                    message: "list-access-entries names principals only; give describe-access-entry output for each".into(),
                });
            } else if map.contains_key("principalArn") {
                entries.push(ExistingAccessEntry::deserialize(&item).map_err(shape)?);
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
