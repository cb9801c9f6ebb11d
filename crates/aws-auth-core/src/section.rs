//! One data key's text (`mapRoles`, `mapUsers`, `mapAccounts`) parsed the way the
//! authenticator reads it, with the position of every entry and field kept for editing.
//!
//! The authenticator converts the YAML to JSON (go-yaml v2, YAML 1.1 types) and then decodes it
//! with Go's `encoding/json`: field names match case-insensitively, and a value of the wrong
//! type fails the whole key. [`read_section`] reproduces both steps.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::model::{DataKey, RoleMapping, SsoSpec, UserMapping};
use crate::validate::Code;
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
    Type {
        line: usize,
        column: usize,
        message: String,
    },
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
    Flow(FlowSeq),
}

/// Where a flow list's brackets are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FlowSeq {
    /// Offset of `[`.
    pub start: usize,
    /// Offset just past `]`.
    pub end: usize,
    /// Column of `[`.
    pub col: usize,
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
    pub issues: Vec<Issue>,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: Known,
    /// The field name as the JSON decoder sees it.
    pub key_text: String,
    pub key: Node,
    pub value: Node,
}

/// A problem with one entry: the authenticator drops the entry (an error) or one of its values
/// (a warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    pub code: Code,
    pub line: usize,
    pub column: usize,
    pub message: String,
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
    /// The field the authenticator uses: the JSON object it decodes is re-marshalled from a Go
    /// map, so among several spellings the one last in byte order wins, and among identical
    /// spellings the last in the text.
    pub fn field(&self, name: Known) -> Option<&Field> {
        winner(&self.fields, name)
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
                    NodeKind::Map { pairs, .. } => {
                        pairs.iter().any(|(k, v)| opaque(k) || opaque(v))
                    }
                }
        }
        opaque(&self.node)
            || self
                .fields
                .iter()
                .any(|f| opaque(&f.key) || opaque(&f.value))
    }
}

/// Parses one key's text.
pub(crate) fn read_section(key: DataKey, text: String) -> Section {
    let parsed = parse_entries(key, &text);
    Section { key, text, parsed }
}

fn parse_entries(key: DataKey, text: &str) -> Result<Parsed, KeyProblem> {
    if matches!(text.trim(), "" | "\"\"" | "''" | "``") {
        // The authenticator skips these values without reading them.
        return Ok(Parsed {
            layout: Layout::Empty,
            entries: Vec::new(),
        });
    }
    reject_unreadable(text)?;
    let mut docs = parse_stream(text).map_err(KeyProblem::Syntax)?;
    if docs.len() > 1 {
        return Err(KeyProblem::MultipleDocuments);
    }
    let root = docs.pop().and_then(|d| d.root);
    let Some(root) = root else {
        return Ok(Parsed {
            layout: Layout::Empty,
            entries: Vec::new(),
        });
    };
    let is_null = matches!(root.kind, NodeKind::Scalar { .. })
        && matches!(resolve_node(&root), Some(Value::Null));
    if is_null {
        return Ok(Parsed {
            layout: Layout::Empty,
            entries: Vec::new(),
        });
    }
    check_json_safe(&root)?;
    let seq = FlowSeq {
        start: root.start,
        end: root.end,
        col: root.col,
    };
    let NodeKind::Seq { items, flow } = root.kind else {
        return Err(type_error(
            &root,
            format!("{key} must be a list, found {}", describe(&root)),
        ));
    };
    let flow = &flow;
    let mut entries = Vec::with_capacity(items.len());
    for mut item in items {
        let span = if *flow {
            item.start..item.end
        } else {
            block_item_span(text, &item)
        };
        let (value, fields, issues) = read_entry(key, &mut item);
        entries.push(Entry {
            node: item,
            span,
            value,
            fields,
            issues,
        });
    }
    // The last entry of a text without a final line break owns the break before it, so that
    // removing an entry appended after it gives back the original bytes.
    if let Some(last) = entries.last_mut() {
        let at_eof = last.span.end == text.len() && !text.ends_with('\n');
        if !*flow && at_eof && last.span.start > 0 && text.as_bytes()[last.span.start - 1] == b'\n'
        {
            last.span.start -= 1;
        }
    }
    if let [.., previous, last] = entries.as_mut_slice() {
        previous.span.end = previous.span.end.min(last.span.start);
    }
    let layout = if *flow {
        Layout::Flow(seq)
    } else {
        Layout::Block
    };
    Ok(Parsed { layout, entries })
}

/// A block item owns the lines from its `-` to the end of its last line (comments and blank
/// lines after it belong to the gap, and stay where they are).
fn block_item_span(text: &str, item: &Node) -> Range<usize> {
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

/// Reads one entry as `encoding/json` decodes it: a value of the wrong type is left empty
/// (and recorded as an issue); the entry itself is never a reason to drop the key.
/// The entry's pairs move into its fields; `item` keeps only its own position and style.
fn read_entry(key: DataKey, item: &mut Node) -> (EntryValue, Vec<Field>, Vec<Issue>) {
    let mut issues = Vec::new();
    if key == DataKey::MapAccounts {
        return match &item.kind {
            // go-yaml decodes straight into a string: every scalar keeps its literal text.
            NodeKind::Scalar { value, style } => {
                let literal =
                    if *style == ScalarStyle::Plain && resolve_plain(value) == Resolved::Null {
                        String::new()
                    } else {
                        value.clone()
                    };
                if *style == ScalarStyle::Plain
                    && matches!(resolve_plain(value), Resolved::Int | Resolved::Float)
                {
                    issues.push(issue(
                        Code::UnquotedAccountId,
                        item,
                        format!(
                            "account {value} is not quoted; YAML 1.1 tools read it as a number"
                        ),
                    ));
                }
                (EntryValue::Account(literal), Vec::new(), issues)
            }
            _ => {
                issues.push(issue(
                    Code::WrongType,
                    item,
                    format!(
                        "account must be a string, found {}; it is dropped",
                        describe(item)
                    ),
                ));
                (EntryValue::Account(String::new()), Vec::new(), issues)
            }
        };
    }
    let empty = |issues| {
        let value = if key == DataKey::MapRoles {
            EntryValue::Role(RoleMapping::default())
        } else {
            EntryValue::User(UserMapping::default())
        };
        (value, Vec::new(), issues)
    };
    let NodeKind::Map { pairs, .. } = &mut item.kind else {
        let item = &*item;
        if !matches!(resolve_node(item), Some(Value::Null)) {
            issues.push(issue(
                Code::WrongType,
                item,
                format!(
                    "{key} entry must be a mapping, found {}; it is dropped",
                    describe(item)
                ),
            ));
        }
        return empty(issues);
    };
    let fields: Vec<Field> = std::mem::take(pairs)
        .into_iter()
        .map(|(k, v)| {
            let key_text = scalar_text(&k);
            Field {
                name: known_field(key, &key_text),
                key_text,
                key: k,
                value: v,
            }
        })
        .collect();
    let mut role = RoleMapping::default();
    let mut user = UserMapping::default();
    if let Some(f) = winner(&fields, Known::Arn) {
        let arn = string_field(
            &f.value,
            &f.key_text,
            &mut issues,
            Code::WrongType,
            "the entry is dropped",
        );
        role.rolearn.clone_from(&arn);
        user.userarn = arn;
    }
    if let Some(f) = winner(&fields, Known::Username) {
        let u = string_field(
            &f.value,
            &f.key_text,
            &mut issues,
            Code::IgnoredValue,
            "the authenticator uses an empty username",
        );
        role.username.clone_from(&u);
        user.username = u;
    }
    if let Some(f) = winner(&fields, Known::Userid) {
        let u = string_field(
            &f.value,
            &f.key_text,
            &mut issues,
            Code::IgnoredValue,
            "the authenticator ignores it",
        );
        role.userid.clone_from(&u);
        user.userid = u;
    }
    if let Some(f) = winner(&fields, Known::Groups) {
        let g = groups_field(&f.value, &f.key_text, &mut issues);
        role.groups.clone_from(&g);
        user.groups = g;
    }
    if let Some(f) = winner(&fields, Known::Sso) {
        role.sso = sso_field(&f.value, &mut issues);
    }
    for f in fields.iter().filter(|f| f.name == Known::Other) {
        let value = to_json(&f.value).unwrap_or(Value::Null);
        role.extra.insert(f.key_text.clone(), value.clone());
        user.extra.insert(f.key_text.clone(), value);
    }
    let value = if key == DataKey::MapRoles {
        EntryValue::Role(role)
    } else {
        EntryValue::User(user)
    };
    (value, fields, issues)
}

fn winner(fields: &[Field], name: Known) -> Option<&Field> {
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name == name)
        .max_by(|(i, a), (j, b)| {
            a.key_text
                .as_bytes()
                .cmp(b.key_text.as_bytes())
                .then(i.cmp(j))
        })
        .map(|(_, f)| f)
}

fn issue(code: Code, n: &Node, message: String) -> Issue {
    Issue {
        code,
        line: n.line,
        column: n.col + 1,
        message,
    }
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

fn string_field(
    v: &Node,
    name: &str,
    issues: &mut Vec<Issue>,
    code: Code,
    consequence: &str,
) -> Option<String> {
    match resolve_node(v) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) | None => None,
        _ => {
            issues.push(issue(
                code,
                v,
                format!(
                    "{name} must be a string, found {}; {consequence}",
                    describe(v)
                ),
            ));
            None
        }
    }
}

fn groups_field(v: &Node, name: &str, issues: &mut Vec<Issue>) -> Option<Vec<String>> {
    match &v.kind {
        NodeKind::Seq { items, .. } => Some(
            items
                .iter()
                .map(|item| match resolve_node(item) {
                    Some(Value::String(s)) => s,
                    Some(Value::Null) => String::new(),
                    _ => {
                        let msg = format!("{name} item must be a string, found {}; the authenticator uses an empty group", describe(item));
                        issues.push(issue(Code::IgnoredValue, item, msg));
                        String::new()
                    }
                })
                .collect(),
        ),
        _ if matches!(resolve_node(v), Some(Value::Null)) => None,
        _ => {
            issues.push(issue(Code::IgnoredValue, v, format!("{name} must be a list of strings, found {}; the entry gets no groups", describe(v))));
            None
        }
    }
}

fn sso_field(v: &Node, issues: &mut Vec<Issue>) -> Option<SsoSpec> {
    let NodeKind::Map { pairs, .. } = &v.kind else {
        if !matches!(resolve_node(v), Some(Value::Null)) {
            issues.push(issue(
                Code::InvalidSso,
                v,
                format!(
                    "sso must be a mapping, found {}; the entry is dropped",
                    describe(v)
                ),
            ));
            return Some(SsoSpec::default());
        }
        return None;
    };
    let mut sso = SsoSpec::default();
    for (k, val) in pairs {
        let name = scalar_text(k);
        let consequence = "the entry is dropped";
        match name.to_ascii_lowercase().as_str() {
            "permissionsetname" => {
                sso.permission_set_name =
                    string_field(val, &name, issues, Code::InvalidSso, consequence)
                        .unwrap_or_default()
            }
            "accountid" => {
                sso.account_id = string_field(val, &name, issues, Code::InvalidSso, consequence)
                    .unwrap_or_default()
            }
            "partition" => {
                sso.partition = string_field(val, &name, issues, Code::InvalidSso, consequence)
            }
            _ => {}
        }
    }
    Some(sso)
}

fn scalar_text(n: &Node) -> String {
    match resolve_node(n) {
        Some(Value::String(s)) => s,
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(x)) => x.to_string(),
        _ => n.as_str().unwrap_or_default().to_string(),
    }
}

/// What go-yaml rejects before parsing anything: a tab in indentation (on any line, blank and
/// comment lines included) and characters YAML does not allow.
fn reject_unreadable(text: &str) -> Result<(), KeyProblem> {
    for (i, line) in text.split('\n').enumerate() {
        let indent: &str = &line[..line.len() - line.trim_start_matches([' ', '\t', '-']).len()];
        if let Some(col) = indent.find('\t') {
            let message = "found a tab character that violates indentation".to_string();
            return Err(KeyProblem::Syntax(SyntaxError {
                line: i + 1,
                column: col + 1,
                message,
            }));
        }
        if let Some((col, c)) = line.char_indices().find(|&(_, c)| !allowed_char(c)) {
            let message = format!("control character U+{:04X} is not allowed", c as u32);
            return Err(KeyProblem::Syntax(SyntaxError {
                line: i + 1,
                column: col + 1,
                message,
            }));
        }
    }
    Ok(())
}

fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// What the YAML-to-JSON step cannot convert, which loses the whole key: infinities and NaN,
/// null or complex mapping keys.
fn check_json_safe(n: &Node) -> Result<(), KeyProblem> {
    match &n.kind {
        NodeKind::Scalar {
            value,
            style: ScalarStyle::Plain,
        } if !n.tagged => {
            let special = matches!(
                value.as_str(),
                ".inf"
                    | ".Inf"
                    | ".INF"
                    | "+.inf"
                    | "+.Inf"
                    | "+.INF"
                    | "-.inf"
                    | "-.Inf"
                    | "-.INF"
                    | ".nan"
                    | ".NaN"
                    | ".NAN"
            );
            if special {
                return Err(type_error(
                    n,
                    format!("{value} cannot be converted to JSON"),
                ));
            }
            Ok(())
        }
        NodeKind::Seq { items, .. } => items.iter().try_for_each(check_json_safe),
        NodeKind::Map { pairs, .. } => pairs.iter().try_for_each(|(k, v)| {
            let null_key = matches!(resolve_node(k), Some(Value::Null))
                && k.scalar_style() == Some(ScalarStyle::Plain);
            if null_key || !matches!(k.kind, NodeKind::Scalar { .. }) {
                return Err(type_error(
                    k,
                    "a mapping key must be a non-null scalar".to_string(),
                ));
            }
            check_json_safe(v)
        }),
        _ => Ok(()),
    }
}

fn type_error(n: &Node, message: String) -> KeyProblem {
    KeyProblem::Type {
        line: n.line,
        column: n.col + 1,
        message,
    }
}

/// A short description of what a node holds, for messages: `boolean yes`, `number 0123`.
fn describe(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar {
            value,
            style: ScalarStyle::Plain,
        } => match resolve_plain(value) {
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
                    "y" | "Y"
                        | "yes"
                        | "Yes"
                        | "YES"
                        | "true"
                        | "True"
                        | "TRUE"
                        | "on"
                        | "On"
                        | "ON"
                )),
                Resolved::Int | Resolved::Float => {
                    // The exact number does not matter to a string field: any number fails it.
                    Value::Number(serde_json::Number::from(0))
                }
                Resolved::Timestamp | Resolved::Merge | Resolved::Str => {
                    Value::String(value.clone())
                }
            }
        }
        NodeKind::Seq { items, .. } => Value::Array(
            items
                .iter()
                .map(|i| to_json(i).unwrap_or(Value::Null))
                .collect(),
        ),
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
        assert_eq!(
            &text[p.entries[0].span.clone()],
            "- rolearn: a\n  groups:\n  - x\n"
        );
        assert_eq!(&text[p.entries[1].span.clone()], "- rolearn: b\n");
    }

    #[test]
    fn field_names_match_case_insensitively() {
        let p = parsed(
            DataKey::MapRoles,
            "- roleARN: a\n  UserName: u\n  GROUPS: [g]\n  role_arn: x\n",
        );
        let EntryValue::Role(r) = &p.entries[0].value else {
            panic!()
        };
        assert_eq!(r.rolearn.as_deref(), Some("a"));
        assert_eq!(r.username.as_deref(), Some("u"));
        assert_eq!(r.groups.as_deref(), Some(&["g".to_string()][..]));
        assert!(r.extra.contains_key("role_arn"));
    }

    #[test]
    fn yaml11_booleans_and_numbers_empty_the_value_not_the_key() {
        let p = parsed(
            DataKey::MapRoles,
            "- rolearn: a\n  username: yes\n  groups: [on, g]\n- rolearn: 0123\n",
        );
        assert_eq!(p.entries[0].username(), None);
        assert_eq!(p.entries[0].groups().unwrap(), ["", "g"]);
        assert_eq!(p.entries[0].issues.len(), 2);
        assert!(
            p.entries[1]
                .issues
                .iter()
                .any(|i| i.code == Code::WrongType),
            "a numeric rolearn drops the entry"
        );
    }

    #[test]
    fn accounts_keep_their_literal_text() {
        let p = parsed(
            DataKey::MapAccounts,
            "- 111122223333\n- \"444455556666\"\n- 0123\n",
        );
        let accounts: Vec<_> = p.entries.iter().map(|e| e.value.clone()).collect();
        assert_eq!(accounts[0], EntryValue::Account("111122223333".into()));
        assert_eq!(accounts[2], EntryValue::Account("0123".into()));
        assert_eq!(p.entries[0].issues[0].code, Code::UnquotedAccountId);
        assert!(p.entries[1].issues.is_empty());
    }

    #[test]
    fn byte_order_last_spelling_wins() {
        let p = parsed(
            DataKey::MapRoles,
            "- rolearn: lower\n  ROLEARN: upper\n  RoleArn: mixed\n",
        );
        assert_eq!(p.entries[0].arn(), Some("lower"));
        let p = parsed(
            DataKey::MapRoles,
            "- rolearn: a\n  username: first\n  username: second\n",
        );
        assert_eq!(p.entries[0].username(), Some("second"));
    }

    #[test]
    fn what_go_yaml_rejects_drops_the_key() {
        for text in [
            "- rolearn: a\n\t# tab-indented comment\n",
            "- rolearn: a\n  groups: [.inf]\n",
            "- ~: x\n  rolearn: a\n",
            "- rolearn: a\u{0}\n",
        ] {
            assert!(
                read_section(DataKey::MapRoles, text.to_string())
                    .parsed
                    .is_err(),
                "{text:?}"
            );
        }
        for text in ["\"\"", "''", "``", "  "] {
            assert!(
                read_section(DataKey::MapRoles, text.to_string())
                    .parsed
                    .is_ok(),
                "{text:?} is skipped"
            );
        }
    }

    #[test]
    fn quoted_tricky_scalars_are_strings() {
        let p = parsed(
            DataKey::MapUsers,
            "- userarn: a\n  username: \"yes\"\n  groups: ['0123', \"~\"]\n",
        );
        assert_eq!(p.entries[0].username(), Some("yes"));
        assert_eq!(p.entries[0].groups().unwrap(), ["0123", "~"]);
    }

    #[test]
    fn blank_and_null_values_are_empty() {
        for text in ["", "\n", "# only a comment\n", "~\n", "null"] {
            assert!(
                matches!(parsed(DataKey::MapRoles, text).layout, Layout::Empty),
                "{text:?}"
            );
        }
        assert!(parsed(DataKey::MapRoles, "[]").entries.is_empty());
    }

    #[test]
    fn a_mapping_instead_of_a_list_fails_the_key() {
        let s = read_section(DataKey::MapRoles, "rolearn: a\n".to_string());
        assert!(matches!(s.parsed, Err(KeyProblem::Type { .. })));
    }
}
