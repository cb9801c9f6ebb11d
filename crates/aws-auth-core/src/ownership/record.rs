//! The ownership record: which manager owns which entries, kept in one annotation of the
//! ConfigMap ([`OWNERSHIP_ANNOTATION`]).
//!
//! The format (version 1) is one line of compact JSON, sorted so that the same record is always
//! the same bytes:
//!
//! ```text
//! {"v":1,"managers":{"team-a":{"role:arn:aws:iam::111122223333:role/ops":"created:3c5a0d3f9e1b2a47"}}}
//! ```
//!
//! Each manager maps entry keys to `<origin>:<fingerprint>`. An entry key is the kind (`role`,
//! `user`, `account`) and the identity the operations use (§2 of the contract: a role ARN in
//! lowercase without its path, a user ARN in lowercase, an account ID). The origin says whether
//! the manager `created` the entry (its release removes it) or `adopted` one that was there (its
//! release leaves it). The fingerprint is a hash of the values the manager last wrote (username
//! and the set of groups), which is how changes made by anyone else since (drift) are seen
//! without keeping a copy of every entry in the annotation, whose size the API server limits.

use std::collections::BTreeMap;

use serde_json::Value;

/// The annotation of the ConfigMap that holds the ownership record.
///
/// The authenticator ignores annotations, and tools that rewrite `data` (kubectl patch of
/// `data`, Terraform's `kubernetes_config_map_v1_data`) leave them alone.
pub const OWNERSHIP_ANNOTATION: &str = "aws-auth/managers";

/// The version of the record format this build reads and writes.
const VERSION: u64 = 1;

/// The kind of entry a record names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum EntryKind {
    Role,
    User,
    Account,
}

impl EntryKind {
    /// `role`, `user` or `account`: the prefix of its keys in the record, and its name in messages.
    pub fn noun(self) -> &'static str {
        match self {
            EntryKind::Role => "role",
            EntryKind::User => "user",
            EntryKind::Account => "account",
        }
    }
}

/// One entry a record names: its kind and identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct EntryKey {
    pub kind: EntryKind,
    /// The identity of §2, already normalised (lowercase ARN without a role's path).
    pub identity: String,
}

impl EntryKey {
    fn encode(&self) -> String {
        format!("{}:{}", self.kind.noun(), self.identity)
    }

    fn decode(text: &str) -> Option<EntryKey> {
        let (prefix, identity) = text.split_once(':')?;
        let kind = [EntryKind::Role, EntryKind::User, EntryKind::Account]
            .into_iter()
            .find(|k| k.noun() == prefix)?;
        (!identity.is_empty()).then(|| EntryKey {
            kind,
            identity: identity.to_string(),
        })
    }
}

/// Whether a manager made the entry or found it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Added by the manager: removed when the manager no longer wants it.
    Created,
    /// There before the manager wanted it: left in place when the manager no longer wants it.
    Adopted,
}

/// What a manager recorded about one entry it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owned {
    pub origin: Origin,
    /// [`fingerprint`] of the values the manager last wrote.
    pub fingerprint: String,
}

impl Owned {
    fn encode(&self) -> String {
        let origin = match self.origin {
            Origin::Created => "created",
            Origin::Adopted => "adopted",
        };
        format!("{origin}:{}", self.fingerprint)
    }

    fn decode(text: &str) -> Option<Owned> {
        let (origin, fingerprint) = text.split_once(':')?;
        let origin = match origin {
            "created" => Origin::Created,
            "adopted" => Origin::Adopted,
            _ => return None,
        };
        Some(Owned {
            origin,
            fingerprint: fingerprint.to_string(),
        })
    }
}

/// The entries of one manager.
pub(crate) type Owns = BTreeMap<EntryKey, Owned>;

/// The whole record: every manager and what it owns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Record {
    pub managers: BTreeMap<String, Owns>,
}

/// How a record was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadRecord {
    /// No annotation: nobody owns anything.
    Absent,
    /// Read; `problems` name the parts that did not parse and were left out.
    Read {
        record: Record,
        problems: Vec<String>,
    },
    /// Written by a newer version of the format: it must not be rewritten by this one.
    Newer(u64),
    /// Not a record at all (not JSON, not an object): nothing in it can be trusted.
    Unreadable(String),
}

impl Record {
    /// Reads the annotation's text. Never fails: what cannot be read is reported, so that a
    /// broken record is repaired by the next apply instead of blocking every writer.
    pub fn read(text: Option<&str>) -> ReadRecord {
        let Some(text) = text else {
            return ReadRecord::Absent;
        };
        // Read with the core's own YAML reader (JSON is YAML): serde_json's text parser would
        // add its number parsing to the wasm build for this one string.
        let value =
            crate::yaml::tree::parse_stream(text)
                .ok()
                .and_then(|docs| match docs.as_slice() {
                    [one] => one
                        .root
                        .as_ref()
                        .and_then(crate::yaml::go_value::resolve_node),
                    _ => None,
                });
        let Some(value) = value.filter(|_| text.trim_start().starts_with('{')) else {
            return ReadRecord::Unreadable("it is not a JSON object".into());
        };
        let Value::Object(top) = value else {
            return ReadRecord::Unreadable("it is not a JSON object".into());
        };
        match top.get("v").and_then(Value::as_u64) {
            Some(VERSION) => {}
            Some(v) if v > VERSION => return ReadRecord::Newer(v),
            _ => {
                return ReadRecord::Unreadable(format!(
                    "its \"v\" is not {VERSION}, the only version this build knows"
                ));
            }
        }
        let mut record = Record::default();
        let mut problems = Vec::new();
        let managers = match top.get("managers") {
            Some(Value::Object(m)) => m,
            _ => {
                return ReadRecord::Unreadable("it has no \"managers\" object".into());
            }
        };
        for (name, entries) in managers {
            let Value::Object(entries) = entries else {
                problems.push(format!("the entries of manager {name:?} are not an object"));
                continue;
            };
            let owns = record.managers.entry(name.clone()).or_default();
            for (key, owned) in entries {
                let decoded = EntryKey::decode(key).zip(owned.as_str().and_then(Owned::decode));
                match decoded {
                    Some((k, o)) => {
                        owns.insert(k, o);
                    }
                    None => problems.push(format!(
                        "manager {name:?} has an entry that does not parse: {key:?}"
                    )),
                }
            }
        }
        ReadRecord::Read { record, problems }
    }

    /// The annotation's text, or `None` when no manager owns anything (the annotation is
    /// then removed rather than left behind empty).
    pub fn to_text(&self) -> Option<String> {
        if self.managers.is_empty() {
            return None;
        }
        // Written by hand rather than through `serde_json::Map`, whose key order depends on a
        // cargo feature any crate in a build may turn on: the same record must be the same
        // bytes in the CLI and in the wasm build.
        let json = |s: &str| Value::String(s.to_string()).to_string();
        let mut out = format!("{{\"v\":{VERSION},\"managers\":{{");
        for (i, (name, owns)) in self.managers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&json(name));
            out.push_str(":{");
            for (j, (k, o)) in owns.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                out.push_str(&json(&k.encode()));
                out.push(':');
                out.push_str(&json(&o.encode()));
            }
            out.push('}');
        }
        out.push_str("}}");
        Some(out)
    }

    /// The manager that owns `key`, other than `except`.
    pub fn owner_of(&self, key: &EntryKey, except: &str) -> Option<&str> {
        self.managers
            .iter()
            .find(|(name, owns)| name.as_str() != except && owns.contains_key(key))
            .map(|(name, _)| name.as_str())
    }
}

/// A short, stable hash of an entry's values: its username and its groups as a set (the
/// authenticator does not care about their order or repeats). FNV-1a, 64 bits: a fingerprint
/// only has to notice a change, not resist one made on purpose (whoever can edit aws-auth can
/// edit the record too).
pub(crate) fn fingerprint(username: Option<&str>, groups: &[String]) -> String {
    let mut sorted: Vec<&str> = groups.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    // A username that is absent differs from an empty one; 0xff never occurs in UTF-8.
    match username {
        Some(u) => {
            feed(b"u");
            feed(u.as_bytes());
        }
        None => feed(b"-"),
    }
    for g in sorted {
        feed(&[0xff]);
        feed(g.as_bytes());
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: EntryKind, id: &str) -> EntryKey {
        EntryKey {
            kind,
            identity: id.into(),
        }
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let mut record = Record::default();
        let owns = record.managers.entry("cdk:Stack/Auth".into()).or_default();
        owns.insert(
            key(EntryKind::Role, "arn:aws:iam::111122223333:role/ops"),
            Owned {
                origin: Origin::Created,
                fingerprint: fingerprint(Some("ops"), &["system:masters".into()]),
            },
        );
        owns.insert(
            key(EntryKind::Account, "111122223333"),
            Owned {
                origin: Origin::Adopted,
                fingerprint: String::new(),
            },
        );
        let text = record.to_text().unwrap();
        assert!(
            text.starts_with(r#"{"v":1,"managers":{"cdk:Stack/Auth":{"role:arn:aws:iam::111122223333:role/ops":"created:"#),
            "{text}"
        );
        assert!(
            text.ends_with(r#","account:111122223333":"adopted:"}}}"#),
            "{text}"
        );
        assert_eq!(
            Record::read(Some(&text)),
            ReadRecord::Read {
                record,
                problems: vec![]
            }
        );
    }

    #[test]
    fn an_empty_record_is_no_annotation() {
        assert_eq!(Record::default().to_text(), None);
        assert_eq!(Record::read(None), ReadRecord::Absent);
    }

    #[test]
    fn broken_parts_are_reported_and_the_rest_is_kept() {
        let text = r#"{"v":1,"managers":{"a":{"role:x":"created:1","bogus":"created:2","user:y":"kept:3"},"b":[1]}}"#;
        let ReadRecord::Read { record, problems } = Record::read(Some(text)) else {
            panic!("should read");
        };
        assert_eq!(record.managers["a"].len(), 1);
        assert!(!record.managers.contains_key("b"));
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn unreadable_and_newer_records_are_told_apart() {
        assert!(matches!(
            Record::read(Some("not json")),
            ReadRecord::Unreadable(_)
        ));
        assert!(matches!(
            Record::read(Some("[1]")),
            ReadRecord::Unreadable(_)
        ));
        assert!(matches!(
            Record::read(Some(r#"{"v":0,"managers":{}}"#)),
            ReadRecord::Unreadable(_)
        ));
        assert_eq!(
            Record::read(Some(r#"{"v":2,"anything":true}"#)),
            ReadRecord::Newer(2)
        );
    }

    #[test]
    fn fingerprints_see_values_not_order() {
        let a = fingerprint(Some("ops"), &["a".into(), "b".into()]);
        assert_eq!(
            a,
            fingerprint(Some("ops"), &["b".into(), "a".into(), "a".into()])
        );
        assert_ne!(a, fingerprint(Some("ops"), &["a".into()]));
        assert_ne!(a, fingerprint(Some("ops2"), &["a".into(), "b".into()]));
        assert_ne!(fingerprint(None, &[]), fingerprint(Some(""), &[]));
        // A group boundary cannot be moved without changing the hash.
        assert_ne!(
            fingerprint(Some("x"), &["ab".into(), "c".into()]),
            fingerprint(Some("x"), &["a".into(), "bc".into()])
        );
    }
}
