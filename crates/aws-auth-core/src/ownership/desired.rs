//! What a manager wants: the roles, users and accounts it owns after an apply.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::arn::{role_identity, user_identity};
use crate::document::MAX_INPUT_BYTES;
use crate::error::Error;
use crate::ownership::record::{EntryKey, EntryKind};
use crate::yaml::tree::parse_stream;

/// A role or user a manager wants, with exactly these values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesiredEntry {
    /// The role ARN (`rolearn`) or user ARN (`userarn`).
    #[serde(alias = "rolearn", alias = "userarn")]
    pub arn: String,
    /// The Kubernetes username; required, as the authenticator maps nobody without one.
    pub username: String,
    /// The Kubernetes groups; none when absent.
    #[serde(default)]
    pub groups: Vec<String>,
    /// `get -o json` names each entry's manager; accepted and ignored, so that its output
    /// can be fed back.
    #[serde(default, skip_serializing)]
    manager: Option<Value>,
}

impl DesiredEntry {
    /// An entry with these values.
    ///
    /// ```
    /// use aws_auth_core::DesiredEntry;
    /// let ops = DesiredEntry::new("arn:aws:iam::111122223333:role/ops", "ops", ["system:masters"]);
    /// assert_eq!(ops.groups, ["system:masters"]);
    /// ```
    pub fn new<I, S>(arn: impl Into<String>, username: impl Into<String>, groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        DesiredEntry {
            arn: arn.into(),
            username: username.into(),
            groups: groups.into_iter().map(Into::into).collect(),
            manager: None,
        }
    }
}

/// Everything one manager wants in aws-auth: after an apply it owns exactly these entries.
///
/// As text (see [`Desired::parse`]) it has the shape `get -o json` and `get -o yaml` print,
/// so their output, cut down to a manager's entries, can be fed back:
///
/// ```
/// use aws_auth_core::Desired;
/// let desired = Desired::parse(r#"
/// mapRoles:
///   - rolearn: arn:aws:iam::111122223333:role/ops
///     username: ops
///     groups: [system:masters]
/// mapAccounts: ["111122223333"]
/// "#).unwrap();
/// assert_eq!(desired.roles[0].username, "ops");
/// assert_eq!(desired.accounts, ["111122223333"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desired {
    /// `mapRoles` entries (also read from `roles`).
    #[serde(default, rename = "mapRoles", alias = "roles")]
    pub roles: Vec<DesiredEntry>,
    /// `mapUsers` entries (also read from `users`).
    #[serde(default, rename = "mapUsers", alias = "users")]
    pub users: Vec<DesiredEntry>,
    /// `mapAccounts` items (also read from `accounts`).
    #[serde(default, rename = "mapAccounts", alias = "accounts")]
    pub accounts: Vec<String>,
}

impl Desired {
    /// Reads desired entries from YAML or JSON text: an object with `mapRoles`, `mapUsers` and
    /// `mapAccounts` (each optional; `roles`, `users`, `accounts` also do), whose entries have
    /// `rolearn`/`userarn`, `username` and `groups`. A `manager` field is ignored; any other
    /// field is an error, as it would not be written.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the entry and what is wrong: not YAML, a missing
    /// username, an unknown field, an account ID that YAML reads as a number, the same identity
    /// twice.
    pub fn parse(text: &str) -> Result<Desired, Error> {
        if text.len() > MAX_INPUT_BYTES {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: MAX_INPUT_BYTES,
            });
        }
        let invalid = |what: String| Error::InvalidArgument(format!("desired entries: {what}"));
        let docs = parse_stream(text).map_err(|e| {
            invalid(format!(
                "not YAML or JSON at line {}, column {}: {}",
                e.line, e.column, e.message
            ))
        })?;
        let mut roots = docs.iter().filter_map(|d| d.root.as_ref());
        let (Some(root), None) = (roots.next(), roots.next()) else {
            return Err(invalid(
                "expected one object with mapRoles, mapUsers and mapAccounts".into(),
            ));
        };
        // Read as the authenticator's YAML reader would, so that a value it takes as a number
        // or boolean is refused here rather than written as something else.
        let value = crate::yaml::go_value::resolve_node(root)
            .ok_or_else(|| invalid("anchors and aliases are not supported here".into()))?;
        Desired::from_value(value)
    }

    /// Reads desired entries from a JSON value of the shape [`Desired::parse`] takes.
    ///
    /// # Errors
    /// As [`Desired::parse`].
    pub fn from_value(value: Value) -> Result<Desired, Error> {
        let invalid = |what: String| Error::InvalidArgument(format!("desired entries: {what}"));
        let Value::Object(top) = value else {
            return Err(invalid(
                "expected an object with mapRoles, mapUsers and mapAccounts".into(),
            ));
        };
        let mut desired = Desired::default();
        for (name, items) in top {
            let kind = match name.as_str() {
                "mapRoles" | "roles" => EntryKind::Role,
                "mapUsers" | "users" => EntryKind::User,
                "mapAccounts" | "accounts" => EntryKind::Account,
                other => {
                    return Err(invalid(format!(
                        "unknown key {other:?}; expected mapRoles, mapUsers or mapAccounts"
                    )));
                }
            };
            let items = match items {
                Value::Array(items) => items,
                Value::Null => Vec::new(),
                _ => return Err(invalid(format!("{name} is not a list"))),
            };
            for (i, item) in items.into_iter().enumerate() {
                let at = |what: String| invalid(format!("{name}[{i}]: {what}"));
                match kind {
                    EntryKind::Account => match item {
                        Value::String(a) => desired.accounts.push(a),
                        Value::Number(n) => {
                            return Err(at(format!(
                                "write the account ID as a quoted string (\"{n}\" is read as a number)"
                            )));
                        }
                        _ => return Err(at("an account ID must be a string".into())),
                    },
                    EntryKind::Role | EntryKind::User => {
                        let field = if kind == EntryKind::Role {
                            "rolearn"
                        } else {
                            "userarn"
                        };
                        if let Value::Object(fields) = &item {
                            if let Some(other) = ["rolearn", "userarn", "arn"]
                                .into_iter()
                                .find(|f| *f != field && *f != "arn" && fields.contains_key(*f))
                            {
                                return Err(at(format!("{other} does not belong in {name}")));
                            }
                            if fields.contains_key("sso") {
                                return Err(at(
                                    "sso entries cannot be managed; write them by hand".into(),
                                ));
                            }
                        }
                        let mut entry: DesiredEntry = serde_json::from_value(item)
                            .map_err(|e| at(e.to_string().replace("`arn`", field)))?;
                        entry.manager = None;
                        if kind == EntryKind::Role {
                            desired.roles.push(entry);
                        } else {
                            desired.users.push(entry);
                        }
                    }
                }
            }
        }
        desired.check()?;
        Ok(desired)
    }

    /// What makes a desire unusable however it was built: an entry without a username (the
    /// authenticator maps nobody with it), the same identity twice (which values are wanted?).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the entry.
    pub fn check(&self) -> Result<(), Error> {
        let unnamed = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("mapRoles[{i}]"), e))
            .chain(
                self.users
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (format!("mapUsers[{i}]"), e)),
            )
            .find(|(_, e)| e.username.trim().is_empty());
        if let Some((at, _)) = unnamed {
            return Err(Error::InvalidArgument(format!(
                "desired entries: {at}: username is empty"
            )));
        }
        let mut seen: HashMap<EntryKey, String> = HashMap::new();
        for (key, at) in self.keys() {
            if let Some(first) = seen.insert(key.clone(), at.clone()) {
                return Err(Error::InvalidArgument(format!(
                    "desired entries: {at} is the same {} as {first}",
                    match key.kind {
                        EntryKind::Account => "account",
                        _ => "identity",
                    }
                )));
            }
        }
        Ok(())
    }

    /// Each desired entry's key and where it is (`mapRoles[2]`).
    pub(crate) fn keys(&self) -> Vec<(EntryKey, String)> {
        let roles = self.roles.iter().enumerate().map(|(i, r)| {
            (
                EntryKey {
                    kind: EntryKind::Role,
                    identity: role_identity(r.arn.trim()),
                },
                format!("mapRoles[{i}]"),
            )
        });
        let users = self.users.iter().enumerate().map(|(i, u)| {
            (
                EntryKey {
                    kind: EntryKind::User,
                    identity: user_identity(u.arn.trim()),
                },
                format!("mapUsers[{i}]"),
            )
        });
        let accounts = self.accounts.iter().enumerate().map(|(i, a)| {
            (
                EntryKey {
                    kind: EntryKind::Account,
                    identity: a.trim().to_string(),
                },
                format!("mapAccounts[{i}]"),
            )
        });
        roles.chain(users).chain(accounts).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> String {
        Desired::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn json_and_yaml_read_alike() {
        let yaml = "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n  groups:\n  - g\nmapUsers: []\nmapAccounts:\n- \"111122223333\"\n";
        let json = r#"{"mapRoles":[{"rolearn":"arn:aws:iam::111122223333:role/a","username":"a","groups":["g"],"manager":"x"}],"mapAccounts":["111122223333"]}"#;
        assert_eq!(Desired::parse(yaml).unwrap(), Desired::parse(json).unwrap());
        let npm = r#"{"roles":[{"rolearn":"arn:aws:iam::111122223333:role/a","username":"a","groups":["g"]}],"accounts":["111122223333"]}"#;
        assert_eq!(Desired::parse(npm).unwrap(), Desired::parse(json).unwrap());
    }

    #[test]
    fn mistakes_name_the_entry() {
        assert!(
            message("mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/a\n")
                .contains("mapRoles[0]: missing field `username`")
        );
        assert!(
            message("mapRoles:\n- rolearn: x\n  username: a\n  role_arn: y\n")
                .contains("mapRoles[0]: unknown field `role_arn`")
        );
        assert!(
            message("mapAccounts: [111122223333]")
                .contains("mapAccounts[0]: write the account ID as a quoted string")
        );
        assert!(
            message("mapRoles:\n- rolearn: x\n  username: on\n")
                .contains("mapRoles[0]: invalid type: boolean")
        );
        assert!(
            message("mapUsers:\n- rolearn: x\n  username: a\n")
                .contains("mapUsers[0]: rolearn does not belong")
        );
        assert!(message("mapRoles: [{rolearn: arn:aws:iam::111122223333:role/A, username: a}, {rolearn: arn:aws:iam::111122223333:role/team/a, username: b}]").contains("mapRoles[1] is the same identity as mapRoles[0]"));
        assert!(message("mapGroups: []").contains("unknown key \"mapGroups\""));
        assert!(message("[1, 2]").contains("expected an object"));
        assert!(message("a: [").contains("not YAML or JSON at line"));
        assert!(
            message("mapRoles:\n- rolearn: x\n  username: \"\"\n").contains("username is empty")
        );
    }

    #[test]
    fn nothing_wanted_is_valid() {
        assert_eq!(Desired::parse("{}").unwrap(), Desired::default());
        assert_eq!(
            Desired::parse("mapRoles: null").unwrap(),
            Desired::default()
        );
    }
}
