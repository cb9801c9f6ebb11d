//! The look of a list, read off its existing entries so that a new or changed entry is written
//! the way its neighbours are.

use crate::section::{Entry, Known, Layout, Parsed};
use crate::yaml::scalar::{Context, Quoting, double_quoted, render};
use crate::yaml::tree::{Node, NodeKind, ScalarStyle};

/// How entries of one list are written.
#[derive(Debug, Clone)]
pub(crate) enum ListStyle {
    Block(BlockStyle),
    Flow(FlowStyle),
}

#[derive(Debug, Clone)]
pub(crate) struct BlockStyle {
    /// Column of the `-` of each entry.
    pub dash_col: usize,
    /// Column of each field name.
    pub key_col: usize,
    /// Field order of the neighbour (`groups` first, as eksctl writes, or `rolearn` first).
    pub order: Vec<Known>,
    pub groups: GroupsStyle,
    pub quoting: Quoting,
    pub quoted_keys: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum GroupsStyle {
    /// Items on their own lines, `offset` columns right of the field name (0 or 2 in practice).
    Block {
        offset: usize,
    },
    Flow,
}

#[derive(Debug, Clone)]
pub(crate) struct FlowStyle {
    /// JSON (quoted keys and values) rather than YAML flow.
    pub json: bool,
    /// Space after `:` and `,` inside an entry.
    pub spaced: bool,
    /// Between two entries.
    pub separator: String,
}

impl Default for BlockStyle {
    fn default() -> Self {
        BlockStyle {
            dash_col: 0,
            key_col: 2,
            order: vec![Known::Arn, Known::Username, Known::Groups],
            groups: GroupsStyle::Block { offset: 2 },
            quoting: Quoting::WhenNeeded,
            quoted_keys: false,
        }
    }
}

impl ListStyle {
    /// The style of `parsed`'s list; `prefer_flow` decides for a list with no entries to copy.
    pub fn of(text: &str, parsed: &Parsed, prefer_flow: bool) -> ListStyle {
        let neighbour = parsed
            .entries
            .iter()
            .rev()
            .find(|e| matches!(e.node.kind, NodeKind::Map { .. }));
        match (&parsed.layout, neighbour) {
            (Layout::Block, Some(e)) => ListStyle::Block(BlockStyle::of_entry(text, e)),
            (Layout::Flow(_), Some(e)) => {
                ListStyle::Flow(FlowStyle::of_entry(text, &parsed.entries, e))
            }
            // A flow list of scalars (`mapAccounts` as AWS CDK writes it): separated like them.
            (Layout::Flow(_), None) if !parsed.entries.is_empty() => {
                let last = &parsed.entries[parsed.entries.len() - 1];
                ListStyle::Flow(FlowStyle::of_entry(text, &parsed.entries, last))
            }
            // No mapping to copy (a `-` alone, a scalar): still the list's column.
            (Layout::Block, None) if !parsed.entries.is_empty() => {
                let last = &parsed.entries[parsed.entries.len() - 1];
                ListStyle::Block(BlockStyle::of_entry(text, last))
            }
            (Layout::Flow(_) | Layout::Empty, None) if prefer_flow => {
                ListStyle::Flow(FlowStyle::json())
            }
            _ => ListStyle::Block(BlockStyle::default()),
        }
    }
}

impl BlockStyle {
    pub fn of_entry(text: &str, e: &Entry) -> BlockStyle {
        let line_start = e.span.start + usize::from(text[e.span.start..].starts_with('\n'));
        let dash_col = dash_column(text, line_start + text[line_start..].find('-').unwrap_or(0));
        let first_key = e.fields.first().map(|f| &f.key);
        // New entries start with `- key:` on the dash's line, so their keys are at least two
        // columns past the dash, whatever a neighbour whose mapping starts on the line below
        // its `-` does (`-` then ` key:` one column in).
        let key_col = first_key.map_or(dash_col + 2, |k| k.col).max(dash_col + 2);
        // Each field once, where it first appears (a neighbour may spell one twice).
        let mut order: Vec<Known> = Vec::with_capacity(3);
        for f in &e.fields {
            if matches!(f.name, Known::Arn | Known::Username | Known::Groups)
                && !order.contains(&f.name)
            {
                order.push(f.name);
            }
        }
        let groups = match e.field(Known::Groups).map(|f| (&f.key, &f.value)) {
            Some((_, v)) if v.is_flow() => GroupsStyle::Flow,
            Some((k, v)) if matches!(v.kind, NodeKind::Seq { .. }) => {
                let dash = dash_column(text, v.start);
                GroupsStyle::Block {
                    offset: dash.saturating_sub(k.col),
                }
            }
            _ => GroupsStyle::Block { offset: 2 },
        };
        let arn_value = e.field(Known::Arn).map(|f| &f.value);
        let quoting = if arn_value.and_then(Node::scalar_style) == Some(ScalarStyle::DoubleQuoted) {
            Quoting::Always
        } else {
            Quoting::WhenNeeded
        };
        let quoted_keys = first_key.and_then(Node::scalar_style) == Some(ScalarStyle::DoubleQuoted);
        let mut order = if order.is_empty() {
            BlockStyle::default().order
        } else {
            order
        };
        for k in [Known::Arn, Known::Username, Known::Groups] {
            if !order.contains(&k) {
                order.push(k);
            }
        }
        BlockStyle {
            dash_col,
            key_col,
            order,
            groups,
            quoting,
            quoted_keys,
        }
    }

    pub fn key(&self, name: &str) -> String {
        if self.quoted_keys {
            double_quoted(name)
        } else {
            name.to_string()
        }
    }

    pub fn scalar(&self, s: &str) -> String {
        render(s, Context::Block, self.quoting)
    }

    /// A whole entry, lines ending in `\n`.
    pub fn entry(&self, fields: &[(Known, &str, FieldValue<'_>)]) -> String {
        let mut out = String::new();
        let mut first = true;
        for known in &self.order {
            for (_, name, value) in fields.iter().filter(|(k, _, _)| k == known) {
                if first {
                    out.push_str(&" ".repeat(self.dash_col));
                    out.push_str("- ");
                    out.push_str(&" ".repeat(self.key_col.saturating_sub(self.dash_col + 2)));
                    first = false;
                } else {
                    out.push_str(&" ".repeat(self.key_col));
                }
                out.push_str(&self.key(name));
                out.push(':');
                match value {
                    FieldValue::Str(s) => {
                        out.push(' ');
                        out.push_str(&self.scalar(s));
                    }
                    FieldValue::List(items) => out.push_str(&self.groups_value(items)),
                }
                out.push('\n');
            }
        }
        out
    }

    /// The text after `groups:` for a list, including its leading space or line break.
    pub fn groups_value(&self, items: &[String]) -> String {
        match self.groups {
            GroupsStyle::Flow => format!(" {}", self.flow_list(items)),
            GroupsStyle::Block { offset } => {
                let pad = " ".repeat(self.key_col + offset);
                items
                    .iter()
                    .map(|g| format!("\n{pad}- {}", self.scalar(g)))
                    .collect()
            }
        }
    }

    pub fn flow_list(&self, items: &[String]) -> String {
        let inner: Vec<String> = items
            .iter()
            .map(|g| render(g, Context::Flow, self.quoting))
            .collect();
        format!("[{}]", inner.join(", "))
    }
}

/// A field value to write.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldValue<'a> {
    Str(&'a str),
    List(&'a [String]),
}

impl FlowStyle {
    fn json() -> FlowStyle {
        FlowStyle {
            json: true,
            spaced: false,
            separator: ",".to_string(),
        }
    }

    pub fn of_entry(text: &str, entries: &[Entry], e: &Entry) -> FlowStyle {
        // An entry without fields (`{}`) shows no style: take the last one that has some,
        // or JSON, as AWS CDK writes it.
        let first_field = e
            .fields
            .first()
            .or_else(|| entries.iter().rev().find_map(|e| e.fields.first()));
        let json =
            first_field.is_none_or(|f| f.key.scalar_style() == Some(ScalarStyle::DoubleQuoted));
        // Only a quoted key may be followed by `:` without a space (`{"a":1}`); a plain one
        // needs the space, or `a:b` is one scalar.
        let spaced = match first_field {
            Some(f) => !json || text[f.key.end..f.value.start].contains(' '),
            None => false,
        };
        let separator = match entries {
            [.., a, b] => text[a.span.end..b.span.start].to_string(),
            _ if spaced => ", ".to_string(),
            _ => ",".to_string(),
        };
        FlowStyle {
            json,
            spaced,
            separator,
        }
    }

    pub fn scalar(&self, s: &str) -> String {
        let quoting = if self.json {
            Quoting::Always
        } else {
            Quoting::WhenNeeded
        };
        render(s, Context::Flow, quoting)
    }

    fn colon(&self) -> &'static str {
        if self.spaced { ": " } else { ":" }
    }

    fn comma(&self) -> &'static str {
        if self.spaced { ", " } else { "," }
    }

    pub fn list(&self, items: &[String]) -> String {
        let inner: Vec<String> = items.iter().map(|g| self.scalar(g)).collect();
        format!("[{}]", inner.join(self.comma()))
    }

    /// `"name": value` as it goes inside `{...}`.
    pub fn pair(&self, name: &str, value: FieldValue<'_>) -> String {
        let v = match value {
            FieldValue::Str(s) => self.scalar(s),
            FieldValue::List(items) => self.list(items),
        };
        format!("{}{}{v}", self.scalar(name), self.colon())
    }

    pub fn entry(&self, fields: &[(Known, &str, FieldValue<'_>)]) -> String {
        let pairs: Vec<String> = fields.iter().map(|(_, n, v)| self.pair(n, *v)).collect();
        format!("{{{}}}", pairs.join(self.comma()))
    }

    /// What goes between the previous pair and a new one inside `{...}`.
    pub fn pair_separator(&self) -> &'static str {
        self.comma()
    }
}

/// Column of the `-` that introduces the block sequence item at `item_start`.
pub(crate) fn dash_column(text: &str, item_start: usize) -> usize {
    // Up to the item's first character, which may take more than one byte.
    let upto = (item_start + 1..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    let dash = text[..upto].rfind('-').unwrap_or(item_start);
    let line_start = text[..dash].rfind('\n').map_or(0, |i| i + 1);
    // A byte order mark at the start of the text takes no column.
    text[line_start..dash]
        .trim_start_matches('\u{feff}')
        .chars()
        .count()
}
