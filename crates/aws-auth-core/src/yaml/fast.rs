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
    // Bytes, not chars: this scans the whole text, and byte loops stay tight in the wasm build.
    if text.bytes().any(|b| b >= 0x80 || b == b'\r' || b == b'\t') {
        return None;
    }
    let lines = Lines::new(text);
    let first = lines.next_content(0)?;
    let mut p = Parser { text, lines };
    let (root, next) = p.seq(first, p.lines.rows[first].indent)?;
    // Nothing may follow the list but blank and comment lines.
    p.lines.next_content(next).is_none().then_some(root)
}

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
    fn new(text: &str) -> Lines {
        let mut rows = Vec::with_capacity(text.len() / 24 + 1);
        let mut start = 0;
        for line in text.split('\n') {
            let end = start + line.len();
            let rest = line.trim_start_matches(' ');
            let indent = line.len() - rest.len();
            rows.push(Row {
                start,
                end,
                indent,
                skip: rest.is_empty() || rest.starts_with('#'),
            });
            start = end + 1;
        }
        Lines { rows }
    }

    fn next_content(&self, from: usize) -> Option<usize> {
        (from..self.rows.len()).find(|&i| !self.rows[i].skip)
    }
}

struct Parser<'a> {
    text: &'a str,
    lines: Lines,
}

impl Parser<'_> {
    /// A block list whose `-` are at column `indent`, starting on content row `row`.
    /// Returns the node and the row after it.
    fn seq(&mut self, first_row: usize, indent: usize) -> Option<(Node, usize)> {
        let first = self.lines.rows[first_row];
        let dash = first.start + indent;
        let mut items = Vec::new();
        let mut row = first_row;
        loop {
            let r = self.lines.rows[row];
            let line = &self.text[r.start..r.end];
            if r.indent != indent || !line[indent..].starts_with("- ") {
                return None;
            }
            let spaces =
                line[indent + 1..].len() - line[indent + 1..].trim_start_matches(' ').len();
            let after_dash = indent + 1 + spaces;
            let (item, next) = if looks_like_key(&line[after_dash..]) {
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
        let r = self.lines.rows[row];
        r.indent == indent && self.text[r.start + indent..r.end].starts_with("- ")
    }

    /// A block mapping whose keys are at column `col`, the first on row `row`.
    fn map(&mut self, mut row: usize, col: usize) -> Option<(Node, usize)> {
        let mut pairs: Vec<(Node, Node)> = Vec::new();
        loop {
            let r = self.lines.rows[row];
            let line = &self.text[r.start..r.end];
            let (key, after_colon) = self.key(row, col)?;
            let rest = &line[after_colon..];
            let value_text = rest.trim_start_matches(' ');
            let value_col = after_colon + (rest.len() - value_text.len());
            let (value, next) = if value_text.is_empty() || value_text.starts_with('#') {
                // `key:` with the value on the following lines: only a block list is fast.
                if !value_text.is_empty() && rest.len() == value_text.len() {
                    return None;
                }
                let n = self.lines.next_content(row + 1)?;
                let nr = self.lines.rows[n];
                if nr.indent < col || !self.text[nr.start + nr.indent..nr.end].starts_with("- ") {
                    return None;
                }
                self.seq(n, nr.indent)?
            } else {
                if rest.len() == value_text.len() {
                    return None;
                }
                (self.scalar(row, value_col)?, row + 1)
            };
            pairs.push((key, value));
            match self.lines.next_content(next) {
                Some(n)
                    if self.lines.rows[n].indent == col
                        && looks_like_key(
                            &self.text[self.lines.rows[n].start + col..self.lines.rows[n].end],
                        ) =>
                {
                    row = n
                }
                Some(n) if self.lines.rows[n].indent > col => return None,
                Some(n) if self.lines.rows[n].indent == col => return None,
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

    /// The key at `col` of `row` and the offset just past its `:`.
    fn key(&self, row: usize, col: usize) -> Option<(Node, usize)> {
        let r = self.lines.rows[row];
        let line = &self.text[r.start..r.end];
        let s = &line[col..];
        let (value, style, len) = if let Some(body) = s.strip_prefix('"') {
            let close = body.find('"')?;
            let inner = &body[..close];
            if inner.contains('\\') {
                return None;
            }
            (inner.to_string(), ScalarStyle::DoubleQuoted, close + 2)
        } else {
            let len = s
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                .count();
            if len == 0 || s.as_bytes()[0] == b'-' {
                return None;
            }
            (s[..len].to_string(), ScalarStyle::Plain, len)
        };
        if s.as_bytes().get(len) != Some(&b':') {
            return None;
        }
        let node = scalar_node(
            r.start + col,
            r.start + col + len,
            row + 1,
            col,
            value,
            style,
        );
        Some((node, col + len + 1))
    }

    /// A one-line scalar starting at `col` of `row`, ending the line (a comment may follow).
    fn scalar(&self, row: usize, col: usize) -> Option<Node> {
        let r = self.lines.rows[row];
        let line = &self.text[r.start..r.end];
        let s = &line[col..];
        let first = s.bytes().next()?;
        let (value, style, len) = match first {
            b'"' => {
                let mut out = String::new();
                let b = s.as_bytes();
                let mut i = 1;
                loop {
                    match b.get(i)? {
                        b'"' => break,
                        b'\\' => {
                            let (piece, used) = unescape(&s[i + 1..])?;
                            if used == 0 || s[i + 1..].starts_with('\n') {
                                return None;
                            }
                            out.push_str(&piece);
                            i += 1 + used;
                        }
                        &c => {
                            out.push(c as char);
                            i += 1;
                        }
                    }
                }
                (out, ScalarStyle::DoubleQuoted, i + 1)
            }
            b'\'' => {
                let mut out = String::new();
                let b = s.as_bytes();
                let mut i = 1;
                loop {
                    match b.get(i)? {
                        b'\'' if b.get(i + 1) == Some(&b'\'') => {
                            out.push('\'');
                            i += 2;
                        }
                        b'\'' => break,
                        &c => {
                            out.push(c as char);
                            i += 1;
                        }
                    }
                }
                (out, ScalarStyle::SingleQuoted, i + 1)
            }
            c if b"-?:,[]{}#&*!|>%@`".contains(&c) => return None,
            _ => {
                // A comment starts at ` #`; look for `#` first (rare) rather than the pair.
                let comment = s
                    .bytes()
                    .enumerate()
                    .find(|&(i, b)| b == b'#' && i > 0 && s.as_bytes()[i - 1] == b' ')
                    .map(|(i, _)| i - 1);
                let body = match comment {
                    Some(i) => &s[..i],
                    None => s,
                };
                let body = body.trim_end_matches(' ');
                if body.contains(": ") || body.ends_with(':') {
                    return None;
                }
                (body.to_string(), ScalarStyle::Plain, body.len())
            }
        };
        // After a quoted scalar: spaces, then the end or a comment.
        let rest = &s[len..];
        let after = rest.trim_start_matches(' ');
        if !(after.is_empty() || after.starts_with('#') && after.len() < rest.len()) {
            return None;
        }
        let start = r.start + col;
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
fn looks_like_key(s: &str) -> bool {
    let len = if let Some(body) = s.strip_prefix('"') {
        body.find('"').map_or(0, |i| i + 2)
    } else {
        s.bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count()
    };
    len > 0
        && s.as_bytes().get(len) == Some(&b':')
        && matches!(s.as_bytes().get(len + 1), None | Some(b' '))
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
