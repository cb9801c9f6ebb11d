//! The manifest around the data: which document is the aws-auth ConfigMap, where its `data`
//! keys are, and how a key's new text is written back into the raw manifest.
//!
//! Why one module of ~600 lines: locating the data keys and writing a key back share the site
//! types (`Located`) and the rules for which document is the ConfigMap.

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic, diagnostic};
use crate::error::Error;
use crate::model::DataKey;
use crate::quoted::quoted;
use crate::yaml::masked::parse_manifest;
use crate::yaml::raw_value::{Piece, RawValue, block_scalar_span, render_value};
use crate::yaml::scalar::double_quoted;
use crate::yaml::tree::{Node, NodeKind};

/// Where the data keys are in the manifest text.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    /// The manifest is JSON (its root is a `{...}`): new values are written as JSON strings.
    pub json: bool,
    pub site: DataSite,
    /// Problems with the manifest itself (duplicate keys, non-string values).
    pub diagnostics: Vec<Diagnostic>,
    /// `metadata.namespace` of the ConfigMap, when written.
    pub namespace: Option<String>,
    /// The ConfigMap's `metadata` pair (key and value), where the ownership record lives;
    /// `None` for a bare data map.
    pub metadata: Option<(Node, Node)>,
}

#[derive(Debug, Clone)]
pub(crate) enum DataSite {
    /// The `data` mapping (or a bare data map) and its pairs.
    Map { node: Node, pairs: Vec<KeySite> },
    /// `data:` with nothing after it; new keys go after `at`, indented by `indent`.
    Null { value: Node, indent: usize },
    /// No `data` at all: new keys go into the root mapping.
    Missing { root: Node },
}

#[derive(Debug, Clone)]
pub(crate) struct KeySite {
    pub name: String,
    pub key: Node,
    pub value: Node,
}

impl Located {
    /// Every data key with a string value, in order (the last of duplicates wins, as readers do).
    pub fn data(&self) -> Vec<(String, String)> {
        let DataSite::Map { pairs, .. } = &self.site else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = Vec::with_capacity(pairs.len());
        // Where each name is in `out`: a ConfigMap may have a hundred thousand keys.
        let mut slot_of: HashMap<String, usize> = HashMap::with_capacity(pairs.len());
        for p in pairs {
            let Some(v) = p.value.as_str() else { continue };
            match slot_of.get(&p.name) {
                Some(&slot) => out[slot].1 = v.to_string(),
                None => {
                    slot_of.insert(p.name.clone(), out.len());
                    out.push((p.name.clone(), v.to_string()));
                }
            }
        }
        out
    }

    /// Bytes of the values of the data keys other than the three, without copying them.
    pub fn other_data_bytes(&self) -> usize {
        let DataSite::Map { pairs, .. } = &self.site else {
            return 0;
        };
        let last = last_index_by_name(pairs);
        pairs
            .iter()
            .enumerate()
            .filter(|(i, p)| DataKey::from_name(&p.name).is_none() && last[&p.name] == *i)
            .map(|(_, p)| p.value.as_str().map_or(0, str::len))
            .sum()
    }

    /// The site of an exact key name (the last one, as a YAML reader keeps it).
    pub fn key(&self, name: &str) -> Option<&KeySite> {
        match &self.site {
            DataSite::Map { pairs, .. } => pairs.iter().rev().find(|p| p.name == name),
            _ => None,
        }
    }
}

/// The index of the last site of each name (the one readers keep).
// `HashMap<String, usize>` as elsewhere in the core: one instantiation for the wasm build.
fn last_index_by_name(pairs: &[KeySite]) -> HashMap<String, usize> {
    let mut last = HashMap::with_capacity(pairs.len());
    for (i, p) in pairs.iter().enumerate() {
        last.insert(p.name.clone(), i);
    }
    last
}

/// Finds the ConfigMap called `name` (or a bare data map) in a YAML or JSON stream. With a
/// `namespace`, a ConfigMap of another namespace does not count (one that names none does);
/// without, several are told apart by preferring `kube-system`.
///
/// # Errors
/// Syntax errors, no such ConfigMap (or more than one to choose from), `data` that is not a
/// mapping.
pub(crate) fn locate(text: &str, namespace: Option<&str>, name: &str) -> Result<Located, Error> {
    let docs = parse_manifest(text).map_err(|e| Error::ManifestSyntax {
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let mut other_names = Vec::new();
    let mut fragment = None;
    // ConfigMaps called `name`: the node and its namespace.
    let mut candidates: Vec<(&Node, Option<String>)> = Vec::new();
    // The objects of the stream: each document, or the items of a list document (or of a
    // top-level JSON array, the form AWS CDK's KubernetesManifest takes).
    let objects = docs
        .iter()
        .filter_map(|doc| doc.root.as_ref())
        .flat_map(|root| list_items(root).unwrap_or(std::slice::from_ref(root)));
    for root in objects {
        let NodeKind::Map { pairs, flow } = &root.kind else {
            continue;
        };
        let get = |k: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key.as_str() == Some(k))
                .map(|(_, v)| v)
        };
        let metadata = |field: &str| {
            get("metadata").and_then(|m| match &m.kind {
                NodeKind::Map { pairs, .. } => pairs
                    .iter()
                    .rev()
                    .find(|(k, _)| k.as_str() == Some(field))
                    .and_then(|(_, v)| v.as_str()),
                _ => None,
            })
        };
        match get("kind").and_then(Node::as_str) {
            Some("ConfigMap") => {
                let cm_name = metadata("name").unwrap_or_default();
                if cm_name == name {
                    candidates.push((root, metadata("namespace").map(str::to_string)));
                } else {
                    other_names.push(format!("ConfigMap {}", quoted(cm_name)));
                }
            }
            Some(other) => other_names.push(other.to_string()),
            None => {
                let has_data = get("data").is_some();
                let bare = pairs.iter().any(|(k, _)| {
                    k.as_str().is_some_and(|n| {
                        DataKey::ALL
                            .iter()
                            .any(|d| d.as_str().eq_ignore_ascii_case(n))
                    })
                });
                if fragment.is_none() && (has_data || bare) {
                    fragment = Some((root, has_data, *flow));
                }
            }
        }
    }
    if let Some((root, ns)) = choose(&candidates, namespace, name, &mut other_names)? {
        let NodeKind::Map { pairs, flow } = &root.kind else {
            unreachable!("candidates are mappings");
        };
        if let Some(dup) = duplicate_key(pairs) {
            return Err(Error::Manifest {
                what: format!(
                    "the ConfigMap has {dup}; the API server rejects it and readers disagree on which one counts"
                ),
            });
        }
        let data = pairs.iter().rev().find(|(k, _)| k.as_str() == Some("data"));
        return site_of(root, data, *flow).map(|l| Located {
            namespace: ns.clone(),
            metadata: metadata_of(pairs),
            ..l
        });
    }
    if let Some((root, has_data, flow)) = fragment {
        let data = match &root.kind {
            NodeKind::Map { pairs, .. } if has_data => {
                pairs.iter().rev().find(|(k, _)| k.as_str() == Some("data"))
            }
            _ => None,
        };
        return match data {
            Some(data) => site_of(root, Some(data), flow).map(|l| Located {
                metadata: match &root.kind {
                    NodeKind::Map { pairs, .. } => metadata_of(pairs),
                    _ => None,
                },
                ..l
            }),
            // A bare data map: the root is the data.
            None => site_of_map(root, flow),
        };
    }
    let found = if docs.iter().all(|d| d.root.is_none()) {
        " (it is empty)".to_string()
    } else if other_names.is_empty() {
        String::new()
    } else {
        format!(" (found {})", other_names.join(", "))
    };
    Err(Error::NotFound {
        name: name.to_string(),
        found,
    })
}

/// The ConfigMap to edit among those called `name`: the one in `namespace` (or naming none),
/// or without a namespace given, the only one or the one in `kube-system`. `None` when there
/// is none (those of other namespaces are added to `other_names`).
///
/// # Errors
/// More than one to choose from.
fn choose<'a>(
    candidates: &'a [(&'a Node, Option<String>)],
    namespace: Option<&str>,
    name: &str,
    other_names: &mut Vec<String>,
) -> Result<Option<&'a (&'a Node, Option<String>)>, Error> {
    let fits =
        |ns: &Option<String>| namespace.is_none_or(|want| ns.as_deref().is_none_or(|n| n == want));
    let fitting: Vec<&(&Node, Option<String>)> =
        candidates.iter().filter(|(_, ns)| fits(ns)).collect();
    for (_, ns) in candidates.iter().filter(|(_, ns)| !fits(ns)) {
        other_names.push(format!(
            "ConfigMap {} in namespace {}",
            quoted(name),
            quoted(ns.as_deref().unwrap_or_default())
        ));
    }
    let preferred = namespace.unwrap_or("kube-system");
    match fitting.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        several => {
            let exact: Vec<_> = several
                .iter()
                .filter(|(_, ns)| ns.as_deref() == Some(preferred))
                .collect();
            if let [one] = exact.as_slice() {
                return Ok(Some(**one));
            }
            let lines: Vec<String> = several.iter().map(|(n, _)| n.line.to_string()).collect();
            Err(Error::Manifest {
                what: format!(
                    "the manifest has {} ConfigMaps named {} (at lines {}); keep one, or say which with its namespace",
                    several.len(),
                    quoted(name),
                    lines.join(", ")
                ),
            })
        }
    }
}

/// The items of a list object (`kind: List` as `kubectl get -o yaml` prints several objects, or
/// `ConfigMapList`) or of a top-level sequence, or `None` for any other node.
fn list_items(root: &Node) -> Option<&[Node]> {
    let pairs = match &root.kind {
        NodeKind::Seq { items, .. } => return Some(items),
        NodeKind::Map { pairs, .. } => pairs,
        _ => return None,
    };
    let get = |k: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key.as_str() == Some(k))
            .map(|(_, v)| v)
    };
    let kind = get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    match &get("items")?.kind {
        NodeKind::Seq { items, .. } => Some(items),
        _ => None,
    }
}

/// The last `metadata` pair of an object.
fn metadata_of(pairs: &[(Node, Node)]) -> Option<(Node, Node)> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k.as_str() == Some("metadata"))
        .cloned()
}

/// `key "data" twice (lines 2 and 20)` for the first repeated key of a mapping.
fn duplicate_key(pairs: &[(Node, Node)]) -> Option<String> {
    pairs.iter().enumerate().find_map(|(i, (k, _))| {
        let name = k.as_str()?;
        let earlier = pairs[..i].iter().find(|(e, _)| e.as_str() == Some(name))?;
        Some(format!(
            "key {} twice (lines {} and {})",
            quoted(name),
            earlier.0.line,
            k.line
        ))
    })
}

fn site_of(root: &Node, data: Option<&(Node, Node)>, flow: bool) -> Result<Located, Error> {
    match data {
        None => Ok(Located {
            namespace: None,
            json: flow,
            site: DataSite::Missing { root: root.clone() },
            diagnostics: Vec::new(),
            metadata: None,
        }),
        Some((key, value)) => match &value.kind {
            NodeKind::Map { .. } => site_of_map(value, flow),
            NodeKind::Scalar { .. }
                if value.is_empty_plain()
                    || value.as_str() == Some("~")
                    || value.as_str() == Some("null") =>
            {
                let indent = key.col + 2;
                Ok(Located {
                    namespace: None,
                    json: flow,
                    site: DataSite::Null {
                        value: value.clone(),
                        indent,
                    },
                    diagnostics: Vec::new(),
                    metadata: None,
                })
            }
            _ => Err(Error::Manifest {
                what: format!("data at line {} is not a mapping of strings", value.line),
            }),
        },
    }
}

fn site_of_map(map: &Node, json: bool) -> Result<Located, Error> {
    let NodeKind::Map { pairs, .. } = &map.kind else {
        return Err(Error::Manifest {
            what: "data is not a mapping".into(),
        });
    };
    let mut diagnostics = Vec::new();
    let mut sites = Vec::with_capacity(pairs.len());
    // Names met so far, for duplicates: linear scans made 100,000 keys take minutes.
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(pairs.len());
    for (k, v) in pairs {
        let name = k.as_str().unwrap_or_default().to_string();
        if seen.insert(name.clone(), sites.len()).is_some() {
            diagnostics.push(diagnostic(
                Code::DuplicateDataKey,
                DataKey::from_name(&name),
                None,
                Some((k.line, k.col + 1)),
                format!("data key {} appears more than once (line {}); readers disagree on which one counts", quoted(&name), k.line),
            ));
        }
        if DataKey::from_name(&name).is_none()
            && let Some(real) = DataKey::ALL
                .iter()
                .find(|d| d.as_str().eq_ignore_ascii_case(&name))
        {
            diagnostics.push(diagnostic(
                Code::KeyCase,
                None,
                None,
                Some((k.line, k.col + 1)),
                format!(
                    "data key {} is ignored by the authenticator; the key is {real}",
                    quoted(&name)
                ),
            ));
        }
        if !matches!(v.kind, NodeKind::Scalar { .. }) {
            diagnostics.push(diagnostic(
                Code::NotAString,
                DataKey::from_name(&name),
                None,
                Some((v.line, v.col + 1)),
                format!("data key {} holds a YAML structure, not a string; write it as a block (`{name}: |`)", quoted(&name)),
            ));
        }
        sites.push(KeySite {
            name,
            key: k.clone(),
            value: v.clone(),
        });
    }
    Ok(Located {
        namespace: None,
        metadata: None,
        json,
        site: DataSite::Map {
            node: map.clone(),
            pairs: sites,
        },
        diagnostics,
    })
}

/// Writes `pieces` (the new text of `key`) into the manifest, touching only the changed bytes
/// where the value's style allows, otherwise rewriting that one value. `None` when a spliced
/// value would not decode back to `new`. A rewritten or inserted value is checked by the
/// caller, by reading the manifest again.
pub(crate) fn write_key(
    text: &str,
    located: &Located,
    key: DataKey,
    old: &str,
    pieces: &[Piece],
    new: &str,
) -> Option<Written> {
    if let Some(site) = located.key(key.as_str()) {
        // A block literal with no content line has no indentation to follow (it would come
        // out at column 0): it is written whole, like a value of another style.
        let spliceable = !old.trim().is_empty() || !site.value.is_block_scalar();
        if let Some(out) = RawValue::map(text, site.key.end, &site.value)
            .filter(|_| spliceable)
            .and_then(|raw| raw.splice(text, old, pieces))
        {
            // Decode the written value again, independently of how it was encoded: it must
            // give exactly the new text (this catches an indentation or escaping slip).
            let moved = out.len() as isize - text.len() as isize;
            let mut written = site.value.clone();
            written.end = site.value.end.saturating_add_signed(moved);
            // An emptied block value has no content line left to start at.
            written.start = written.start.min(written.end);
            written.kind = NodeKind::Scalar {
                value: new.to_string(),
                style: site.value.scalar_style()?,
            };
            // A splice the decoder cannot map back (an emptied block value left with only
            // indented blank lines) is not kept: the value is written whole below instead.
            if let Some(raw) = RawValue::map(&out, site.key.end, &written) {
                return Some(Written::Spliced(out, raw.decoded_len()));
            }
        }
        let rendered = render_value(
            new,
            located.json || site.value.line == site.key.line && is_quoted(&site.value),
            site.key.col + 2,
        );
        // `key:` with nothing after it: the value goes after the colon. Its span may cover
        // the line break up to the next key, which must stay.
        if site.value.is_empty_plain() {
            let colon = site.key.end + text[site.key.end..].find(':')?;
            return Some(Written::Rewritten(fill_empty(
                text,
                colon + 1..colon + 1,
                " ",
                &rendered,
            )));
        }
        // A block scalar's final line break stays, as after any other value.
        let span = block_scalar_span(text, site.key.end, &site.value)
            .unwrap_or_else(|| value_start(text, site)..site.value.end);
        // One with no content may end after the next line's indentation: only its header
        // indicators are replaced.
        if !spliceable {
            let header = &text[span.start..];
            let indicators = header.len()
                - header
                    .trim_start_matches(|c: char| {
                        matches!(c, '|' | '>' | '+' | '-') || c.is_ascii_digit()
                    })
                    .len();
            // Content lines holding only blanks (a tab, a form feed, a vertical tab: YAML keeps
            // them as the value) belong to the old value: they go, or they would end up inside the new one.
            let eol = text[span.start..]
                .find('\n')
                .map_or(text.len(), |i| span.start + i);
            let mut blanks_end = eol;
            while blanks_end < text.len() {
                let next = text[blanks_end + 1..]
                    .find('\n')
                    .map_or(text.len(), |i| blanks_end + 1 + i);
                let line = &text[blanks_end + 1..next];
                if line.is_empty() || !line.trim().is_empty() {
                    break;
                }
                blanks_end = next;
            }
            let without = format!("{}{}", &text[..eol], &text[blanks_end..]);
            return Some(Written::Rewritten(fill_empty(
                &without,
                span.start..span.start + indicators,
                "",
                &rendered,
            )));
        }
        // A one-line value (`null # none`) turned into a block literal: what follows it on
        // its line (a comment) must stay before the literal's lines, not end up in them.
        if rendered.contains('\n') && !text[span.clone()].contains('\n') {
            return Some(Written::Rewritten(fill_empty(text, span, "", &rendered)));
        }
        return Some(Written::Rewritten(format!(
            "{}{}{}",
            &text[..span.start],
            rendered,
            &text[span.end..]
        )));
    }
    Some(Written::Rewritten(insert_key(text, located, key, new)))
}

/// `text` with `rendered` (a value as [`render_value`] writes it) in place of the one-line
/// value at `at` (a `|` header with nothing under it, `null`, or nothing): a comment after it
/// stays on its line, and the lines of a block literal go after that line.
fn fill_empty(text: &str, at: std::ops::Range<usize>, pad: &str, rendered: &str) -> String {
    let eol = text[at.end..].find('\n').map_or(text.len(), |i| at.end + i);
    let (head, body) = match rendered.split_once('\n') {
        Some((head, body)) => (head, format!("\n{body}")),
        None => (rendered, String::new()),
    };
    format!(
        "{}{pad}{head}{}{body}{}",
        &text[..at.start],
        &text[at.end..eol],
        &text[eol..]
    )
}

/// A manifest with one key written.
pub(crate) enum Written {
    /// Only the changed bytes were replaced, and the value was checked to decode right; with
    /// the length of what it decodes to (a `|-` value drops a final line break).
    Spliced(String, usize),
    /// The value was written whole (or inserted): read the manifest again to check it.
    Rewritten(String),
}

fn is_quoted(v: &Node) -> bool {
    matches!(
        v.scalar_style(),
        Some(
            crate::yaml::tree::ScalarStyle::DoubleQuoted
                | crate::yaml::tree::ScalarStyle::SingleQuoted
        )
    )
}

/// Where a value's raw text starts: at its `|`/`>` header for block scalars.
fn value_start(text: &str, site: &KeySite) -> usize {
    let after_key = site.key.end;
    let colon = after_key + text[after_key..].find(':').unwrap_or(0);
    let rest = &text[colon + 1..site.value.start.max(colon + 1)];
    let skip = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    (colon + 1 + skip).min(site.value.start.max(colon + 1))
}

fn insert_key(text: &str, located: &Located, key: DataKey, new: &str) -> String {
    let name = key.as_str();
    match &located.site {
        DataSite::Map { node, pairs } if node.is_flow() => {
            let value = double_quoted(new);
            let (at, sep) = match pairs.last() {
                Some(last) => {
                    let sep = match pairs.len() {
                        n if n >= 2 => {
                            text[pairs[n - 2].value.end..pairs[n - 1].key.start].to_string()
                        }
                        _ => ", ".to_string(),
                    };
                    (last.value.end, sep)
                }
                None => (node.start + 1, String::new()),
            };
            format!(
                "{}{sep}{}: {value}{}",
                &text[..at],
                double_quoted(name),
                &text[at..]
            )
        }
        DataSite::Map { node, pairs } => {
            let col = pairs.first().map_or(node.col, |p| p.key.col);
            let at = pairs
                .last()
                .map_or(node.end, |p| crate::section::line_end(text, p.value.end));
            let line = format!(
                "{}{name}: {}\n",
                " ".repeat(col),
                render_value(new, false, col + 2)
            );
            splice_line(text, at, &line)
        }
        DataSite::Null { value, indent } => {
            let line = format!(
                "\n{}{name}: {}",
                " ".repeat(*indent),
                render_value(new, false, indent + 2)
            );
            // `data:` with nothing after it: the parser may place the empty value at the colon,
            // so the keys go at the end of that line instead.
            let (at, end) = if value.start >= value.end {
                let eol = text[value.start..]
                    .find('\n')
                    .map_or(text.len(), |i| value.start + i);
                (eol, eol)
            } else {
                (value.start, value.end)
            };
            format!("{}{line}{}", &text[..at], &text[end..])
        }
        DataSite::Missing { root } if root.is_flow() => {
            let at = root.end.saturating_sub(1);
            let before = text[..at].trim_end();
            let entry = format!(
                ",\n  \"data\": {{{}: {}}}\n",
                double_quoted(name),
                double_quoted(new)
            );
            format!("{before}{entry}{}", &text[at..])
        }
        DataSite::Missing { root } => {
            // At the object's own indentation: a list item is indented, a document is not.
            let pad = " ".repeat(root.col);
            let at = crate::section::line_end(text, root.end);
            let line = format!(
                "{pad}data:\n{pad}  {name}: {}\n",
                render_value(new, false, root.col + 4)
            );
            splice_line(text, at, &line)
        }
    }
}

/// `text` with `line` inserted at `at`, a line start (a line break first when it is not).
pub(crate) fn splice_line(text: &str, at: usize, line: &str) -> String {
    if text[..at].ends_with('\n') || at == 0 {
        format!("{}{line}{}", &text[..at], &text[at..])
    } else {
        format!(
            "{}\n{}{}",
            &text[..at],
            line.trim_end_matches('\n'),
            &text[at..]
        )
    }
}
