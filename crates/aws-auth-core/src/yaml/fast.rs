//! A fast path for the shape nearly every `mapRoles`/`mapUsers` value has: a block list of
//! block mappings whose values are one-line scalars or block lists of one-line scalars.
//!
//! It builds exactly the tree [`super::tree::parse_stream`] builds (same spans, lines,
//! columns, styles and values), about ten times faster, and gives up (`None`) at the first
//! thing outside that shape, so the general parser handles it. A differential test
//! (`tests::agrees_with_the_general_parser` and the property tests) holds the two together.

use super::raw_value::unescape;
use super::tree::{Node, NodeKind, ScalarStyle, Tag};

/// The root node of `text`, or `None` when the text is not in the fast path's shape.
pub(crate) fn parse_block_list(text: &str) -> Option<Node> {
    let lines = Lines::new(text.as_bytes())?;
    let first = lines.next_content(0)?;
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        lines,
    };
    let (root, next) = p.seq(first, p.lines.rows[first].indent)?;
    // Nothing may follow the list but blank and comment lines.
    p.lines.next_content(next).is_none().then_some(root)
}

// The scanning below works on bytes with plain loops, not on `str` with char patterns: this
// runs over every line of a mebibyte list, and in the size-optimised wasm build each `str`
// slice, `find` or `trim` is an out-of-line call with UTF-8 boundary checks. The text is ASCII
// (checked by `Lines::new`), so every byte offset is a character boundary.

#[derive(Debug, Clone, Copy)]
struct Row {
    /// Byte offset of the line's first character.
    start: usize,
    /// Byte offset of its end (before `\n`).
    end: usize,
    /// Leading spaces.
    indent: usize,
    /// Blank or comment only.
    skip: bool,
}

struct Lines {
    rows: Vec<Row>,
}

impl Lines {
    /// The lines of `text` as `split('\n')` gives them; `None` when the text has a byte the
    /// fast path leaves to the general parser (non-ASCII, `\r`, tab).
    fn new(text: &[u8]) -> Option<Lines> {
        let mut rows = Vec::with_capacity(text.len() / 24 + 1);
        let mut i = 0;
        loop {
            let start = i;
            i += spaces(&text[i..]);
            let indent = i - start;
            let skip = matches!(text.get(i), None | Some(b'\n' | b'#'));
            while i < text.len() && text[i] != b'\n' {
                if text[i] >= 0x80 || text[i] == b'\r' || text[i] == b'\t' {
                    return None;
                }
                i += 1;
            }
            rows.push(Row {
                start,
                end: i,
                indent,
                skip,
            });
            if i == text.len() {
                return Some(Lines { rows });
            }
            i += 1;
        }
    }

    fn next_content(&self, from: usize) -> Option<usize> {
        (from..self.rows.len()).find(|&i| !self.rows[i].skip)
    }
}

/// The number of leading spaces.
fn spaces(b: &[u8]) -> usize {
    let mut n = 0;
    while n < b.len() && b[n] == b' ' {
        n += 1;
    }
    n
}

/// `b` without trailing spaces.
fn trim_end_spaces(b: &[u8]) -> &[u8] {
    let mut n = b.len();
    while n > 0 && b[n - 1] == b' ' {
        n -= 1;
    }
    &b[..n]
}

/// Whether `b` continues with `- `: a block list item.
fn is_dash_item(b: &[u8]) -> bool {
    b.len() >= 2 && b[0] == b'-' && b[1] == b' '
}

/// The length of a plain key: letters, digits, `_` and `-`.
fn plain_key_len(b: &[u8]) -> usize {
    let mut n = 0;
    while n < b.len() && (b[n].is_ascii_alphanumeric() || b[n] == b'_' || b[n] == b'-') {
        n += 1;
    }
    n
}

/// The offset of the first `c` in `b`.
fn find_byte(b: &[u8], c: u8) -> Option<usize> {
    let mut i = 0;
    while i < b.len() {
        if b[i] == c {
            return Some(i);
        }
        i += 1;
    }
    None
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    lines: Lines,
}

impl Parser<'_> {
    /// The bytes of `row` from column `col` to the end of the line.
    fn line_from(&self, row: usize, col: usize) -> &[u8] {
        let r = self.lines.rows[row];
        &self.bytes[(r.start + col).min(r.end)..r.end]
    }

    /// A block list whose `-` are at column `indent`, starting on content row `row`.
    /// Returns the node and the row after it.
    fn seq(&mut self, first_row: usize, indent: usize) -> Option<(Node, usize)> {
        let first = self.lines.rows[first_row];
        let dash = first.start + indent;
        let mut items = Vec::new();
        let mut row = first_row;
        loop {
            if !self.is_item(row, indent) {
                return None;
            }
            let after_dash = indent + 1 + spaces(self.line_from(row, indent + 1));
            let (item, next) = if looks_like_key(self.line_from(row, after_dash)) {
                self.map(row, after_dash)?
            } else {
                (self.scalar(row, after_dash)?, row + 1)
            };
            items.push(item);
            let end_at = match self.lines.next_content(next) {
                None => self.lines.rows.len(),
                Some(n) if self.is_item(n, indent) => {
                    row = n;
                    continue;
                }
                // Deeper content that no item claimed: not ours.
                Some(n) if self.lines.rows[n].indent > indent => return None,
                Some(n) => n,
            };
            return Some((seq_node(dash, first_row + 1, indent, items), end_at));
        }
    }

    fn is_item(&self, row: usize, indent: usize) -> bool {
        self.lines.rows[row].indent == indent && is_dash_item(self.line_from(row, indent))
    }

    /// A block mapping whose keys are at column `col`, the first on row `row`.
    fn map(&mut self, mut row: usize, col: usize) -> Option<(Node, usize)> {
        let mut pairs: Vec<(Node, Node)> = Vec::with_capacity(3);
        loop {
            let (key, after_colon) = self.key(row, col)?;
            let rest = self.line_from(row, after_colon);
            let gap = spaces(rest);
            let value_text = &rest[gap..];
            let (value, next) = if value_text.is_empty() || value_text[0] == b'#' {
                // `key:` with the value on the following lines: only a block list is fast.
                if !value_text.is_empty() && gap == 0 {
                    return None;
                }
                let n = self.lines.next_content(row + 1)?;
                let nr = self.lines.rows[n];
                if nr.indent < col || !is_dash_item(self.line_from(n, nr.indent)) {
                    return None;
                }
                self.seq(n, nr.indent)?
            } else {
                if gap == 0 {
                    return None;
                }
                (self.scalar(row, after_colon + gap)?, row + 1)
            };
            pairs.push((key, value));
            match self.lines.next_content(next) {
                Some(n)
                    if self.lines.rows[n].indent == col
                        && looks_like_key(self.line_from(n, col)) =>
                {
                    row = n
                }
                Some(n) if self.lines.rows[n].indent >= col => return None,
                other => {
                    let next_row = other.unwrap_or(self.lines.rows.len());
                    let (k0, _) = &pairs[0];
                    let end = pairs.last().map_or(k0.end, |(_, v)| v.end);
                    let node = Node {
                        start: k0.start,
                        end,
                        line: k0.line,
                        col: k0.col,
                        tag: Tag::None,
                        kind: NodeKind::Map { pairs, flow: false },
                    };
                    return Some((node, next_row));
                }
            }
        }
    }

    /// The key at `col` of `row` and the column just past its `:`.
    fn key(&self, row: usize, col: usize) -> Option<(Node, usize)> {
        let s = self.line_from(row, col);
        let (style, value, len) = if s.first() == Some(&b'"') {
            let close = find_byte(&s[1..], b'"')?;
            if find_byte(&s[1..1 + close], b'\\').is_some() {
                return None;
            }
            (ScalarStyle::DoubleQuoted, 1..1 + close, close + 2)
        } else {
            let len = plain_key_len(s);
            if len == 0 || s[0] == b'-' {
                return None;
            }
            (ScalarStyle::Plain, 0..len, len)
        };
        if s.get(len) != Some(&b':') {
            return None;
        }
        let start = self.lines.rows[row].start + col;
        let value = self.text[start + value.start..start + value.end].to_string();
        let node = scalar_node(start, start + len, row + 1, col, value, style);
        Some((node, col + len + 1))
    }

    /// A one-line scalar starting at `col` of `row`, ending the line (a comment may follow).
    fn scalar(&self, row: usize, col: usize) -> Option<Node> {
        let s = self.line_from(row, col);
        let start = self.lines.rows[row].start + col;
        let (value, style, len) = match *s.first()? {
            b'"' => {
                let mut out = String::new();
                let mut i = 1;
                loop {
                    // Copy runs of ordinary characters whole.
                    let run = i;
                    while i < s.len() && s[i] != b'"' && s[i] != b'\\' {
                        i += 1;
                    }
                    out.push_str(&self.text[start + run..start + i]);
                    match s.get(i)? {
                        b'"' => break,
                        _ => {
                            let escape = &self.text[start + i + 1..start + s.len()];
                            let (piece, used) = unescape(escape)?;
                            if used == 0 || escape.starts_with('\n') {
                                return None;
                            }
                            out.push_str(&piece);
                            i += 1 + used;
                        }
                    }
                }
                (out, ScalarStyle::DoubleQuoted, i + 1)
            }
            b'\'' => {
                let mut out = String::new();
                let mut i = 1;
                loop {
                    let run = i;
                    while i < s.len() && s[i] != b'\'' {
                        i += 1;
                    }
                    out.push_str(&self.text[start + run..start + i]);
                    match (s.get(i)?, s.get(i + 1)) {
                        (_, Some(b'\'')) => {
                            out.push('\'');
                            i += 2;
                        }
                        _ => break,
                    }
                }
                (out, ScalarStyle::SingleQuoted, i + 1)
            }
            c if b"-?:,[]{}#&*!|>%@`".contains(&c) => return None,
            _ => {
                // A comment starts at ` #`.
                let mut body_end = s.len();
                let mut i = 1;
                while i < s.len() {
                    if s[i] == b'#' && s[i - 1] == b' ' {
                        body_end = i - 1;
                        break;
                    }
                    i += 1;
                }
                let body = trim_end_spaces(&s[..body_end]);
                let mut j = 0;
                while j < body.len() {
                    // `a: b` or a final `:` would be a mapping.
                    if body[j] == b':' && (j + 1 == body.len() || body[j + 1] == b' ') {
                        return None;
                    }
                    j += 1;
                }
                let value = self.text[start..start + body.len()].to_string();
                (value, ScalarStyle::Plain, body.len())
            }
        };
        // After a quoted scalar: spaces, then the end or a comment.
        let rest = &s[len..];
        let gap = spaces(rest);
        if !(gap == rest.len() || rest[gap] == b'#' && gap > 0) {
            return None;
        }
        Some(scalar_node(start, start + len, row + 1, col, value, style))
    }
}

fn seq_node(dash: usize, line: usize, col: usize, items: Vec<Node>) -> Node {
    let end = items.last().map_or(dash, |n| n.end);
    Node {
        start: dash,
        end,
        line,
        col,
        tag: Tag::None,
        kind: NodeKind::Seq { items, flow: false },
    }
}

fn scalar_node(
    start: usize,
    end: usize,
    line: usize,
    col: usize,
    value: String,
    style: ScalarStyle,
) -> Node {
    Node {
        start,
        end,
        line,
        col,
        tag: Tag::None,
        kind: NodeKind::Scalar { value, style },
    }
}

/// `name:` followed by a space or the end of the line.
fn looks_like_key(s: &[u8]) -> bool {
    let len = if s.first() == Some(&b'"') {
        find_byte(&s[1..], b'"').map_or(0, |i| i + 2)
    } else {
        plain_key_len(s)
    };
    len > 0 && s.get(len) == Some(&b':') && matches!(s.get(len + 1), None | Some(b' '))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree::parse_stream;

    pub(crate) fn general(text: &str) -> Option<Node> {
        parse_stream(text).ok()?.pop()?.root
    }

    #[test]
    fn agrees_with_the_general_parser() {
        let texts = [
            "- rolearn: arn:aws:iam::1:role/a\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n",
            "# head\n\n  - groups:\n    - a\n    rolearn: \"x\\u0041\"  # c\n    username: 'it''s'\n\n  - rolearn: b\n",
            "- \"groups\":\n  - \"system:masters\"\n  \"rolearn\": \"arn\"\n",
            "- \"111122223333\"\n- '444455556666'\n",
            "- userarn: a\n  username: b   \n  groups:\n  - g # trailing\n",
        ];
        for text in texts {
            let fast =
                parse_block_list(text).unwrap_or_else(|| panic!("fast path declined {text:?}"));
            assert_eq!(Some(fast), general(text), "{text}");
        }
    }

    #[test]
    fn declines_what_it_does_not_know() {
        for text in [
            "- rolearn: a\n  username: |\n    x\n",
            "- rolearn: a\n  groups: [a, b]\n",
            "- rolearn: a\n  username: two\n    lines\n",
            "- rolearn: a\n  username:\n",
            "- rolearn: &x a\n",
            "[]",
            "- a: b: c\n",
            "- rolearn: a\n   username: b\n",
            "---\n- a\n",
            "- rolearn: a\nkey: b\n",
        ] {
            assert!(parse_block_list(text).is_none(), "{text:?}");
        }
    }
}

#[cfg(test)]
mod properties {
    use super::tests::general;
    use super::*;
    use proptest::prelude::*;

    /// Scalars as people write them, including ones the fast path must decline.
    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            40 => "[a-z][a-z0-9:/_.-]{0,20}",
            10 => Just("system:node:{{EC2PrivateDNSName}}".to_string()),
            10 => Just("arn:aws:iam::111122223333:role/x".to_string()),
            10 => "\"[a-z #:]{0,8}\"",
            5 => Just("\"x\\u0041\\\"y\"".to_string()),
            10 => "'[a-z #:]{0,8}'",
            2 => Just("'it''s'".to_string()),
            5 => Just("yes".to_string()),
            1 => Just("a: b".to_string()),
            1 => Just("x #c".to_string()),
            1 => Just("[a, b]".to_string()),
            1 => Just("|".to_string()),
            1 => Just("".to_string()),
        ]
    }

    fn entry() -> impl Strategy<Value = (Vec<(String, String)>, Vec<String>, usize, usize)> {
        (
            proptest::collection::vec(("(rolearn|username|\"groups\"|userid|x)", scalar()), 1..4),
            proptest::collection::vec(scalar(), 0..3),
            0usize..3,
            0usize..3,
        )
    }

    fn text() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(entry(), 1..5),
            0usize..3,
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(entries, indent, comments, groups_first)| {
                let pad = " ".repeat(indent);
                let mut s = String::new();
                for (fields, groups, spaces, group_offset) in entries {
                    let key_pad = " ".repeat(indent + 2 + spaces);
                    let mut lines: Vec<String> =
                        fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    if !groups.is_empty() {
                        let g_pad = " ".repeat(indent + 2 + spaces + group_offset);
                        let mut block = "groups:".to_string();
                        for g in &groups {
                            block.push_str(&format!("\n{g_pad}- {g}"));
                        }
                        if groups_first {
                            lines.insert(0, block)
                        } else {
                            lines.push(block)
                        }
                    }
                    for (i, line) in lines.iter().enumerate() {
                        if i == 0 {
                            s.push_str(&format!("{pad}-{}{line}\n", " ".repeat(spaces + 1)));
                        } else {
                            s.push_str(&format!("{key_pad}{line}\n"));
                        }
                    }
                    if comments {
                        s.push_str(&format!("{pad}# note\n\n"));
                    }
                }
                s
            })
    }

    /// The differential test only means something if the fast path takes most realistic texts.
    #[test]
    fn fast_path_takes_most_generated_texts_and_agrees_on_all() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut taken, total) = (0, 1000);
        for _ in 0..total {
            let text = text().new_tree(&mut runner).unwrap().current();
            if let Some(fast) = parse_block_list(&text) {
                assert_eq!(Some(fast), general(&text), "{text}");
                taken += 1;
            } else if std::env::var("SHOW_DECLINED").is_ok() {
                eprintln!("DECLINED ok={} {text:?}", general(&text).is_some());
            }
        }
        assert!(taken * 5 >= total, "fast path took only {taken} of {total}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        #[test]
        fn fast_path_trees_equal_the_general_parser(text in text()) {
            if let Some(fast) = parse_block_list(&text) {
                prop_assert_eq!(Some(fast), general(&text), "{}", text);
            }
        }

        #[test]
        fn fast_path_never_panics(text in "[-a-z:# \n\"'\\[\\]{}|>]{0,80}") {
            if let Some(fast) = parse_block_list(&text) {
                prop_assert_eq!(Some(fast), general(&text), "{}", text);
            }
        }
    }
}
