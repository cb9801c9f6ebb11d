//! One data key's text (`mapRoles`, `mapUsers`, `mapAccounts`) parsed the way the
//! authenticator reads it, with the position of every entry and field kept for editing.
//!
//! The authenticator converts the YAML to JSON (go-yaml v2, YAML 1.1 types) and then decodes it
//! with Go's `encoding/json`: field names match case-insensitively, and a value of the wrong
//! type fails the whole key. [`read_section`] reproduces both steps.
//!
//! About 600 lines of code, then tests: the list reader and its checks of the whole key. An
//! entry's decoding is in `decode`; Go's values and numbers in `crate::yaml::go_value`.

use crate::quoted::quoted;
use crate::small_sort::sort_small_by_key;
use std::ops::Range;

use serde_json::{Map, Value};

use crate::diagnostics::Code;
use crate::model::{DataKey, RoleMapping, SsoSpec, UserMapping};
use crate::yaml::go_compat::{self, prepare};

mod decode;
use crate::yaml::go_value::{is_plain_null, resolve_node, same_key, scalar_text};
use crate::yaml::scalar::{Resolved, resolve_plain};
use crate::yaml::tree::{Node, NodeKind, ScalarStyle, SyntaxError, Tag};
use decode::{applies, decode_order, field_notes, read_entry};

/// One key's text, parsed on first use: its layout and entries, or why the authenticator drops
/// the whole key. An edit that only appends or changes entries it has verified does not pay
/// for parsing the whole list again until something reads it.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub key: DataKey,
    pub text: String,
    parsed: std::sync::OnceLock<Result<Parsed, KeyProblem>>,
}

impl Section {
    /// A section whose problem is known without parsing (a value that is not a string).
    pub fn broken(key: DataKey, problem: KeyProblem) -> Section {
        let parsed = std::sync::OnceLock::new();
        let _ = parsed.set(Err(problem));
        Section {
            key,
            text: String::new(),
            parsed,
        }
    }

    /// The parsed list, parsed now if it was not yet.
    pub fn parsed(&self) -> &Result<Parsed, KeyProblem> {
        self.parsed
            .get_or_init(|| parse_entries(self.key, &self.text))
    }
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
}

#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub layout: Layout,
    pub entries: Vec<Entry>,
    /// Read by the fast path: a plain block list of one-line values (see `yaml::fast`).
    pub simple: bool,
    /// More YAML documents follow the first; the authenticator ignores them.
    pub later_documents: bool,
    /// Why the key is read but never edited, if it is not: read through a rewrite of the
    /// text (see [`go_compat::parse`]), whose positions are not the text's, or written with
    /// YAML that ties its parts together in ways the editor does not follow.
    pub not_editable: Option<String>,
}

impl Parsed {
    /// No list at all (blank, comments only, `null`).
    fn empty(later_documents: bool, not_editable: Option<String>) -> Parsed {
        Parsed {
            layout: Layout::Empty,
            entries: Vec::new(),
            simple: false,
            later_documents,
            not_editable,
        }
    }
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
    /// What validate says about the fields, in order (see [`decode::field_notes`]).
    pub field_notes: Vec<(Code, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: Known,
    /// The field name as the JSON decoder sees it, where that differs from the key's text (a
    /// plain key YAML 1.1 reads as a boolean, a number or null). Nearly every key is its own
    /// name: not copying it saves thousands of allocations on a big list.
    decoded_name: Option<String>,
    pub key: Node,
    pub value: Node,
}

impl Field {
    fn new(name: Known, key: Node, value: Node) -> Field {
        let decoded_name = decoded_key_name(&key);
        Field {
            name,
            decoded_name,
            key,
            value,
        }
    }

    /// The field name as the JSON decoder sees it.
    pub fn key_text(&self) -> &str {
        self.decoded_name
            .as_deref()
            .or(self.key.as_str())
            .unwrap_or_default()
    }
}

/// A key's name as the JSON decoder sees it, when that is not the key's own text.
fn decoded_key_name(k: &Node) -> Option<String> {
    if let NodeKind::Scalar { value, style } = &k.kind
        && (*style != ScalarStyle::Plain
            || k.tag.forces_string()
            || resolve_plain(value) == Resolved::Str)
    {
        return None;
    }
    let text = scalar_text(k);
    (k.as_str() != Some(text.as_str())).then_some(text)
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
    /// map, so spellings are decoded in byte order (of identical spellings only the last in the
    /// text survives), and the last one whose value has the right type wins: a null or
    /// wrong-typed value leaves what an earlier spelling set. Without any such value, the
    /// spelling decoded last.
    pub fn field(&self, name: Known) -> Option<&Field> {
        let order = decode_order(&self.fields, name);
        order
            .iter()
            .rev()
            .find(|f| applies(name, &f.value))
            .or(order.last())
            .copied()
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

    /// Whether the entry refers to an anchored node elsewhere (`*name`, `<<: *name`).
    pub fn uses_alias(&self) -> bool {
        self.any_node(&|n| n.tag == Tag::Aliased || matches!(n.kind, NodeKind::Alias))
    }

    /// Whether the entry uses YAML features the editor does not rewrite (aliases, tags, anchors).
    pub fn is_opaque(&self) -> bool {
        self.any_node(&|n| n.tag != Tag::None || matches!(n.kind, NodeKind::Alias))
    }

    /// Whether `test` holds for a node of the entry (its own node, field names and values, at
    /// any depth).
    fn any_node(&self, test: &dyn Fn(&Node) -> bool) -> bool {
        fn walk(n: &Node, test: &dyn Fn(&Node) -> bool) -> bool {
            test(n)
                || match &n.kind {
                    NodeKind::Alias | NodeKind::Scalar { .. } => false,
                    NodeKind::Seq { items, .. } => items.iter().any(|i| walk(i, test)),
                    NodeKind::Map { pairs, .. } => {
                        pairs.iter().any(|(k, v)| walk(k, test) || walk(v, test))
                    }
                }
        }
        walk(&self.node, test)
            || self
                .fields
                .iter()
                .any(|f| walk(&f.key, test) || walk(&f.value, test))
    }
}

/// Parses one key's text.
pub(crate) fn read_section(key: DataKey, text: String) -> Section {
    Section {
        key,
        text,
        parsed: std::sync::OnceLock::new(),
    }
}

fn parse_entries(key: DataKey, text: &str) -> Result<Parsed, KeyProblem> {
    let original = text;
    if matches!(text.trim(), "" | "\"\"" | "''" | "``") {
        // The authenticator skips these values without reading them.
        return Ok(Parsed::empty(false, None));
    }
    // Same length as `text`: every position found in it is the text's own.
    let prepared = prepare(text).map_err(KeyProblem::Syntax)?;
    let text: &str = &prepared;
    let fast = crate::yaml::fast::parse_block_list(text);
    // A list that reads simply only once tabs are spaces is not simple: where go-yaml allows
    // those tabs depends on what precedes them, so an edit must be read back whole.
    let simple = fast.is_some() && matches!(prepared, std::borrow::Cow::Borrowed(_));
    let mut later_documents = false;
    let mut read_only = None;
    // The text that node positions refer to: a rewritten copy when the text is read through a
    // rewrite (below), whose positions are not the original's.
    let mut rewritten = None;
    let root = match fast {
        Some(root) => Some(root),
        None => {
            // What go-yaml v2 reads but YAML 1.2 parsers reject (or read otherwise) is read
            // through a rewrite of the text, as go-yaml reads it; when its positions are not
            // the text's, the key is never edited.
            let docs = match go_compat::parse(text) {
                Ok(r) => {
                    read_only = r.why;
                    rewritten = r.text;
                    later_documents = r.later_documents;
                    r.docs
                }
                Err(error) => return Err(KeyProblem::Syntax(error)),
            };
            // go-yaml reads the first document only; the rest is ignored (a warning).
            later_documents |= docs.len() > 1;
            docs.into_iter().next().and_then(|d| d.root)
        }
    };
    let Some(root) = root else {
        return Ok(Parsed::empty(later_documents, read_only));
    };
    let is_null = matches!(root.kind, NodeKind::Scalar { .. })
        && matches!(resolve_node(&root), Some(Value::Null));
    if is_null {
        return Ok(Parsed::empty(later_documents, read_only));
    }
    let text = rewritten.as_deref().unwrap_or(text);
    // mapAccounts is decoded by go-yaml straight into strings, without the JSON step.
    check_json_safe(&root, text, key != DataKey::MapAccounts)?;
    let seq = FlowSeq {
        start: root.start,
        end: root.end,
        col: root.col,
    };
    let root_tagged = root.tag != Tag::None;
    let NodeKind::Seq { items, flow } = root.kind else {
        return Err(type_error(
            &root,
            format!("{key} must be a list, found {}", describe(&root)),
        ));
    };
    let flow = &flow;
    let mut entries = Vec::with_capacity(items.len());
    let mut bare_pair_without_value = false;
    for mut item in items {
        let span = if *flow {
            item.start..item.end
        } else {
            block_item_span(text, &item)
        };
        // Before read_entry, which takes the pairs out of the node.
        bare_pair_without_value |= *flow && pair_without_value(text, &item, &span);
        let (value, fields, issues) = read_entry(key, &mut item);
        let field_notes = field_notes(&fields, text);
        entries.push(Entry {
            node: item,
            span,
            value,
            fields,
            issues,
            field_notes,
        });
    }
    // The last entry of a text without a final line break owns the break before it, so that
    // removing an entry appended after it gives back the original bytes; unless the entry
    // before ends in a block scalar, whose value would lose its line break with it.
    let before_last_block =
        entries.len() >= 2 && last_block_scalar(&entries[entries.len() - 2]).is_some();
    if let Some(last) = entries.last_mut().filter(|_| !before_last_block) {
        let at_eof = last.span.end == text.len() && !text.ends_with('\n');
        let after_break = last
            .span
            .start
            .checked_sub(1)
            .and_then(|i| text.as_bytes().get(i))
            == Some(&b'\n');
        if !*flow && at_eof && after_break {
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
    let not_editable = read_only.or_else(|| {
        why_not_editable(
            original,
            text,
            &entries,
            *flow,
            later_documents,
            root_tagged,
            bare_pair_without_value,
        )
    });
    Ok(Parsed {
        layout,
        entries,
        simple,
        later_documents,
        not_editable,
    })
}

/// Why a list that reads is still not edited, if it is not: what an edit could bring to life
/// or change beyond the entry it touches. `original` is the key's text, `text` the one node
/// positions are in.
fn why_not_editable(
    original: &str,
    text: &str,
    entries: &[Entry],
    flow: bool,
    later_documents: bool,
    root_tagged: bool,
    bare_pair_without_value: bool,
) -> Option<String> {
    if later_documents {
        Some("it holds more than one YAML document (a `---` or `...` line, or text after the list at a lesser indentation); the authenticator reads only the first, and an edit could bring the others to life: remove them by hand first".to_string())
    } else if original.contains('\r') {
        // The text is read with LF line breaks (CRLF values are converted on reading); a CR
        // left over is a line break to YAML but not to the line-based editor.
        Some("it holds a carriage return (CR) that is not part of a CRLF line break, which YAML reads as a line break; convert its line breaks to LF first".to_string())
    } else if tab_on_blank_line(original) {
        Some("a blank line holds a tab, which go-yaml allows only after a plain value deeper than its key, and an edit could leave it after another; remove the tab first".to_string())
    } else if !flow && ends_in_block_scalar(entries.last(), text) {
        Some("its last value is a block scalar (`|` or `>`) that ends the text without a line break, so an entry written after it would change that value; add a line break at the end first".to_string())
    } else if bare_pair_without_value {
        Some("a flow list item is a `key:` pair with no value and no braces (as in `[a :]`), whose `:` an entry written after it would take; write it as `{a: }` or remove it".to_string())
    } else if root_tagged {
        Some("its list carries a YAML tag (such as `!!seq`), which the editor does not rewrite; remove the tag".to_string())
    } else if entries.iter().any(Entry::uses_alias) {
        Some("it uses YAML aliases (`*name`), which tie entries together so that an edit of one would change others; edit it by hand".to_string())
    } else {
        None
    }
}

/// Whether a flow list item is a mapping without braces whose last value is empty (`a :` or
/// `!!str a:` before a line break): the parser ends such a value at its `:` or before it, so
/// the item's span does not end where a `,` can follow without changing what it means.
fn pair_without_value(text: &str, item: &Node, span: &Range<usize>) -> bool {
    let NodeKind::Map { pairs, .. } = &item.kind else {
        return false;
    };
    let Some((_, value)) = pairs.last() else {
        return false;
    };
    let own = text.get(span.clone()).unwrap_or_default();
    let after = text.get(span.end..).unwrap_or_default();
    value.start == value.end
        && (own.trim_end().ends_with(':')
            || after.trim_start_matches([' ', '\t', '\n']).starts_with(':'))
}

/// Whether a line of `text` holds only blanks, a tab among them.
fn tab_on_blank_line(text: &str) -> bool {
    text.contains('\t')
        && text
            .split('\n')
            .any(|l| l.contains('\t') && l.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')))
}

/// The innermost last node of the entry's block value, when it is a block scalar (`|`, `>`):
/// the text ends with it, and its value includes the line break after it.
fn last_block_scalar(e: &Entry) -> Option<&Node> {
    let mut n = e.fields.last().map_or(&e.node, |f| &f.value);
    while let Some(next) = match &n.kind {
        NodeKind::Seq { items, flow: false } => items.last(),
        NodeKind::Map { pairs, flow: false } => pairs.last().map(|(_, v)| v),
        _ => None,
    } {
        n = next;
    }
    Some(n).filter(|n| n.is_block_scalar())
}

/// Whether the last entry of a block list ends in a block scalar whose last line ends the
/// text without a line break: go-yaml reads no final line break there, and any text written
/// after it would add one.
fn ends_in_block_scalar(last: Option<&Entry>, text: &str) -> bool {
    last.and_then(last_block_scalar).is_some_and(|n| {
        !text.ends_with('\n') && n.end >= text.trim_end_matches([' ', '\t', '\r']).len()
    })
}

/// A block item owns the lines from its `-` to the end of its last line (comments and blank
/// lines after it belong to the gap, and stay where they are).
fn block_item_span(text: &str, item: &Node) -> Range<usize> {
    // Bytes: `-` and line breaks are ASCII, and byte searches stay inline in the wasm build.
    let before = text.as_bytes().get(..item.start).unwrap_or(text.as_bytes());
    let dash = before
        .iter()
        .rposition(|&b| b == b'-')
        .unwrap_or(item.start);
    let start = before[..dash.min(before.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = line_end(text, item.end);
    start..end
}

/// The offset just past the line break of the line holding `at - 1` (or the text's end).
pub(crate) fn line_end(text: &str, at: usize) -> usize {
    let from = at.saturating_sub(1).min(text.len());
    // Bytes, not `str`: `at - 1` may fall inside a multi-byte character.
    match text.as_bytes()[from..].iter().position(|&b| b == b'\n') {
        Some(i) => from + i + 1,
        None => text.len(),
    }
}

/// What the YAML-to-JSON step cannot convert, which loses the whole key: infinities and NaN,
/// null mapping keys (only values that reach the JSON step: `values`, and not overwritten by a
/// later identical key), complex mapping keys (go-yaml fails on them while decoding), and
/// double-quoted escapes go-yaml v2 does not know (`\/`, UTF-16 surrogates).
fn check_json_safe(n: &Node, text: &str, values: bool) -> Result<(), KeyProblem> {
    match &n.kind {
        NodeKind::Scalar {
            value,
            style: ScalarStyle::Plain,
        } if !n.tag.forces_string() => {
            // Most values start with a letter: skip the twelve comparisons for them.
            let special = matches!(value.as_bytes().first(), Some(b'.' | b'+' | b'-'))
                && matches!(
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
            if values && special {
                return Err(type_error(
                    n,
                    format!("{value} cannot be converted to JSON"),
                ));
            }
            Ok(())
        }
        NodeKind::Scalar {
            style: ScalarStyle::DoubleQuoted,
            ..
        } => check_escapes(n, text),
        NodeKind::Seq { items, .. } => items
            .iter()
            .try_for_each(|i| check_json_safe(i, text, values)),
        NodeKind::Map { pairs, .. } => pairs.iter().enumerate().try_for_each(|(i, (k, v))| {
            // Of identical keys go-yaml keeps only the last: the others never reach JSON.
            let overwritten = pairs[i + 1..].iter().any(|(later, _)| same_key(later, k));
            let null_key = is_plain_null(k);
            if !matches!(k.kind, NodeKind::Scalar { .. } | NodeKind::Alias) || (values && null_key)
            {
                return Err(type_error(
                    k,
                    "a mapping key must be a non-null scalar".to_string(),
                ));
            }
            check_json_safe(k, text, values)?;
            check_json_safe(v, text, values && !overwritten)
        }),
        _ => Ok(()),
    }
}

/// go-yaml v2 knows the escapes `0 a b t n v f r e " \ N _ L P x u U`, space and tab, and
/// rejects `\u` escapes of UTF-16 surrogates (JSON writes emoji that way).
fn check_escapes(n: &Node, text: &str) -> Result<(), KeyProblem> {
    let raw = text.get(n.start..n.end.min(text.len())).unwrap_or_default();
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        let bad = match e {
            '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"' | '\\' | 'N'
            | '_' | 'L' | 'P' | 'x' | 'U' | '\n' | '\r' => false,
            'u' => raw
                .get(i + 2..i + 6)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .is_some_and(|cp| (0xD800..=0xDFFF).contains(&cp)),
            _ => true,
        };
        if bad {
            let before = text.get(..n.start + i).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1;
            return Err(KeyProblem::Syntax(SyntaxError {
                line,
                column,
                message: format!("found unknown escape character \\{e}"),
            }));
        }
    }
    Ok(())
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
            _ => format!("string {}", quoted(value)),
        },
        NodeKind::Scalar { value, .. } => format!("string {}", quoted(value)),
        NodeKind::Seq { .. } => "a list".to_string(),
        NodeKind::Map { .. } => "a mapping".to_string(),
        NodeKind::Alias => "an alias".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(key: DataKey, text: &str) -> Parsed {
        read_section(key, text.to_string())
            .parsed()
            .clone()
            .unwrap()
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
                    .parsed()
                    .is_err(),
                "{text:?}"
            );
        }
        for text in ["\"\"", "''", "``", "  "] {
            assert!(
                read_section(DataKey::MapRoles, text.to_string())
                    .parsed()
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
        assert!(matches!(s.parsed(), Err(KeyProblem::Type { .. })));
    }
}
