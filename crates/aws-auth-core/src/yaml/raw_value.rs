//! The bridge between a data value as written in the manifest (a block literal, a quoted string)
//! and its decoded text, so that an edit of the decoded text rewrites only the raw bytes it
//! touches.
//!
//! Decoding records, for each position of the decoded text, where it came from; encoding writes
//! new text in the same style. When a value cannot be mapped exactly (folded blocks, multi-line
//! plain scalars, text a style cannot hold), the caller rewrites the whole value instead.
//!
//! Over 600 lines only with its tests (~480 lines of code).

use super::scalar::double_quoted;
use super::tree::{Node, ScalarStyle};

/// A span of the new decoded text: either copied from the old one, or written fresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Keep(std::ops::Range<usize>),
    Write(String),
}

impl Piece {
    /// Bytes this piece contributes to the new text.
    pub fn len(&self) -> usize {
        match self {
            Piece::Keep(r) => r.len(),
            Piece::Write(s) => s.len(),
        }
    }
}

/// Where a data value sits in the manifest and how its decoded text maps onto raw bytes.
#[derive(Debug, Clone)]
pub(crate) struct RawValue {
    style: RawStyle,
    /// Raw offset of decoded position 0 and of the decoded end.
    start: usize,
    end: usize,
    decoded_len: usize,
    map: PositionMap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawStyle {
    Literal { indent: usize },
    DoubleQuoted,
    SingleQuoted,
}

#[derive(Debug, Clone)]
enum PositionMap {
    /// Block literal: one row per decoded line: (decoded line start, raw line start, raw content start).
    Lines(Vec<(usize, usize, usize)>),
    /// Quoted: linear runs starting at (decoded, raw).
    Runs(Vec<(usize, usize)>),
}

impl RawValue {
    /// Maps a value node. `None` when the value's raw form cannot be mapped exactly.
    pub fn map(text: &str, header_from: usize, node: &Node) -> Option<RawValue> {
        let decoded = node.as_str()?;
        let raw = match node.scalar_style()? {
            // Compared while it is decoded: no copy of a mebibyte value is built.
            ScalarStyle::Literal => return map_literal(text, header_from, node, decoded),
            ScalarStyle::DoubleQuoted => map_quoted(text, node, true)?,
            ScalarStyle::SingleQuoted => map_quoted(text, node, false)?,
            ScalarStyle::Plain | ScalarStyle::Folded => return None,
        };
        same_but_trailing_space(decoded, &raw.0).then_some(raw.1)
    }

    /// Bytes of the decoded text, as a parser reads the raw value.
    pub fn decoded_len(&self) -> usize {
        self.decoded_len
    }

    fn raw_offset(&self, pos: usize) -> usize {
        if pos >= self.decoded_len {
            return self.end;
        }
        match &self.map {
            PositionMap::Lines(rows) => {
                let i = rows.partition_point(|r| r.0 <= pos).saturating_sub(1);
                let (line, raw_line, raw_content) = rows[i];
                if pos == line {
                    raw_line
                } else {
                    raw_content + (pos - line)
                }
            }
            PositionMap::Runs(runs) => {
                let i = runs.partition_point(|r| r.0 <= pos).saturating_sub(1);
                let (d, r) = runs[i];
                r + (pos - d)
            }
        }
    }

    /// Writes `pieces` (the new decoded text) back into `text`, changing only the raw bytes of the
    /// pieces that are new. `None` when a new piece cannot be written in this value's style.
    pub fn splice(&self, text: &str, old_decoded: &str, pieces: &[Piece]) -> Option<String> {
        let mut out = String::with_capacity(text.len() + 64);
        out.push_str(&text[..self.start]);
        // Whether the next decoded character starts a line, for the literal's indentation.
        let mut at_line_start = true;
        for piece in pieces {
            match piece {
                Piece::Keep(r) => {
                    if r.is_empty() {
                        continue;
                    }
                    out.push_str(text.get(self.raw_offset(r.start)..self.raw_offset(r.end))?);
                    at_line_start = old_decoded.get(..r.end)?.ends_with('\n');
                }
                Piece::Write(s) => {
                    if s.is_empty() {
                        continue;
                    }
                    // A literal whose last line has no line break: the decoded text has one.
                    let literal = matches!(self.style, RawStyle::Literal { .. });
                    if literal && at_line_start && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    self.encode(s, at_line_start, &mut out)?;
                    at_line_start = s.ends_with('\n');
                }
            }
        }
        out.push_str(&text[self.end..]);
        Some(out)
    }

    fn encode(&self, s: &str, mut at_line_start: bool, out: &mut String) -> Option<()> {
        match self.style {
            RawStyle::Literal { indent } => {
                for c in s.chars() {
                    if c == '\n' {
                        out.push('\n');
                        at_line_start = true;
                        continue;
                    }
                    if c != '\t' && c.is_control() {
                        return None;
                    }
                    if at_line_start {
                        out.extend(std::iter::repeat_n(' ', indent));
                        at_line_start = false;
                    }
                    out.push(c);
                }
            }
            RawStyle::DoubleQuoted => {
                let q = double_quoted(s);
                out.push_str(&q[1..q.len() - 1]);
            }
            RawStyle::SingleQuoted => {
                if s.chars().any(|c| c == '\n' || c.is_control()) {
                    return None;
                }
                out.push_str(&s.replace('\'', "''"));
            }
        }
        Some(())
    }
}

/// The raw bytes a value written in place of the block scalar `value` (of the key ending at
/// `key_end`) replaces: from its `|`/`>` header to its end, less its final line break, which
/// stays to end the line of what replaces it. `None` for a value that is not a block scalar.
pub(crate) fn block_scalar_span(
    text: &str,
    key_end: usize,
    value: &Node,
) -> Option<std::ops::Range<usize>> {
    if !value.is_block_scalar() {
        return None;
    }
    let after_colon = key_end + text.get(key_end..)?.find(':')? + 1;
    let rest = text.get(after_colon..)?;
    let header = after_colon + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    let end = if text.get(..value.end)?.ends_with('\n') {
        value.end - 1
    } else {
        value.end
    };
    Some(header.min(end)..end)
}

/// Whether two decoded values are equal up to whitespace at the end. Parsers disagree on
/// trailing blank lines at the end of a stream (a last line of spaces without a line break);
/// those belong to the value's end like its final line break, and mean nothing to the list in it.
pub(crate) fn same_but_trailing_space(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    long.starts_with(short) && long[short.len()..].trim().is_empty()
}

/// Decodes a block literal from its raw lines, recording each line's position.
/// Maps a block literal whose decoded text must be `expected` (up to trailing whitespace, on
/// which parsers disagree at the end of a stream).
fn map_literal(text: &str, header_from: usize, node: &Node, expected: &str) -> Option<RawValue> {
    let bytes = text.as_bytes();
    let header = header_from + text.get(header_from..node.start)?.find('|')?;
    let header_end = header + text[header..].find('\n')?;
    let indicators = text[header + 1..header_end].split('#').next()?.trim();
    let chomp = if indicators.contains('-') {
        '-'
    } else if indicators.contains('+') {
        '+'
    } else {
        ' '
    };
    let explicit = indicators
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10));
    let content_start = header_end + 1;
    let content_end = node.end.max(content_start);
    let region = &text[content_start..content_end];
    let indent = match explicit {
        Some(d) => d as usize + line_indent(text, header),
        // An empty value (`mapRoles: |` emptied by a remove) is not spliced: it is written
        // whole (see `manifest::fill_empty`).
        None => region
            .lines()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start_matches(' ').len()),
    };
    // Every raw line of the region: (raw start, raw content start, content, ends with break).
    // Bytes and plain loops: this runs over every line of a mebibyte value, and `str` searches
    // are out-of-line calls in the size-optimised wasm build. Line breaks and spaces are ASCII,
    // so the offsets found are character boundaries.
    let mut lines: Vec<(usize, usize, &[u8], bool)> = Vec::new();
    let mut seen_content = false;
    let mut pos = content_start;
    while pos < content_end {
        let mut line_end = pos;
        while line_end < content_end && bytes[line_end] != b'\n' {
            line_end += 1;
        }
        let has_break = line_end < content_end;
        let line = &bytes[pos..line_end];
        let mut spaces = 0;
        while spaces < line.len() && line[spaces] == b' ' {
            spaces += 1;
        }
        // A last line of spaces with no line break is trailing whitespace, whatever its length.
        let is_blank = spaces == line.len() && (line.len() <= indent || !has_break);
        if !is_blank && spaces < indent {
            return None;
        }
        // YAML takes the indentation from the first line with content and rejects a blank
        // line before it with more spaces.
        let spaces_only = spaces == line.len();
        if explicit.is_none() && !seen_content && spaces_only && line.len() > indent {
            return None;
        }
        seen_content |= !spaces_only;
        let content_at = if is_blank { line_end } else { pos + indent };
        lines.push((pos, content_at, &bytes[content_at..line_end], has_break));
        pos = line_end + 1;
    }
    let last_content = lines.iter().rposition(|l| !l.2.is_empty());
    let keep_lines = match (chomp, last_content) {
        ('+', _) => lines.len(),
        (_, Some(i)) => i + 1,
        (_, None) => 0,
    };
    let mut decoded = Matcher {
        expected: expected.as_bytes(),
        len: 0,
        same: true,
        last: None,
    };
    let mut rows = Vec::with_capacity(keep_lines + 1);
    for (i, (raw_line, raw_content, content, has_break)) in
        lines.iter().take(keep_lines).enumerate()
    {
        rows.push((decoded.len, *raw_line, *raw_content));
        decoded.push(content);
        let is_last = i + 1 == keep_lines;
        if *has_break && !(is_last && chomp == '-') {
            decoded.push(b"\n");
        }
    }
    if !decoded.finish() {
        return None;
    }
    // The decoded end: after the last kept line break, or after the last character (strip).
    let end = match lines.get(keep_lines.wrapping_sub(1)) {
        Some((_, raw_content, content, has_break)) => {
            let after = raw_content + content.len();
            if *has_break && chomp != '-' {
                after + 1
            } else {
                after
            }
        }
        None => content_start.min(bytes.len()),
    };
    if decoded.ends_with_break() || decoded.len == 0 {
        rows.push((decoded.len, end, end));
    }
    let start = rows.first().map_or(end, |r| r.1);
    let value = RawValue {
        style: RawStyle::Literal { indent },
        start,
        end,
        decoded_len: decoded.len,
        map: PositionMap::Lines(rows),
    };
    Some(value)
}

/// Compares decoded text with the expected text as it is produced.
struct Matcher<'e> {
    expected: &'e [u8],
    /// Bytes decoded so far.
    len: usize,
    /// Equal so far, allowing whitespace past the expected end.
    same: bool,
    /// The last byte decoded.
    last: Option<u8>,
}

impl Matcher<'_> {
    fn push(&mut self, b: &[u8]) {
        let have = self.expected.len().saturating_sub(self.len).min(b.len());
        let (inside, beyond) = b.split_at(have);
        let inside_same = have == 0 || self.expected.get(self.len..self.len + have) == Some(inside);
        self.same &= inside_same && beyond.iter().all(u8::is_ascii_whitespace);
        self.len += b.len();
        self.last = b.last().copied().or(self.last);
    }

    fn ends_with_break(&self) -> bool {
        self.last == Some(b'\n')
    }

    /// Whether the whole decoded text equals the expected one up to trailing whitespace.
    fn finish(&self) -> bool {
        self.same
            && self
                .expected
                .get(self.len..)
                .is_none_or(|rest| rest.iter().all(u8::is_ascii_whitespace))
    }
}

fn line_indent(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..].len() - text[line_start..].trim_start_matches(' ').len()
}

/// Decodes a single- or double-quoted scalar, recording a run after every escape or fold.
fn map_quoted(text: &str, node: &Node, double: bool) -> Option<(String, RawValue)> {
    let raw = text.get(node.start + 1..node.end.checked_sub(1)?)?;
    let base = node.start + 1;
    let mut decoded = String::with_capacity(raw.len());
    let mut runs = vec![(0, base)];
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if double && c == b'\\' {
            let (s, used) = unescape(&raw[i + 1..])?;
            decoded.push_str(&s);
            i += 1 + used;
            runs.push((decoded.len(), base + i));
        } else if !double && c == b'\'' && b.get(i + 1) == Some(&b'\'') {
            decoded.push('\'');
            i += 2;
            runs.push((decoded.len(), base + i));
        } else if c == b'\n' || c == b' ' || c == b'\t' {
            // Whitespace runs that contain a line break fold; others are literal.
            let ws_end = i + raw[i..]
                .bytes()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .count();
            let ws = &raw[i..ws_end];
            let breaks = ws.matches('\n').count();
            if breaks == 0 {
                decoded.push_str(ws);
            } else {
                if breaks == 1 {
                    decoded.push(' ');
                } else {
                    decoded.extend(std::iter::repeat_n('\n', breaks - 1));
                }
                runs.push((decoded.len(), base + ws_end));
            }
            i = ws_end;
        } else {
            let ch = raw[i..].chars().next()?;
            decoded.push(ch);
            i += ch.len_utf8();
        }
    }
    let style = if double {
        RawStyle::DoubleQuoted
    } else {
        RawStyle::SingleQuoted
    };
    let value = RawValue {
        style,
        start: base,
        end: base + raw.len(),
        decoded_len: decoded.len(),
        map: PositionMap::Runs(runs),
    };
    Some((decoded, value))
}

/// One escape after the backslash: the decoded text and the raw bytes used.
pub(crate) fn unescape(s: &str) -> Option<(String, usize)> {
    let c = s.chars().next()?;
    let simple = match c {
        '0' => Some('\0'),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        't' | '\t' => Some('\t'),
        'n' => Some('\n'),
        'v' => Some('\u{b}'),
        'f' => Some('\u{c}'),
        'r' => Some('\r'),
        'e' => Some('\u{1b}'),
        ' ' => Some(' '),
        '"' => Some('"'),
        '/' => Some('/'),
        '\\' => Some('\\'),
        'N' => Some('\u{85}'),
        '_' => Some('\u{a0}'),
        'L' => Some('\u{2028}'),
        'P' => Some('\u{2029}'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Some((ch.to_string(), c.len_utf8()));
    }
    let hex_len = match c {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        '\n' => {
            // An escaped line break joins the lines and drops the next line's indentation.
            let skip = 1 + s[1..]
                .bytes()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            return Some((String::new(), skip));
        }
        _ => return None,
    };
    let hex = s.get(1..1 + hex_len)?;
    let code = u32::from_str_radix(hex, 16).ok()?;
    let ch = char::from_u32(code)?;
    Some((ch.to_string(), 1 + hex_len))
}

/// A whole data value written fresh: a block literal in YAML, a JSON string in JSON.
pub(crate) fn render_value(decoded: &str, json: bool, indent: usize) -> String {
    let first_line_indented = decoded.starts_with([' ', '\t']);
    let has_control = decoded
        .chars()
        .any(|c| c != '\n' && c != '\t' && c.is_control());
    if json || decoded.is_empty() || first_line_indented || has_control || !decoded.contains('\n') {
        return double_quoted(decoded);
    }
    let trailing = decoded.len() - decoded.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let mut out = format!("|{chomp}");
    for line in decoded.trim_end_matches('\n').split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(line);
        }
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree::{NodeKind, parse_stream};

    fn value_of(text: &str) -> (Node, usize) {
        let root = parse_stream(text).unwrap().remove(0).root.unwrap();
        let NodeKind::Map { mut pairs, .. } = root.kind else {
            panic!()
        };
        let (k, v) = pairs.remove(0);
        (v, k.end)
    }

    fn roundtrip(text: &str, edit: impl Fn(&str) -> Vec<Piece>) -> String {
        let (node, key_end) = value_of(text);
        let raw = RawValue::map(text, key_end, &node).expect("mappable");
        let decoded = node.as_str().unwrap();
        raw.splice(text, decoded, &edit(decoded))
            .expect("encodable")
    }

    #[test]
    fn untouched_literal_round_trips_byte_for_byte() {
        let text = "k: |\n    - a\n\n    - b   \n  \n    # c\nz: 1\n";
        assert_eq!(roundtrip(text, |d| vec![Piece::Keep(0..d.len())]), text);
    }

    #[test]
    fn literal_insertion_is_indented_and_local() {
        let text = "k: |\n  - a\n  - b\nz: 1\n";
        let out = roundtrip(text, |d| {
            let at = d.find("- b").unwrap();
            vec![
                Piece::Keep(0..at),
                Piece::Write("- new\n".into()),
                Piece::Keep(at..d.len()),
            ]
        });
        assert_eq!(out, "k: |\n  - a\n  - new\n  - b\nz: 1\n");
    }

    #[test]
    fn strip_chomped_literal_appends_before_the_final_break() {
        let text = "k: |-\n  - a\nz: 1\n";
        let out = roundtrip(text, |d| {
            vec![Piece::Keep(0..d.len()), Piece::Write("\n- b".into())]
        });
        assert_eq!(out, "k: |-\n  - a\n  - b\nz: 1\n");
    }

    #[test]
    fn double_quoted_json_keeps_its_escapes() {
        let text = "{\"k\": \"[{\\\"a\\\": \\\"x\\u0041\\\"}]\", \"z\": 1}";
        let out = roundtrip(text, |d| {
            let at = d.len() - 1;
            vec![
                Piece::Keep(0..at),
                Piece::Write(",{\"b\":\"y\"}".into()),
                Piece::Keep(at..d.len()),
            ]
        });
        assert_eq!(
            out,
            "{\"k\": \"[{\\\"a\\\": \\\"x\\u0041\\\"},{\\\"b\\\":\\\"y\\\"}]\", \"z\": 1}"
        );
    }

    #[test]
    fn single_quoted_doubles_its_quotes() {
        let text = "k: '[{\"a\":\"it''s\"}]'\n";
        let out = roundtrip(text, |d| {
            let at = d.len() - 1;
            vec![
                Piece::Keep(0..at),
                Piece::Write(",{\"b\":\"o'k\"}".into()),
                Piece::Keep(at..d.len()),
            ]
        });
        assert_eq!(out, "k: '[{\"a\":\"it''s\"},{\"b\":\"o''k\"}]'\n");
    }

    #[test]
    fn rendered_values_parse_back() {
        for decoded in ["- a\n  b: 1\n", "- a", "[]", "x\n\n", " lead\n"] {
            for json in [false, true] {
                let text = format!("k: {}\n", render_value(decoded, json, 2));
                let (node, _) = value_of(&text);
                assert_eq!(node.as_str(), Some(decoded), "{text}");
            }
        }
    }
}
#[cfg(test)]
mod eof_tests {
    use super::*;
    use crate::yaml::tree::{NodeKind, parse_stream};
    #[test]
    fn trailing_spaces_at_eof_survive_an_append() {
        let text = "k: |\n  - a\n    ";
        let root = parse_stream(text).unwrap().remove(0).root.unwrap();
        let NodeKind::Map { mut pairs, .. } = root.kind else {
            panic!()
        };
        let (k, v) = pairs.remove(0);
        let raw = RawValue::map(text, k.end, &v).expect("mappable");
        let d = v.as_str().unwrap();
        let out = raw
            .splice(
                text,
                d,
                &[Piece::Keep(0..d.len()), Piece::Write("- b\n".into())],
            )
            .unwrap();
        assert_eq!(out, "k: |\n  - a\n  - b\n    ");
    }
}
