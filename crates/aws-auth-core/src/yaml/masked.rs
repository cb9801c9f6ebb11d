//! Parsing a manifest without tokenizing its big block scalars.
//!
//! A `mapRoles: |` value can be a mebibyte of text that the general parser scans character by
//! character only to hand it back as one string. Here the content of each plain block literal
//! is replaced by a one-line placeholder, the much shorter text is parsed, and the literals are
//! decoded by the line rules directly and put back, with every position mapped to the original
//! text. Anything unusual (tabs, indentation indicators, a literal that ends the text without a
//! line break, a line that might sit inside a multi-line quoted or flow scalar) is left to the
//! general parser: [`parse_stream`] is then called on the original text.

use super::tree::{Document, Node, NodeKind, ScalarStyle, SyntaxError, parse_stream};

/// Literals shorter than this are not worth masking (any size in tests, to exercise masking).
#[cfg(not(test))]
const MIN_CONTENT: usize = 4096;
#[cfg(test)]
const MIN_CONTENT: usize = 1;

/// One masked literal: where its content is in the original text and in the masked one.
struct Region {
    /// Original content: from the first content line's start to the end of its last line.
    orig: std::ops::Range<usize>,
    /// The placeholder line in the masked text.
    masked: std::ops::Range<usize>,
    /// Lines removed by masking (content lines minus the one placeholder line).
    lines_removed: usize,
    /// Decoded value (clip chomping).
    value: String,
    /// 1-based line and 0-based column of the first content character in the original.
    line: usize,
    col: usize,
}

/// Parses like [`parse_stream`], faster on manifests with large block literals.
///
/// # Errors
/// As [`parse_stream`] (syntax errors are always those of the original text).
pub(crate) fn parse_manifest(text: &str) -> Result<Vec<Document>, SyntaxError> {
    match mask(text) {
        Some((masked, mut regions)) if !regions.is_empty() => match parse_stream(&masked) {
            Ok(mut docs) => {
                for doc in &mut docs {
                    if let Some(root) = &mut doc.root {
                        unmask(root, &mut regions);
                    }
                }
                Ok(docs)
            }
            // Errors are reported as the original text has them.
            Err(_) => parse_stream(text),
        },
        _ => parse_stream(text),
    }
}

/// The masked text and its regions, or `None` where masking is not known to be safe.
fn mask(text: &str) -> Option<(String, Vec<Region>)> {
    // Byte loops throughout: they stay tight in the wasm build, char iterators do not.
    if text.len() < MIN_CONTENT || text.bytes().any(|b| b >= 0x80 || b == b'\t' || b == b'\r') {
        return None;
    }
    let lines: Vec<(usize, &str)> = {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(text.len() / 24 + 1);
        let mut start = 0;
        loop {
            let mut end = start;
            while end < bytes.len() && bytes[end] != b'\n' {
                end += 1;
            }
            out.push((start, &text[start..end]));
            if end == bytes.len() {
                break out;
            }
            start = end + 1;
        }
    };
    let mut regions = Vec::new();
    let mut masked = String::with_capacity(text.len() / 8);
    let mut copied = 0; // original offset copied so far
    let mut i = 0;
    while i < lines.len() {
        let (_, line) = lines[i];
        if !line_is_simple(line) {
            return None;
        }
        let Some(parent) = line.contains('|').then(|| literal_header(line)).flatten() else {
            i += 1;
            continue;
        };
        // Content: lines indented deeper than the first content line's indentation `n > parent`,
        // or blank; it ends at the first less-indented non-blank line.
        let first = i + 1;
        let Some(first_content) = (first..lines.len()).find(|&j| !blank(lines[j].1)) else {
            break;
        };
        if first_content != first {
            return None; // leading blank lines: leave to the general parser
        }
        let n = indent(lines[first].1);
        if n <= parent {
            i += 1;
            continue; // an empty literal: nothing to mask
        }
        let mut end = first;
        while end < lines.len() && (blank(lines[end].1) || indent(lines[end].1) >= n) {
            end += 1;
        }
        // Trailing blank lines belong to the chomping, not to us; and there must be a line
        // break after the last content line (so not the text's last line).
        // (A line of spaces longer than the indentation is content, not an empty line.)
        while end > first && blank(lines[end - 1].1) && lines[end - 1].1.len() <= n {
            end -= 1;
        }
        if end >= lines.len() || end == first {
            return None;
        }
        let next = lines[end].1;
        if !blank(next) && indent(next) > parent {
            return None; // less indented than the content but deeper than the key: an error
        }
        let orig = lines[first].0..lines[end].0;
        if orig.len() < MIN_CONTENT {
            i = end;
            continue;
        }
        let mut value = String::with_capacity(orig.len());
        for &(_, l) in &lines[first..end] {
            if l.len() > n {
                value.push_str(&l[n..]);
            }
            value.push('\n');
        }
        masked.push_str(&text[copied..orig.start]);
        let placeholder_start = masked.len();
        masked.push_str(&" ".repeat(n));
        masked.push_str("x\n");
        regions.push(Region {
            orig: orig.clone(),
            masked: placeholder_start..masked.len(),
            lines_removed: end - first - 1,
            value,
            line: first + 1,
            col: n,
        });
        copied = orig.end;
        i = end;
    }
    masked.push_str(&text[copied..]);
    Some((masked, regions))
}

/// A line the scanner understands without context: no quote or bracket left open, so it
/// cannot be the middle of a multi-line quoted or flow scalar.
fn line_is_simple(line: &str) -> bool {
    let mut double = false;
    let mut single = false;
    let mut depth: i32 = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\\' if double => i += 1,
            b'"' if !single => double = !double,
            b'\'' if !double => single = !single,
            b'[' | b'{' if !double && !single => depth += 1,
            b']' | b'}' if !double && !single => depth -= 1,
            b'#' if !double && !single && (i == 0 || bytes[i - 1] == b' ') => break,
            _ => {}
        }
        i += 1;
    }
    // An apostrophe in plain text (`it's`) also leaves `single` set: not simple, which only
    // means the general parser reads this manifest.
    !double && !single && depth == 0
}

/// The indentation of `key: |` (a plain literal header with no indicators), if the line is one.
fn literal_header(line: &str) -> Option<usize> {
    let body = line.trim_start_matches(' ');
    let parent = line.len() - body.len();
    let body = body.split(" #").next()?.trim_end();
    let head = body.strip_suffix('|')?.trim_end().strip_suffix(':')?;
    let key = head.trim_matches('"');
    let plain_key = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    plain_key.then_some(parent)
}

fn indent(line: &str) -> usize {
    let b = line.as_bytes();
    let mut n = 0;
    while n < b.len() && b[n] == b' ' {
        n += 1;
    }
    n
}

/// Only spaces (or nothing).
fn blank(line: &str) -> bool {
    indent(line) == line.len()
}

/// Maps a masked-text node back onto the original text, putting the literals back.
fn unmask(node: &mut Node, regions: &mut [Region]) {
    let literal = node.scalar_style() == Some(ScalarStyle::Literal);
    if let Some(i) = regions
        .iter()
        .position(|r| literal && r.masked.start + r.col == node.start)
    {
        let end = map_offset(node.end, regions);
        let r = &mut regions[i];
        node.start = r.orig.start + r.col;
        // The general parser ends a literal after its trailing blank lines, which masking kept.
        node.end = end;
        node.line = r.line;
        node.col = r.col;
        node.kind = NodeKind::Scalar {
            value: std::mem::take(&mut r.value),
            style: ScalarStyle::Literal,
        };
        return;
    }
    let (start, end) = (node.start, node.end);
    node.start = map_offset(start, regions);
    node.end = map_offset(end, regions);
    node.line += regions
        .iter()
        .filter(|r| r.masked.end <= start)
        .map(|r| r.lines_removed)
        .sum::<usize>();
    match &mut node.kind {
        NodeKind::Seq { items, .. } => items.iter_mut().for_each(|n| unmask(n, &mut *regions)),
        NodeKind::Map { pairs, .. } => pairs.iter_mut().for_each(|(k, v)| {
            unmask(k, &mut *regions);
            unmask(v, &mut *regions);
        }),
        NodeKind::Scalar { .. } | NodeKind::Alias => {}
    }
}

fn map_offset(at: usize, regions: &[Region]) -> usize {
    let mut shift: isize = 0;
    for r in regions {
        if r.masked.end <= at {
            shift += r.orig.len() as isize - r.masked.len() as isize;
        }
    }
    at.saturating_add_signed(shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(entries: usize, tail: &str) -> String {
        let mut s = String::from(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n",
        );
        for i in 0..entries {
            s.push_str(&format!("    - rolearn: arn:aws:iam::111122223333:role/r{i}\n      username: u{i}\n      groups:\n        - system:nodes\n\n"));
        }
        s.push_str("  mapUsers: |\n");
        for i in 0..entries {
            s.push_str(&format!(
                "    - userarn: arn:aws:iam::111122223333:user/u{i}\n      username: u{i}\n"
            ));
        }
        s.push_str(tail);
        s
    }

    /// The first difference between two trees, short enough to read.
    fn diff(a: &Node, b: &Node, path: &str) -> Option<String> {
        let head = |n: &Node| (n.start, n.end, n.line, n.col, n.tag);
        if head(a) != head(b) {
            return Some(format!("{path}: {:?} vs {:?}", head(a), head(b)));
        }
        match (&a.kind, &b.kind) {
            (NodeKind::Scalar { value: x, style: s }, NodeKind::Scalar { value: y, style: t }) => {
                (x != y || s != t).then(|| {
                    format!(
                        "{path}: scalar {:?}/{s:?} vs {:?}/{t:?}",
                        &x[..x.len().min(40)],
                        &y[..y.len().min(40)]
                    )
                })
            }
            (NodeKind::Map { pairs: p, .. }, NodeKind::Map { pairs: q, .. }) => {
                if p.len() != q.len() {
                    return Some(format!("{path}: {} vs {} pairs", p.len(), q.len()));
                }
                p.iter()
                    .zip(q)
                    .enumerate()
                    .find_map(|(i, ((k1, v1), (k2, v2)))| {
                        diff(k1, k2, &format!("{path}.k{i}"))
                            .or_else(|| diff(v1, v2, &format!("{path}.v{i}")))
                    })
            }
            (NodeKind::Seq { items: p, .. }, NodeKind::Seq { items: q, .. }) => p
                .iter()
                .zip(q)
                .enumerate()
                .find_map(|(i, (x, y))| diff(x, y, &format!("{path}[{i}]"))),
            _ => Some(format!("{path}: kinds differ")),
        }
    }

    #[test]
    fn same_tree_as_the_general_parser() {
        for tail in ["  other: 'x'\n# end\n", "", "  z: |\n    one\n\n"] {
            let text = manifest(200, tail);
            let (_, regions) = mask(&text).expect("masked");
            assert!(regions.len() >= 2, "{tail:?}");
            let fast = parse_manifest(&text).unwrap();
            let general = parse_stream(&text).unwrap();
            assert_eq!(fast.len(), general.len());
            for (a, b) in fast.iter().zip(&general) {
                let (Some(a), Some(b)) = (&a.root, &b.root) else {
                    panic!("no root")
                };
                assert_eq!(diff(a, b, "root"), None, "{tail:?}");
            }
        }
    }

    #[test]
    fn declines_what_it_cannot_vouch_for() {
        let base = manifest(200, "");
        let masked_regions = |text: &str| mask(text).map(|(_, regions)| regions.len());
        assert_eq!(masked_regions(&base), Some(2));
        // A tab anywhere, a quoted scalar running over lines, no final line break: no masking.
        let tab = base.replace("      username: u1\n", "      username: u1\n\tx\n");
        let multi_line_quote =
            base.replace("apiVersion: v1\n", "apiVersion: \"v1\n  continued\"\n");
        let no_final_break = base.trim_end_matches('\n').to_string();
        for text in [&tab, &multi_line_quote, &no_final_break] {
            assert_eq!(masked_regions(text), None);
        }
        // An indentation indicator: that literal is left to the general parser, the other masked.
        let indicator = base.replace("  mapUsers: |\n", "  mapUsers: |2\n");
        assert_eq!(masked_regions(&indicator), Some(1));
        for text in [&tab, &multi_line_quote, &no_final_break, &indicator] {
            assert_eq!(
                parse_manifest(text).map(|d| d.into_iter().map(|d| d.root).collect::<Vec<_>>()),
                parse_stream(text).map(|d| d.into_iter().map(|d| d.root).collect::<Vec<_>>()),
            );
        }
    }

    use proptest::prelude::*;

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => "[a-z:# -]{0,20}",
            1 => Just("it's here".to_string()),
            1 => Just(String::new()),
            1 => Just("   ".to_string()),
            1 => Just("        ".to_string()),
            1 => Just("# comment".to_string()),
            1 => Just("\"quoted\" # c".to_string()),
        ]
    }

    fn literal() -> impl Strategy<Value = (usize, Vec<(usize, String)>)> {
        (2usize..5, prop::collection::vec((0usize..4, line()), 1..12))
    }

    prop_compose! {
        fn manifest_text()(
            key_indent in prop::sample::select(vec![2usize, 4]),
            literals in prop::collection::vec(literal(), 1..4),
            data_first in any::<bool>(),
            trailing in prop::sample::select(vec!["", "\n", "\n\n", "  x: y\n", "other: 1\n"]),
        ) -> String {
            let pad = " ".repeat(key_indent);
            let mut data = String::from("data:\n");
            for (k, (extra, lines)) in literals.iter().enumerate() {
                data.push_str(&format!("{pad}key{k}: |\n"));
                for (more, l) in lines {
                    let indent = " ".repeat(key_indent + extra + more);
                    if l.trim().is_empty() { data.push_str(&format!("{l}\n")) } else { data.push_str(&format!("{indent}{l}\n")) }
                }
            }
            let meta = "kind: ConfigMap\nmetadata:\n  name: aws-auth\n";
            let text = if data_first { format!("{data}{meta}") } else { format!("{meta}{data}") };
            format!("{text}{trailing}")
        }
    }

    /// The comparison only means something if most generated manifests are masked.
    #[test]
    fn most_generated_manifests_are_masked() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let masked = (0..500)
            .filter(|_| {
                let text = manifest_text().new_tree(&mut runner).unwrap().current();
                mask(&text).is_some_and(|(_, r)| !r.is_empty())
            })
            .count();
        assert!(masked >= 75, "only {masked} of 500 masked");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        #[test]
        fn masked_parse_equals_the_general_parse(text in manifest_text()) {
            let general = parse_stream(&text);
            let fast = parse_manifest(&text);
            match (&general, &fast) {
                (Ok(g), Ok(f)) => {
                    prop_assert_eq!(g.len(), f.len());
                    for (a, b) in f.iter().zip(g) {
                        match (&a.root, &b.root) {
                            (Some(a), Some(b)) => prop_assert_eq!(diff(a, b, "root"), None, "{}", text),
                            (a, b) => prop_assert_eq!(a.is_none(), b.is_none()),
                        }
                    }
                }
                (Err(g), Err(f)) => prop_assert_eq!(g, f),
                _ => prop_assert!(false, "one parser failed: {:?} vs {:?}\n{}", general.is_ok(), fast.is_ok(), text),
            }
        }
    }
}
