//! Texts that go-yaml v2 (which the authenticator uses) reads but YAML 1.2 parsers reject,
//! rewritten so that the YAML 1.2 parser reads what go-yaml reads. Positions in a rewritten
//! text are not the original's, so a key read this way is reported on but never edited.
//! `tests/authcheck/FINDINGS.md` and the differential suite hold each rewrite to go-yaml.

use super::tree::{Document, SyntaxError, parse_stream};

/// Rewrites at most this many quoted values: each costs a parse of the whole text.
const MAX_REINDENTS: usize = 32;

/// A text read through a rewrite.
pub(crate) struct Rewritten {
    pub docs: Vec<Document>,
    /// The text the documents' positions refer to (not the original's).
    pub text: String,
    /// Why the original text cannot be edited in place (what was rewritten).
    pub why: String,
}

/// Parses `text`, which the YAML 1.2 parser rejected with `error`, through the rewrites below.
///
/// # Errors
/// `error` (the original text's) when no rewrite makes it readable.
pub(crate) fn parse_rewritten(text: &str, error: SyntaxError) -> Result<Rewritten, SyntaxError> {
    let mut why = Vec::new();
    let mut rewritten = match quote_flow_dashes(text) {
        Some(quoted) => {
            why.push("it uses a bare `-` as a flow list item, which the editor does not rewrite; quote it (\"-\")".to_string());
            quoted
        }
        None => text.to_string(),
    };
    for _ in 0..=MAX_REINDENTS {
        match parse_stream(&rewritten) {
            Ok(docs) if !why.is_empty() => {
                return Ok(Rewritten {
                    docs,
                    text: rewritten,
                    why: why.join("; "),
                });
            }
            Ok(_) => break,
            Err(e) => match reindent_quoted(&rewritten, &e) {
                Some(next) => {
                    if why.len() < 2 {
                        why.push(format!(
                            "the quoted value at line {}, column {} goes on over lines no deeper than its key, which the editor does not rewrite; indent them or write the value on one line",
                            e.line, e.column
                        ));
                    }
                    rewritten = next;
                }
                None => break,
            },
        }
    }
    Err(error)
}

/// The text with each bare `-` item of a flow collection (`[-, a]`, `{k: -}`) quoted, or `None`
/// when it has none.
fn quote_flow_dashes(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let (mut depth, mut double, mut single) = (0usize, false, false);
    let mut changed = false;
    let mut last = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' if !single && (i == 0 || b[i - 1] != b'\\') => double = !double,
            b'\'' if !double => single = !single,
            b'[' | b'{' if !double && !single => depth += 1,
            b']' | b'}' if !double && !single => depth = depth.saturating_sub(1),
            b'-' if depth > 0 && !double && !single => {
                let before = text[..i].trim_end_matches([' ', '\n']).bytes().last();
                let after = text[i + 1..].trim_start_matches([' ', '\n']).bytes().next();
                if matches!(before, Some(b'[' | b',' | b':'))
                    && matches!(after, Some(b',' | b']' | b'}'))
                {
                    out.push_str(&text[last..i]);
                    out.push_str("\"-\"");
                    last = i + 1;
                    changed = true;
                }
            }
            _ => {}
        }
    }
    out.push_str(&text[last..]);
    changed.then_some(out)
}

/// go-yaml v2 lets the lines of a multi-line quoted value start at any column; YAML 1.2 wants
/// them deeper than the key that holds the value. Their leading spaces are not part of the
/// value, so indenting them past the opening quote changes nothing but the parser's verdict.
/// `None` unless `error` is that complaint about a quoted value it can find, or when a line
/// of the value starts with a document marker (which go-yaml rejects too).
fn reindent_quoted(text: &str, error: &SyntaxError) -> Option<String> {
    if error.message != "invalid indentation in quoted scalar" {
        return None;
    }
    // The error points at the opening quote: line 1-based, column 1-based in characters.
    let line_start = match error.line.checked_sub(2) {
        None => 0,
        Some(breaks_before) => text.match_indices('\n').nth(breaks_before)?.0 + 1,
    };
    let line = text[line_start..].split('\n').next()?;
    let (quote_at, quote) = line.char_indices().nth(error.column.checked_sub(1)?)?;
    let open = line_start + quote_at;
    let close = open + 1 + closing_quote(&text[open + 1..], quote)?;
    let pad = " ".repeat(error.column);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..open]);
    for (i, piece) in text[open..close].split('\n').enumerate() {
        if i > 0 {
            let marker = piece.starts_with("---") || piece.starts_with("...");
            if marker && matches!(piece.as_bytes().get(3), None | Some(b' ' | b'\t' | b'\r')) {
                return None;
            }
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(piece);
    }
    out.push_str(&text[close..]);
    Some(out)
}

/// The offset in `rest` (the text after an opening quote) of the closing quote.
fn closing_quote(rest: &str, quote: char) -> Option<usize> {
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match (quote, b[i]) {
            ('"', b'\\') => i += 1,
            ('"', b'"') => return Some(i),
            ('\'', b'\'') if b.get(i + 1) == Some(&b'\'') => i += 1,
            ('\'', b'\'') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> SyntaxError {
        parse_stream(text).expect_err("the YAML 1.2 parser rejects it")
    }

    #[test]
    fn quoted_lines_are_indented_past_the_quote() {
        let text = "- rolearn: r\n  username: \"a\n  b\n\nc\"\n  groups: ['x\ny']\n";
        let once = reindent_quoted(text, &error_of(text)).unwrap();
        assert_eq!(
            once,
            "- rolearn: r\n  username: \"a\n               b\n             \n             c\"\n  groups: ['x\ny']\n"
        );
        let Rewritten { docs, why, .. } = parse_rewritten(text, error_of(text)).unwrap();
        assert!(
            why.starts_with("the quoted value at line 2, column 13 goes on"),
            "{why}"
        );
        let root = docs[0].root.as_ref().unwrap();
        let crate::yaml::tree::NodeKind::Seq { items, .. } = &root.kind else {
            panic!()
        };
        let crate::yaml::tree::NodeKind::Map { pairs, .. } = &items[0].kind else {
            panic!()
        };
        assert_eq!(pairs[1].1.as_str(), Some("a b\nc"));
        let crate::yaml::tree::NodeKind::Seq { items, .. } = &pairs[2].1.kind else {
            panic!()
        };
        assert_eq!(items[0].as_str(), Some("x y"));
    }

    #[test]
    fn other_errors_and_document_markers_are_left_alone() {
        let text = "- rolearn: r\n  username: \"a\n---\n  b\"\n";
        assert!(parse_rewritten(text, error_of(text)).is_err());
        let text = "- a: [b\n";
        assert!(reindent_quoted(text, &error_of(text)).is_none());
    }

    #[test]
    fn escapes_do_not_close_the_value() {
        assert_eq!(closing_quote(r#"a\"b" c"#, '"'), Some(4));
        assert_eq!(closing_quote("it''s' c", '\''), Some(5));
        assert_eq!(closing_quote("open", '"'), None);
    }
}
