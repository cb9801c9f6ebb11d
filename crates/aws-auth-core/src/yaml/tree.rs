//! A span-annotated YAML tree built from `saphyr-parser` events.
//!
//! The editor never re-serialises what it did not change, so instead of a value tree it needs
//! to know where every node sits in the source: byte ranges, line and column. This module turns
//! the parser's event stream into exactly that and nothing more.
//!
//! Why one long module (~670 lines of code, then tests): the event-to-tree builder is one state
//! machine over the parser's events, and its span fix-ups need the text it is building from.

use saphyr_parser::{Event, Parser, ScalarStyle as ParserStyle, Span};

/// How a scalar was written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// One node of the tree: its byte range in the source and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Byte offset of the first character of the node (for block scalars: the first content line).
    pub start: usize,
    /// Byte offset just past the last character of the node's content.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 0-based column (in characters) of `start`.
    pub col: usize,
    /// An explicit tag, or an alias copy: the editor never rewrites such a node.
    pub tag: Tag,
    pub kind: NodeKind,
}

/// What an explicit tag (or an alias) means for reading the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    None,
    /// `!!str`, `!!binary` (already decoded), and any tag go-yaml does not resolve (`!foo`,
    /// `!`): a string whatever it looks like.
    Str,
    /// A tag go-yaml resolves (`!!int 5` is the plain `5`), and any tag on a collection: read
    /// as if untagged.
    Other,
    /// A copy of an anchored node made for an alias (`*name`).
    Aliased,
}

impl Tag {
    /// Whether the node reads as a string whatever its text looks like.
    pub fn forces_string(self) -> bool {
        self == Tag::Str
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Seq {
        items: Vec<Node>,
        flow: bool,
    },
    Map {
        pairs: Vec<(Node, Node)>,
        flow: bool,
    },
    /// `*anchor`: we never resolve aliases; an entry that uses one is read but never rewritten.
    Alias,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn scalar_style(&self) -> Option<ScalarStyle> {
        match &self.kind {
            NodeKind::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    pub fn is_flow(&self) -> bool {
        match &self.kind {
            NodeKind::Seq { flow, .. } | NodeKind::Map { flow, .. } => *flow,
            _ => false,
        }
    }

    /// A plain empty scalar: what `key:` with nothing after it parses to.
    pub fn is_empty_plain(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty())
    }

    /// A block scalar: `|` (literal) or `>` (folded).
    pub fn is_block_scalar(&self) -> bool {
        matches!(
            self.scalar_style(),
            Some(ScalarStyle::Literal | ScalarStyle::Folded)
        )
    }
}

/// One document of a stream.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub root: Option<Node>,
}

/// Where and why the text is not YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Converts the parser's character indices to byte offsets.
struct Offsets<'a> {
    text: &'a str,
    /// Byte offset of every character, present only when the text is not pure ASCII.
    table: Option<Vec<usize>>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut t: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            t.push(text.len());
            t
        });
        Offsets { text, table }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.text.len()),
            Some(t) => t.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }
}

/// Parses a whole stream into documents.
///
/// # Errors
/// The first syntax error, with its 1-based line and column.
pub(crate) fn parse_stream(text: &str) -> Result<Vec<Document>, SyntaxError> {
    let offsets = Offsets::new(text);
    let mut builder = Builder {
        offsets: &offsets,
        stack: Vec::new(),
        docs: Vec::new(),
        current: None,
        anchors: Vec::new(),
        decoded: 0,
        aliased: 0,
    };
    let mut parser = Parser::new_from_str(text);
    for item in &mut parser {
        let (event, span) = item.map_err(|e| SyntaxError {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_string(),
        })?;
        if builder.push(event, span)? {
            break;
        }
    }
    Ok(builder.docs)
}

enum Open {
    Seq {
        start: usize,
        line: usize,
        col: usize,
        tag: Tag,
        anchor: usize,
        flow: bool,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        line: usize,
        col: usize,
        tag: Tag,
        anchor: usize,
        flow: bool,
        pairs: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

struct Builder<'a, 'b> {
    offsets: &'a Offsets<'b>,
    stack: Vec<Open>,
    docs: Vec<Document>,
    current: Option<Node>,
    /// Anchored nodes with the parser's anchor id and their size in nodes, for aliases (a
    /// handful at most: a list).
    anchors: Vec<(usize, Node, usize)>,
    /// Nodes read so far, alias copies included, and how many of them are alias copies: the
    /// counts go-yaml keeps to refuse alias bombs (see [`excessive_aliasing`]).
    decoded: usize,
    aliased: usize,
}

impl Builder<'_, '_> {
    /// Feeds one event; returns true at the end of the stream.
    ///
    /// # Errors
    /// An alias that makes the document an alias bomb (see [`excessive_aliasing`]).
    fn push(&mut self, event: Event<'_>, span: Span) -> Result<bool, SyntaxError> {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        let (line, col) = (span.start.line(), span.start.col());
        match event {
            Event::StreamEnd => return Ok(true),
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart(_) => self.current = None,
            Event::DocumentEnd => {
                let root = self.current.take();
                self.docs.push(Document { root });
            }
            Event::Alias(id) => {
                // A copy of the anchored node, as go-yaml reads it; marked so it is never rewritten.
                self.decoded += 1;
                let node = match self.anchors.iter().rev().find(|(a, _, _)| *a == id) {
                    Some((_, anchored, size)) => {
                        // Counted before copying: a dozen lines can otherwise ask for gigabytes.
                        self.decoded += size;
                        self.aliased += size;
                        if excessive_aliasing(self.decoded, self.aliased) {
                            return Err(SyntaxError {
                                line,
                                column: col + 1,
                                message: "document contains excessive aliasing".to_string(),
                            });
                        }
                        Node {
                            tag: Tag::Aliased,
                            ..anchored.clone()
                        }
                    }
                    None => Node {
                        start,
                        end,
                        line,
                        col,
                        tag: Tag::None,
                        kind: NodeKind::Alias,
                    },
                };
                self.attach(node);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ParserStyle::Plain => ScalarStyle::Plain,
                    ParserStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    ParserStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    ParserStyle::Literal => ScalarStyle::Literal,
                    ParserStyle::Folded => ScalarStyle::Folded,
                };
                let end = match style {
                    // The parser's span runs up to the next token; the scalar ends with its last line.
                    ScalarStyle::Literal | ScalarStyle::Folded => {
                        trim_block_end(self.offsets.text, start, end)
                    }
                    // ... and a quoted scalar's span can run over a trailing comment.
                    // The span starts at a tag or anchor before the quote, if any.
                    ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => {
                        let double = style == ScalarStyle::DoubleQuoted;
                        let quote = if double { b'"' } else { b'\'' };
                        let open = self.offsets.text.as_bytes()[start.min(end)..end]
                            .iter()
                            .position(|&c| c == quote)
                            .map_or(start, |i| start + i);
                        quoted_end(self.offsets.text, open, double).unwrap_or(end)
                    }
                    ScalarStyle::Plain => end,
                };
                let mut value = value.into_owned();
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let text_before = self.offsets.text.get(..end).unwrap_or_default();
                if block && value.ends_with('\n') && !text_before.ends_with('\n') {
                    // The last line has no line break (the end of the text): go-yaml adds
                    // none, where YAML 1.2 parsers add one for clip and keep chomping.
                    value.pop();
                }
                let (tag, value, style) = read_tag(tag.as_deref(), value, style);
                let kind = NodeKind::Scalar { value, style };
                let node = Node {
                    start: start.min(end),
                    end,
                    line,
                    col,
                    tag,
                    kind,
                };
                self.decoded += 1;
                if anchor != 0 {
                    self.anchors.push((anchor, node.clone(), 1));
                }
                self.attach(node);
            }
            Event::SequenceStart(anchor, tag) => {
                let flow = opens_flow(self.offsets.text, start, b'[');
                self.stack.push(Open::Seq {
                    start,
                    line,
                    col,
                    tag: if tag.is_some() { Tag::Other } else { Tag::None },
                    anchor,
                    flow,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                let flow = opens_flow(self.offsets.text, start, b'{');
                let pairs = Vec::new();
                self.stack.push(Open::Map {
                    start,
                    line,
                    col,
                    tag: if tag.is_some() { Tag::Other } else { Tag::None },
                    anchor,
                    flow,
                    pairs,
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.stack.pop() {
                    let (node, anchor) = close(open, end, self.offsets.text);
                    self.decoded += 1;
                    if anchor != 0 {
                        let size = node_count(&node);
                        self.anchors.push((anchor, node.clone(), size));
                    }
                    self.attach(node);
                }
            }
        }
        Ok(false)
    }

    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.current = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { pairs, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => pairs.push((k, node)),
            },
        }
    }
}

/// Nodes in a tree, counting itself.
fn node_count(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Seq { items, .. } => items.iter().map(node_count).sum(),
        NodeKind::Map { pairs, .. } => pairs
            .iter()
            .map(|(k, v)| node_count(k) + node_count(v))
            .sum(),
        NodeKind::Scalar { .. } | NodeKind::Alias => 0,
    }
}

/// go-yaml's rule against alias bombs ("document contains excessive aliasing"): once more than
/// 100 of more than 1,000 decoded nodes come from aliases, at most 99% may (for documents up to
/// 400,000 nodes), falling to 10% at 4,000,000. The authenticator drops a key that breaks it,
/// and so does the API server's YAML reader for a manifest.
fn excessive_aliasing(decoded: usize, aliased: usize) -> bool {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    if aliased <= 100 || decoded <= 1000 {
        return false;
    }
    let n = decoded as f64;
    let allowed = if n <= LOW {
        0.99
    } else if n >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((n - LOW) / (HIGH - LOW))
    };
    aliased as f64 / n > allowed
}

/// The finished collection and its anchor id (0: none).
fn close(open: Open, end_event_end: usize, text: &str) -> (Node, usize) {
    match open {
        Open::Seq {
            start,
            line,
            col,
            tag,
            anchor,
            flow,
            items,
        } => {
            let end = if flow {
                end_event_end
            } else {
                items.last().map_or(start, |n| n.end)
            };
            // The parser puts a block sequence's start either at its first `-` or at the first
            // item's content; always use the `-`.
            let (start, col) = match items.first() {
                Some(first) if !flow => {
                    // Strictly before the item: a plain item may itself start with `-`; the
                    // `-` of a block scalar's header (`|-`) ends its line.
                    let before = text.as_bytes().get(..first.start).unwrap_or_default();
                    let dash = before
                        .iter()
                        .enumerate()
                        .rev()
                        .find(|&(i, &c)| {
                            c == b'-'
                                && !matches!(before.get(i + 1), Some(b'\n' | b'\r'))
                                && (i == 0 || before[i - 1] != b'|' && before[i - 1] != b'>')
                        })
                        .map_or(start, |(i, _)| i);
                    let line_start = text[..dash].rfind('\n').map_or(0, |i| i + 1);
                    (dash, text[line_start..dash].chars().count())
                }
                _ => (start, col),
            };
            let kind = NodeKind::Seq { items, flow };
            (
                Node {
                    start,
                    end,
                    line,
                    col,
                    tag,
                    kind,
                },
                anchor,
            )
        }
        Open::Map {
            start,
            line,
            col,
            tag,
            anchor,
            flow,
            pairs,
            ..
        } => {
            let end = if flow {
                flow_map_end(text, end_event_end)
            } else {
                pairs.last().map_or(start, |(k, v)| {
                    if v.is_empty_plain() && v.end <= k.end {
                        // `key:` with nothing after it: the pair ends after its colon.
                        let after = text.get(k.end..).unwrap_or_default();
                        k.end + after.find(':').map_or(0, |i| i + 1)
                    } else {
                        v.end
                    }
                })
            };
            let kind = NodeKind::Map {
                pairs: merge_keys(pairs),
                flow,
            };
            (
                Node {
                    start,
                    end,
                    line,
                    col,
                    tag,
                    kind,
                },
                anchor,
            )
        }
    }
}

/// Whether the collection whose event starts at `start` opens with `bracket`: at `start`, or
/// after its anchor and tag (`&a {`, `!!seq [`).
fn opens_flow(text: &str, start: usize, bracket: u8) -> bool {
    let b = text.as_bytes();
    let mut i = start;
    while let Some(&c) = b.get(i) {
        match c {
            b'&' | b'!' => {
                while b
                    .get(i)
                    .is_some_and(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
                {
                    i += 1;
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => return c == bracket,
        }
    }
    false
}

/// Just past the `}` of a flow mapping. After a trailing comma (`{"a": "b",}`, which go-yaml
/// accepts) the parser ends the mapping at the comma; the `}` follows after blanks.
fn flow_map_end(text: &str, end_event_end: usize) -> usize {
    let b = text.as_bytes();
    let mut i = end_event_end;
    if i == 0 || b.get(i - 1) == Some(&b'}') {
        return i;
    }
    while let Some(&c) = b.get(i) {
        match c {
            b'}' => return i + 1,
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => break,
        }
    }
    end_event_end
}

/// Just past the closing quote of the quoted scalar starting at `start`.
fn quoted_end(text: &str, start: usize, double: bool) -> Option<usize> {
    let b = text.as_bytes();
    let quote = if double { b'"' } else { b'\'' };
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if double => i += 2,
            c if c == quote && !double && b.get(i + 1) == Some(&quote) => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// What a tag on a scalar means for reading it, as go-yaml v2 decodes into `interface{}`:
/// `!!str` and `!!binary` (decoded) are strings; `!!int 5`, `!!bool`, `!!null`, `!!float`,
/// `!!timestamp` are resolved as the plain value; any other tag (`!`, `!foo`, `!!foo`) is one
/// go-yaml does not resolve, so the text is a string whatever it looks like. Verbatim tags
/// (`!<tag:yaml.org,2002:str>`) mean the same as their short forms.
fn read_tag(
    tag: Option<&saphyr_parser::Tag>,
    value: String,
    style: ScalarStyle,
) -> (Tag, String, ScalarStyle) {
    let Some(tag) = tag else {
        return (Tag::None, value, style);
    };
    let core = match (tag.handle.as_str(), tag.suffix.as_str()) {
        ("!!" | "tag:yaml.org,2002:", suffix) => Some(suffix),
        ("", verbatim) => verbatim.strip_prefix("tag:yaml.org,2002:"),
        _ => None,
    };
    match core {
        Some("binary") => match decode_base64(&value) {
            Some(decoded) => (Tag::Str, decoded, style),
            None => (Tag::Str, value, style),
        },
        Some("int" | "float" | "bool" | "null" | "timestamp") => {
            (Tag::Other, value, ScalarStyle::Plain)
        }
        _ => (Tag::Str, value, style),
    }
}

/// Standard base64 (whitespace ignored) to ASCII text.
fn decode_base64(s: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    // ASCII only: enough for the text fields of aws-auth, and keeps a UTF-8 validator out of
    // the wasm build; other binary content is left as written.
    out.iter()
        .all(u8::is_ascii)
        .then(|| out.into_iter().map(char::from).collect())
}

/// Expands YAML merge keys (`<<: *base`, `<<: [*a, *b]`) in place, as go-yaml v2 does: the
/// merged pairs take the `<<` pair's position, so later keys override them.
fn merge_keys(pairs: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge = |k: &Node| {
        k.as_str() == Some("<<")
            && k.scalar_style() == Some(ScalarStyle::Plain)
            && k.tag == Tag::None
    };
    if !pairs
        .iter()
        .any(|(k, v)| is_merge(k) && v.tag == Tag::Aliased)
    {
        return pairs;
    }
    let mut out = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        if !is_merge(&k) {
            out.push((k, v));
            continue;
        }
        let sources: Vec<Node> = match v.kind {
            NodeKind::Map { .. } => vec![v],
            NodeKind::Seq { items, .. } => items,
            _ => {
                out.push((k, v));
                continue;
            }
        };
        for source in sources {
            if let NodeKind::Map { pairs, .. } = source.kind {
                // Marked as alias copies: an entry built from them is never rewritten.
                out.extend(pairs.into_iter().map(|(k, v)| {
                    (
                        Node {
                            tag: Tag::Aliased,
                            ..k
                        },
                        Node {
                            tag: Tag::Aliased,
                            ..v
                        },
                    )
                }));
            }
        }
    }
    out
}

/// Moves a block scalar's end back from the next token to just after its last line break.
/// Without content the scalar starts at that token too: the end goes back before `start`,
/// to the header's line break, so that replacing the value keeps the next line.
fn trim_block_end(text: &str, start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut e = end.min(bytes.len());
    let floor = if start >= e { 0 } else { start };
    while e > floor && bytes[e - 1] == b' ' {
        e -= 1;
    }
    if e > floor && bytes[e - 1] == b'\n' {
        e
    } else {
        end.min(bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse_stream(text).unwrap().remove(0).root.unwrap()
    }

    #[test]
    fn block_mapping_spans_cover_key_and_value_text() {
        let text = "a: one\nb:\n  - x\n  - y\n";
        let NodeKind::Map { pairs, flow } = root(text).kind else {
            panic!()
        };
        assert!(!flow);
        assert_eq!(&text[pairs[0].1.start..pairs[0].1.end], "one");
        let seq = &pairs[1].1;
        assert_eq!(&text[seq.start..seq.end], "- x\n  - y");
    }

    #[test]
    fn flow_collections_span_their_brackets() {
        let text = r#"[{"a":"b","c":["d"]}, {"e": 1}]"#;
        let node = root(text);
        assert!(node.is_flow());
        assert_eq!((node.start, node.end), (0, text.len()));
        let NodeKind::Seq { items, .. } = node.kind else {
            panic!()
        };
        assert_eq!(&text[items[1].start..items[1].end], r#"{"e": 1}"#);
    }

    #[test]
    fn a_flow_mapping_with_a_trailing_comma_ends_at_its_brace() {
        let text = "[{\"a\": \"b\",\n }, {c: d, }]";
        let NodeKind::Seq { items, .. } = root(text).kind else {
            panic!()
        };
        assert_eq!(&text[items[0].start..items[0].end], "{\"a\": \"b\",\n }");
        assert_eq!(&text[items[1].start..items[1].end], "{c: d, }");
    }

    #[test]
    fn literal_block_ends_after_its_last_line() {
        let text = "k: |\n  one\n  two\nnext: 1\n";
        let NodeKind::Map { pairs, .. } = root(text).kind else {
            panic!()
        };
        let v = &pairs[0].1;
        assert_eq!(v.as_str(), Some("one\ntwo\n"));
        assert_eq!(&text[v.start..v.end], "one\n  two\n");
    }

    #[test]
    fn non_ascii_text_gets_byte_offsets() {
        let text = "a: héllo\nb: x\n";
        let NodeKind::Map { pairs, .. } = root(text).kind else {
            panic!()
        };
        assert_eq!(&text[pairs[1].1.start..pairs[1].1.end], "x");
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse_stream("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line >= 1, "{err:?}");
    }
}
