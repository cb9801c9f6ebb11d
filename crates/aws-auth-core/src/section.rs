//! One data key's text (`mapRoles`, `mapUsers`, `mapAccounts`) parsed the way the
//! authenticator reads it, with the position of every entry and field kept for editing.
//!
//! The authenticator converts the YAML to JSON (go-yaml v2, YAML 1.1 types) and then decodes it
//! with Go's `encoding/json`: field names match case-insensitively, and a value of the wrong
//! type fails the whole key. [`read_section`] reproduces both steps.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::model::{DataKey, RoleMapping, SsoSpec, UserMapping};
use crate::yaml::scalar::{Resolved, resolve_plain};
use crate::yaml::tree::{Node, NodeKind, ScalarStyle, SyntaxError, parse_stream};

/// A parsed key: its layout and entries, or why the authenticator drops the whole key.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub key: DataKey,
    pub text: String,
    pub parsed: Result<Parsed, KeyProblem>,
}

/// Why a whole key is unusable; each makes the authenticator drop every mapping in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyProblem {
    Syntax(SyntaxError),
    /// Parsed, but the JSON decode fails: the message says which value, at which line/column.
    Type { line: usize, column: usize, message: String },
    /// More than one YAML document in the value.
    MultipleDocuments,
}

#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub layout: Layout,
    pub entries: Vec<Entry>,
}

/// How the list is written.
#[derive(Debug, Clone)]
pub(crate) enum Layout {
    /// Blank, comments only, or `null`: no list at all.
    Empty,
    /// `- rolearn: ...` lines.
    Block,
    /// `[{...}, {...}]`, JSON as AWS CDK writes it, or YAML flow.
    Flow(Node),
}

/// One list item with its source positions.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub node: Node,
    /// The bytes the entry owns: whole lines in a block list, the `{...}` in a flow list.
    pub span: Range<usize>,
    pub value: EntryValue,
    /// Field name nodes and value nodes, in source order (mapping entries only).
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: Known,
    pub key: Node,
    pub value: Node,
}

/// Which struct field a mapping key decodes into, as `encoding/json` matches names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    Arn,
    Sso,
    Username,
    Groups,
    Userid,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EntryValue {
    Role(RoleMapping),
    User(UserMapping),
    Account(String),
}

impl Entry {
    pub fn field(&self, name: Known) -> Option<&Field> {
        // Go's decoder assigns every matching key in order, so the last one is what it keeps.
        self.fields.iter().rev().find(|f| f.name == name)
    }

    pub fn arn(&self) -> Option<&str> {
        match &self.value {
            EntryValue::Role(r) => r.rolearn.as_deref(),
            EntryValue::User(u) => u.userarn.as_deref(),
            EntryValue::Account(_) => None,
        }
    }

    pub fn username(&self) -> Option<&str> {
        match &self.value {
            EntryValue::Role(r) => r.username.as_deref(),
            EntryValue::User(u) => u.username.as_deref(),
            EntryValue::Account(_) => None,
        }
    }

    pub fn groups(&self) -> Option<&[String]> {
        match &self.value {
            EntryValue::Role(r) => r.groups.as_deref(),
            EntryValue::User(u) => u.groups.as_deref(),
            EntryValue::Account(_) => None,
        }
    }

    /// Whether the entry uses YAML features the editor does not rewrite (aliases, tags, anchors).
    pub fn is_opaque(&self) -> bool {
        fn opaque(n: &Node) -> bool {
            n.tagged
                || match &n.kind {
                    NodeKind::Alias => true,
                    NodeKind::Scalar { .. } => false,
                    NodeKind::Seq { items, .. } => items.iter().any(opaque),
                    NodeKind::Map { pairs, .. } => pairs.iter().any(|(k, v)| opaque(k) || opaque(v)),
                }
        }
        opaque(&self.node)
    }
}

/// Parses one key's text.
pub(crate) fn read_section(key: DataKey, text: String) -> Section {
    let parsed = parse_entries(key, &text);
    Section { key, text, parsed }
}

fn parse_entries(key: DataKey, text: &str) -> Result<Parsed, KeyProblem> {
    let mut docs = parse_stream(text).map_err(KeyProblem::Syntax)?;
    if docs.len() > 1 {
        return Err(KeyProblem::MultipleDocuments);
    }
    let root = docs.pop().and_then(|d| d.root);
    let Some(root) = root else { return Ok(Parsed { layout: Layout::Empty, entries: Vec::new() }) };
    if matches!(resolve_node(&root), Some(Value::Null)) {
        return Ok(Parsed { layout: Layout::Empty, entries: Vec::new() });
    }
    let NodeKind::Seq { items, flow } = &root.kind else {
        return Err(type_error(&root, format!("{key} must be a list, found {}", describe(&root))));
    };
    let mut entries = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let span = if *flow { item.start..item.end } else { block_item_span(text, item, items.get(i + 1)) };
        let (value, fields) = read_entry(key, item)?;
        entries.push(Entry { node: item.clone(), span, value, fields });
    }
    let layout = if *flow { Layout::Flow(root) } else { Layout::Block };
    Ok(Parsed { layout, entries })
}

/// A block item owns the lines from its `-` to the end of its last line (comments and blank
/// lines after it belong to the gap, and stay where they are).
fn block_item_span(text: &str, item: &Node, _next: Option<&Node>) -> Range<usize> {
    let dash = text[..item.start].rfind('-').unwrap_or(item.start);
    let start = text[..dash].rfind('\n').map_or(0, |i| i + 1);
    let end = line_end(text, item.end);
    start..end
}

/// The offset just past the line break of the line holding `at - 1` (or the text's end).
pub(crate) fn line_end(text: &str, at: usize) -> usize {
    let from = at.saturating_sub(1).min(text.len());
    let from = if at == 0 { 0 } else { from };
    match text[from..].find('\n') {
        Some(i) => from + i + 1,
        None => text.len(),
    }
}

fn read_entry(key: DataKey, item: &Node) -> Result<(EntryValue, Vec<Field>), KeyProblem> {
    if key == DataKey::MapAccounts {
        return match resolve_node(item) {
            Some(Value::String(s)) => Ok((EntryValue::Account(s), Vec::new())),
            Some(Value::Null) => Ok((EntryValue::Account(String::new()), Vec::new())),
            _ => Err(type_error(item, format!("account {} must be a quoted string", describe(item)))),
        };
    }
    let NodeKind::Map { pairs, .. } = &item.kind else {
        if matches!(resolve_node(item), Some(Value::Null)) {
            let empty = if key == DataKey::MapRoles {
                EntryValue::Role(RoleMapping::default())
            } else {
                EntryValue::User(UserMapping::default())
            };
            return Ok((empty, Vec::new()));
        }
        return Err(type_error(item, format!("{key} entry must be a mapping, found {}", describe(item))));
    };
    let mut fields = Vec::with_capacity(pairs.len());
    let mut role = RoleMapping::default();
    let mut user = UserMapping::default();
    for (k, v) in pairs {
        let name_text = scalar_text(k);
        let name = known_field(key, &name_text);
        match name {
            Known::Arn => {
                let s = string_field(v, &name_text)?;
                role.rolearn.clone_from(&s);
                user.userarn = s;
            }
            Known::Username => {
                let s = string_field(v, &name_text)?;
                role.username.clone_from(&s);
                user.username = s;
            }
            Known::Userid => {
                let s = string_field(v, &name_text)?;
                role.userid.clone_from(&s);
                user.userid = s;
            }
            Known::Groups => {
                let g = groups_field(v, &name_text)?;
                role.groups.clone_from(&g);
                user.groups = g;
            }
            Known::Sso => role.sso = sso_field(v)?,
            Known::Other => {
                let value = to_json(v).unwrap_or(Value::Null);
                role.extra.insert(name_text.clone(), value.clone());
                user.extra.insert(name_text, value);
            }
        }
        fields.push(Field { name, key: k.clone(), value: v.clone() });
    }
    let value = if key == DataKey::MapRoles { EntryValue::Role(role) } else { EntryValue::User(user) };
    Ok((value, fields))
}

/// `encoding/json` name matching: exact or case-insensitive (ASCII fold) match to the tag.
fn known_field(key: DataKey, name: &str) -> Known {
    let lower = name.to_ascii_lowercase();
    match (key, lower.as_str()) {
        (DataKey::MapRoles, "rolearn") | (DataKey::MapUsers, "userarn") => Known::Arn,
        (DataKey::MapRoles, "sso") => Known::Sso,
        (_, "username") => Known::Username,
        (_, "groups") => Known::Groups,
        (_, "userid") => Known::Userid,
        _ => Known::Other,
    }
}

fn string_field(v: &Node, name: &str) -> Result<Option<String>, KeyProblem> {
    match resolve_node(v) {
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Null) => Ok(None),
        _ => Err(type_error(v, format!("{name} must be a string, found {}", describe(v)))),
    }
}

fn groups_field(v: &Node, name: &str) -> Result<Option<Vec<String>>, KeyProblem> {
    match &v.kind {
        NodeKind::Seq { items, .. } => items
            .iter()
            .map(|item| match resolve_node(item) {
                Some(Value::String(s)) => Ok(s),
                Some(Value::Null) => Ok(String::new()),
                _ => Err(type_error(item, format!("{name} item must be a string, found {}", describe(item)))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        _ if matches!(resolve_node(v), Some(Value::Null)) => Ok(None),
        _ => Err(type_error(v, format!("{name} must be a list of strings, found {}", describe(v)))),
    }
}

fn sso_field(v: &Node) -> Result<Option<SsoSpec>, KeyProblem> {
    let NodeKind::Map { pairs, .. } = &v.kind else {
        if matches!(resolve_node(v), Some(Value::Null)) {
            return Ok(None);
        }
        return Err(type_error(v, format!("sso must be a mapping, found {}", describe(v))));
    };
    let mut sso = SsoSpec::default();
    for (k, val) in pairs {
        let name = scalar_text(k);
        let slot = match name.to_ascii_lowercase().as_str() {
            "permissionsetname" => &mut sso.permission_set_name,
            "accountid" => &mut sso.account_id,
            "partition" => {
                sso.partition = string_field(val, &name)?;
                continue;
            }
            _ => continue,
        };
        *slot = string_field(val, &name)?.unwrap_or_default();
    }
    Ok(Some(sso))
}

fn scalar_text(n: &Node) -> String {
    match resolve_node(n) {
        Some(Value::String(s)) => s,
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(x)) => x.to_string(),
        _ => n.as_str().unwrap_or_default().to_string(),
    }
}

fn type_error(n: &Node, message: String) -> KeyProblem {
    KeyProblem::Type { line: n.line, column: n.col + 1, message }
}

/// A short description of what a node holds, for messages: `boolean yes`, `number 0123`.
fn describe(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar { value, style: ScalarStyle::Plain } => match resolve_plain(value) {
            Resolved::Bool => format!("boolean {value} (quote it)"),
            Resolved::Int | Resolved::Float => format!("number {value} (quote it)"),
            Resolved::Null => "null".to_string(),
            _ => format!("string {value:?}"),
        },
        NodeKind::Scalar { value, .. } => format!("string {value:?}"),
        NodeKind::Seq { .. } => "a list".to_string(),
        NodeKind::Map { .. } => "a mapping".to_string(),
        NodeKind::Alias => "an alias".to_string(),
    }
}

/// The JSON value go-yaml v2 and `sigs.k8s.io/yaml` make of a node; `None` for aliases.
pub(crate) fn resolve_node(n: &Node) -> Option<Value> {
    to_json(n)
}

fn to_json(n: &Node) -> Option<Value> {
    Some(match &n.kind {
        NodeKind::Scalar { value, style } => {
            if *style != ScalarStyle::Plain || n.tagged {
                return Some(Value::String(value.clone()));
            }
            match resolve_plain(value) {
                Resolved::Null => Value::Null,
                Resolved::Bool => Value::Bool(matches!(
                    value.as_str(),
                    "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON"
                )),
                Resolved::Int | Resolved::Float => {
                    // The exact number does not matter to a string field: any number fails it.
                    Value::Number(serde_json::Number::from(0))
                }
                Resolved::Timestamp | Resolved::Merge | Resolved::Str => Value::String(value.clone()),
            }
        }
        NodeKind::Seq { items, .. } => Value::Array(items.iter().map(|i| to_json(i).unwrap_or(Value::Null)).collect()),
        NodeKind::Map { pairs, .. } => {
            let mut m = Map::new();
            for (k, v) in pairs {
                m.insert(scalar_text(k), to_json(v).unwrap_or(Value::Null));
            }
            Value::Object(m)
        }
        NodeKind::Alias => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(key: DataKey, text: &str) -> Parsed {
        read_section(key, text.to_string()).parsed.unwrap()
    }

    #[test]
    fn block_entries_own_whole_lines() {
        let text = "# head\n- rolearn: a\n  groups:\n  - x\n\n# between\n- rolearn: b\n";
        let p = parsed(DataKey::MapRoles, text);
        assert_eq!(&text[p.entries[0].span.clone()], "- rolearn: a\n  groups:\n  - x\n");
        assert_eq!(&text[p.entries[1].span.clone()], "- rolearn: b\n");
    }

    #[test]
    fn field_names_match_case_insensitively() {
        let p = parsed(DataKey::MapRoles, "- roleARN: a\n  UserName: u\n  GROUPS: [g]\n  role_arn: x\n");
        let EntryValue::Role(r) = &p.entries[0].value else { panic!() };
        assert_eq!(r.rolearn.as_deref(), Some("a"));
        assert_eq!(r.username.as_deref(), Some("u"));
        assert_eq!(r.groups.as_deref(), Some(&["g".to_string()][..]));
        assert!(r.extra.contains_key("role_arn"));
    }

    #[test]
    fn yaml11_booleans_and_numbers_fail_the_key() {
        for text in ["- rolearn: a\n  username: yes\n", "- rolearn: a\n  groups: [on]\n", "- rolearn: 0123\n"] {
            let s = read_section(DataKey::MapRoles, text.to_string());
            assert!(matches!(s.parsed, Err(KeyProblem::Type { .. })), "{text}");
        }
        let s = read_section(DataKey::MapAccounts, "- 111122223333\n".to_string());
        assert!(matches!(s.parsed, Err(KeyProblem::Type { .. })));
        let s = read_section(DataKey::MapAccounts, "- \"111122223333\"\n".to_string());
        assert!(s.parsed.is_ok());
    }

    #[test]
    fn quoted_tricky_scalars_are_strings() {
        let p = parsed(DataKey::MapUsers, "- userarn: a\n  username: \"yes\"\n  groups: ['0123', \"~\"]\n");
        assert_eq!(p.entries[0].username(), Some("yes"));
        assert_eq!(p.entries[0].groups().unwrap(), ["0123", "~"]);
    }

    #[test]
    fn blank_and_null_values_are_empty() {
        for text in ["", "\n", "# only a comment\n", "~\n", "null"] {
            assert!(matches!(parsed(DataKey::MapRoles, text).layout, Layout::Empty), "{text:?}");
        }
        assert!(parsed(DataKey::MapRoles, "[]").entries.is_empty());
    }

    #[test]
    fn a_mapping_instead_of_a_list_fails_the_key() {
        let s = read_section(DataKey::MapRoles, "rolearn: a\n".to_string());
        assert!(matches!(s.parsed, Err(KeyProblem::Type { .. })));
    }
}
