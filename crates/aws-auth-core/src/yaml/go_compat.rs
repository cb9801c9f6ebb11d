//! Texts that go-yaml v2 (which the authenticator uses) reads but YAML 1.2 parsers reject or
//! read otherwise, rewritten so that the YAML 1.2 parser reads what go-yaml reads, and what
//! go-yaml rejects that YAML 1.2 parsers accept. [`prepare`] rewrites in place (same length,
//! same lines: the key stays editable); [`parse`] rewrites what needs text moved, and a key
//! read that way is reported on but never edited. `testing/authcheck/FINDINGS.md` and the
//! differential suite (`crates/aws-auth-differential`) hold each rewrite to go-yaml.
//!
//! Why one long module (~900 lines of code): the line scanner and the rewrites it drives are one
//! idea and share the scanner's state; split, each half would reach into the other.

use std::borrow::Cow;

use super::tree::{Document, SyntaxError, parse_stream};

/// Rewrites at most this many quoted values: each costs a parse of the whole text.
const MAX_REINDENTS: usize = 32;

/// A text read through a rewrite.
pub(crate) struct Rewritten {
    pub docs: Vec<Document>,
    /// The rewritten text the documents' positions refer to, when they are not the original's.
    pub text: Option<String>,
    /// Why the original text cannot be edited in place (what was rewritten), if it cannot.
    pub why: Option<String>,
    /// Text after the first document was left out: go-yaml never reads it.
    pub later_documents: bool,
}

/// Parses `text` (made by [`prepare`]) as go-yaml v2 reads it: as it is when the YAML 1.2
/// parser reads it so, else through the rewrites below.
///
/// # Errors
/// The YAML 1.2 parser's error on the text when no rewrite makes it readable.
pub(crate) fn parse(text: &str) -> Result<Rewritten, SyntaxError> {
    let mut why = Vec::new();
    // Read differently without an error, so rewritten whether the parser complains or not.
    let quoted = quote_flow_colons(text);
    if quoted.is_some() {
        why.push("a plain value in a flow collection ends with `:` (as in `[a:]`) or a tag is followed by `:` (`[! :a]`), which the editor does not rewrite; quote it".to_string());
    }
    let first = quoted.as_deref().unwrap_or(text);
    match parse_stream(first) {
        Ok(docs) => Ok(Rewritten {
            docs,
            text: quoted,
            why: (!why.is_empty()).then(|| why.join("; ")),
            later_documents: false,
        }),
        Err(error) => parse_rewritten(first, error, why),
    }
}

/// Parses `text`, which the YAML 1.2 parser rejected with `error`, through the rewrites below;
/// `why` holds what was rewritten already.
fn parse_rewritten(
    text: &str,
    error: SyntaxError,
    mut why: Vec<String>,
) -> Result<Rewritten, SyntaxError> {
    let mut moved = !why.is_empty();
    let mut rewritten = match quote_flow_dashes(text) {
        Some(quoted) => {
            why.push("it uses a bare `-` as a flow list item, which the editor does not rewrite; quote it (\"-\")".to_string());
            moved = true;
            quoted
        }
        None => text.to_string(),
    };
    let (mut flow_done, mut cut) = (false, false);
    for _ in 0..=MAX_REINDENTS {
        let e = match parse_stream(&rewritten) {
            Ok(docs) if moved || cut => {
                return Ok(Rewritten {
                    docs,
                    text: moved.then_some(rewritten),
                    why: (!why.is_empty()).then(|| why.join("; ")),
                    later_documents: cut,
                });
            }
            Ok(_) => break,
            Err(e) => e,
        };
        if let Some(next) = reindent_quoted(&rewritten, &e) {
            if why.len() < 2 {
                why.push(format!(
                    "the quoted value at line {}, column {} goes on over lines no deeper than its key, which the editor does not rewrite; indent them or write the value on one line",
                    e.line, e.column
                ));
            }
            rewritten = next;
            moved = true;
            continue;
        }
        if !flow_done {
            flow_done = true;
            if let Some(next) = reindent_flow(&rewritten, &e) {
                why.push("a flow collection (`[...]` or `{...}`) goes on over lines no deeper than its key, which the editor does not rewrite; indent them or write it on one line".to_string());
                rewritten = next;
                moved = true;
                continue;
            }
        }
        if !cut && let Some(end) = first_document_end(&rewritten, &e) {
            rewritten.truncate(end);
            cut = true;
            continue;
        }
        break;
    }
    Err(error)
}

/// The text with each plain value of a flow collection that ends with `:` right before `,`,
/// `]` or `}` single-quoted, as go-yaml reads it (`[a:]` is the list of `a:`, which YAML 1.2
/// reads as a mapping); `None` when there is none.
fn quote_flow_colons(text: &str) -> Option<String> {
    // Either needs a `:` right before `,`, `]`, `}` or right after a blank: JSON has neither,
    // and a megabyte of it is not scanned twice.
    if ![":,", ":]", ":}", " :", "\t:", "\n:"]
        .iter()
        .any(|p| text.contains(p))
    {
        return None;
    }
    let mut scan = Scanner::new(text);
    scan.run().ok()?;
    if scan.colon_ends.is_empty() && scan.pair_colons.is_empty() {
        return None;
    }
    // Quoted values, and empty ones (a space after a pair's colon): each list is in text
    // order, merged without a sort (which would grow the wasm build).
    let mut edits: Vec<(usize, usize)> =
        Vec::with_capacity(scan.colon_ends.len() + scan.pair_colons.len());
    let (mut quoted, mut spaced) = (
        scan.colon_ends.iter().peekable(),
        scan.pair_colons.iter().peekable(),
    );
    loop {
        match (quoted.peek(), spaced.peek()) {
            (Some(&&(start, end)), Some(&&at)) if start <= at => {
                edits.push((start, end));
                quoted.next();
            }
            (_, Some(&&at)) => {
                edits.push((at, at));
                spaced.next();
            }
            (Some(&&q), None) => {
                edits.push(q);
                quoted.next();
            }
            (None, None) => break,
        }
    }
    let mut out = String::with_capacity(text.len() + 2 * edits.len());
    let mut copied = 0;
    for (start, end) in edits {
        out.push_str(text.get(copied..start)?);
        if start == end {
            out.push(' ');
        } else {
            let value = text.get(start..end)?;
            out.push('\'');
            out.push_str(&value.replace('\'', "''"));
            out.push('\'');
        }
        copied = end;
    }
    out.push_str(text.get(copied..)?);
    Some(out)
}

/// go-yaml v2 checks no indentation inside a flow collection; YAML 1.2 wants its lines
/// deeper than the block node that holds it. Indenting the lines that start inside one past
/// its opening bracket changes nothing but the parser's verdict (a document marker at the
/// start of such a line stays: go-yaml rejects it too).
fn reindent_flow(text: &str, error: &SyntaxError) -> Option<String> {
    if !error.message.contains("indentation") {
        return None;
    }
    let mut scan = Scanner::new(text);
    scan.run().ok()?;
    let mut out = String::with_capacity(text.len() + 64);
    let mut copied = 0;
    for &(start, open_col) in &scan.flow_lines {
        let line = text.get(start..)?.split('\n').next()?;
        let ws = line.len() - line.trim_start_matches([' ', '\t']).len();
        if document_marker(line.as_bytes()) || ws > open_col {
            continue;
        }
        out.push_str(text.get(copied..start)?);
        out.push_str(&" ".repeat(open_col + 1 - ws));
        copied = start;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(text.get(copied..)?);
    Some(out)
}

/// Where the first document ends when the YAML 1.2 parser's `error` lies after it: go-yaml
/// reads the first document only, and never looks at what follows. That is the start of the
/// line after the first document's root ended at a lesser indentation ("did not find expected
/// <document start>"), or the first `---` or `...` line after the first document's content.
fn first_document_end(text: &str, error: &SyntaxError) -> Option<usize> {
    let line_start = |line: usize| -> Option<usize> {
        match line.checked_sub(2) {
            None => Some(0),
            Some(n) => text.match_indices('\n').nth(n).map(|(i, _)| i + 1),
        }
    };
    if error.message == "did not find expected <document start>" {
        return line_start(error.line).filter(|&at| at > 0);
    }
    let mut scan = Scanner::new(text);
    scan.run().ok()?;
    let (line, at) = scan.markers.first().copied()?;
    (line <= error.line).then_some(at)
}

/// The text as the YAML 1.2 parser should see it to read what go-yaml v2 reads, of the same
/// length and with every line where it was (so positions, values and edits hold): a tab that
/// go-yaml takes as a separator becomes a space (after `key:`, after a document marker,
/// inside a flow collection, on a blank line inside a plain value deeper than its key), and a
/// comment that follows a closing quote or bracket without a space becomes spaces. What
/// go-yaml rejects before reading anything is an error: a tab in indentation elsewhere, a
/// character YAML does not allow, a document that starts with `...`.
///
/// # Errors
/// Where go-yaml stops, with its message.
pub(crate) fn prepare(text: &str) -> Result<Cow<'_, str>, SyntaxError> {
    leading_document_end(text)?;
    // The usual text needs no closer look: printable ASCII without a tab, a `#` glued to a
    // token, a tag, an anchor or an alias, and either no flow collection or (JSON as AWS CDK
    // writes it) none of what go-yaml scans otherwise in one.
    let flow_plain = !text.contains(['#', '|', '>', '%', '@', '`'])
        && ![" :", "\n:", "[:", ",:", "{:"]
            .iter()
            .any(|p| text.contains(p));
    let usual = text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) || b == b'\n' || b == b'\r')
        && !text.contains("'#")
        && !text.contains("\"#")
        && !text.contains("]#")
        && !text.contains("}#")
        && !text.contains(['!', '&', '*'])
        && (flow_plain || !text.contains(['[', '{']));
    if usual {
        return Ok(Cow::Borrowed(text));
    }
    let mut scan = Scanner::new(text);
    scan.run()?;
    if scan.blank.is_empty() {
        return Ok(Cow::Borrowed(text));
    }
    let mut bytes = text.as_bytes().to_vec();
    for at in scan.blank {
        // Only ASCII tabs and comment bytes are recorded; a multi-byte character in a comment
        // becomes as many spaces as it has bytes.
        if let Some(b) = bytes.get_mut(at) {
            *b = b' ';
        }
    }
    Ok(Cow::Owned(
        String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()),
    ))
}

/// go-yaml starts the first document at its first token: when that is `...`, the document
/// has no content and go-yaml fails ("did not find expected node content"), where YAML 1.2
/// parsers skip the marker.
fn leading_document_end(text: &str) -> Result<(), SyntaxError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in body.split('\n').enumerate() {
        let trimmed = line.trim_start_matches([' ', '\t', '\r']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line.starts_with("...") && document_marker(line.as_bytes()) {
            return Err(SyntaxError {
                line: i + 1,
                column: 1,
                message: "did not find expected node content".to_string(),
            });
        }
        return Ok(());
    }
    Ok(())
}

/// A line-by-line look at the text, enough to tell where go-yaml takes a tab as a separator:
/// flow depth, quotes, comments, block scalars and plain values are followed roughly (as
/// tokens start), which is all the rewrites above need.
struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    /// Byte offsets to turn into spaces.
    blank: Vec<usize>,
    depth: usize,
    quote: Option<u8>,
    /// Inside a block scalar whose parent node is at this column.
    block: Option<usize>,
    /// The previous line ended inside a plain value whose parent node is at this column.
    plain_parent: Option<usize>,
    /// Column of the outermost open flow bracket.
    open_col: usize,
    /// Lines that start inside a flow collection (not inside a quoted value): their start and
    /// the column of the outermost open bracket.
    flow_lines: Vec<(usize, usize)>,
    /// Document markers (`---`, `...`) after the first document's content: line and start.
    markers: Vec<(usize, usize)>,
    /// Whether the first document's content has begun.
    content: bool,
    /// The last byte of the last token outside quoted values (`:` for a value indicator).
    last: u8,
    /// Plain values in a flow collection that end with `:` before `,`, `]` or `}`: go-yaml
    /// keeps the `:` in the value, YAML 1.2 takes it as an indicator. Start and end.
    colon_ends: Vec<(usize, usize)>,
    /// Start of the plain value being read in a flow collection.
    plain_start: usize,
    /// The column from which a tab may start a line of a flow collection after a plain value
    /// (go-yaml's plain scanner checks it against the block indentation around the flow).
    flow_indent: usize,
    /// The previous line of a flow collection ended inside a plain value.
    flow_plain: bool,
    /// The open flow brackets, innermost last.
    kinds: Vec<u8>,
    /// The indentation of the block scalar's content, once its first line with text is seen.
    block_indent: Option<usize>,
    /// A `---` started the first document explicitly.
    started: bool,
    /// Where a space goes after a `:` that follows a tag in a flow list (`[! :p]`), for the
    /// YAML 1.2 parser to read the pair go-yaml reads.
    pair_colons: Vec<usize>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            text,
            b: text.as_bytes(),
            blank: Vec::new(),
            depth: 0,
            quote: None,
            block: None,
            plain_parent: None,
            open_col: 0,
            flow_lines: Vec::new(),
            markers: Vec::new(),
            content: false,
            last: b'\n',
            colon_ends: Vec::new(),
            plain_start: 0,
            flow_indent: 0,
            flow_plain: false,
            kinds: Vec::new(),
            block_indent: None,
            started: false,
            pair_colons: Vec::new(),
        }
    }

    fn tab_error(line: usize, column: usize) -> SyntaxError {
        SyntaxError {
            line,
            column,
            message: "found a tab character that violates indentation".to_string(),
        }
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        let mut start = 0;
        let mut number = 0;
        while start <= self.b.len() {
            number += 1;
            let end = self.b[start..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(self.b.len(), |i| start + i);
            // A byte order mark at the start is not part of the first line's indentation.
            let from = if start == 0 && self.text.starts_with('\u{feff}') {
                3
            } else {
                start
            };
            self.line(number, from, end)?;
            start = end + 1;
        }
        Ok(())
    }

    fn line(&mut self, number: usize, start: usize, end: usize) -> Result<(), SyntaxError> {
        let line = &self.b[start..end];
        if let Some((col, c)) = self.text[start..end]
            .char_indices()
            .find(|&(_, c)| !allowed_char(c))
        {
            return Err(SyntaxError {
                line: number,
                column: col + 1,
                message: format!("control character U+{:04X} is not allowed", c as u32),
            });
        }
        let lead = line
            .iter()
            .position(|c| !matches!(c, b' ' | b'\t' | b'-'))
            .unwrap_or(line.len());
        let first_tab = line[..lead].iter().position(|&c| c == b'\t');
        let blank_line = line.iter().all(|c| matches!(c, b' ' | b'\t' | b'\r'));
        let indent = line.iter().take_while(|&&c| c == b' ').count();
        if let Some(parent) = self.block {
            if blank_line || indent > parent {
                // Block scalar content: go-yaml allows no tab in its indentation (the spaces
                // of its first line with text); after it, a tab is content.
                if !blank_line && self.block_indent.is_none() {
                    self.block_indent = Some(indent);
                }
                let content = self.block_indent.unwrap_or(parent + 1);
                let tab = line.iter().position(|&c| c == b'\t');
                return match tab {
                    Some(col) if col < content && col == indent => {
                        Err(Self::tab_error(number, col + 1))
                    }
                    _ => Ok(()),
                };
            }
            self.block = None;
        }
        if self.quote.is_some() {
            if let Some(col) = first_tab {
                return Err(Self::tab_error(number, col + 1));
            }
            self.plain_parent = None;
            return self.tokens(start, end, 0);
        }
        if self.depth > 0 {
            self.flow_lines.push((start, self.open_col));
            // Inside a flow collection go-yaml takes tabs as spaces, indentation included,
            // except where they continue a plain value: there a tab must not be left of the
            // block indentation around the flow.
            let spaces = line
                .iter()
                .take_while(|c| matches!(c, b' ' | b'\t'))
                .count();
            if self.flow_plain
                && let Some(col) = line[..spaces].iter().position(|&c| c == b'\t')
                && col < self.flow_indent
            {
                return Err(Self::tab_error(number, col + 1));
            }
            self.blank_tabs(start, start + spaces);
            return self.tokens(start, end, spaces);
        }
        if document_marker(line) {
            // The first document ends at the next marker once it has content or began
            // with `---`.
            if self.content || self.started {
                self.markers.push((number, start));
            }
            self.started |= line.starts_with(b"---");
            let run = self.blank_run(start + 3, end);
            self.plain_parent = None;
            self.content |= line[3 + run..].iter().any(|c| *c != b'\r');
            return self.tokens(start, end, 3 + run);
        }
        if let Some(col) = first_tab {
            // A tab in the leading blanks of a line that goes on a plain value is part of the
            // value's line folding, allowed from one column deeper than the value's parent.
            let tabs_ok = match self.plain_parent {
                Some(parent) => {
                    let spaces = line
                        .iter()
                        .take_while(|c| matches!(c, b' ' | b'\t'))
                        .count();
                    col > parent && !line[..spaces].contains(&b'-') && spaces == lead
                }
                None => false,
            };
            if !tabs_ok {
                return Err(Self::tab_error(number, col + 1));
            }
            self.blank_tabs(start, start + lead);
            if blank_line {
                return Ok(());
            }
        } else if blank_line {
            return Ok(());
        }
        if line.get(indent) == Some(&b'#') {
            // A comment line ends a plain value.
            self.plain_parent = None;
            return Ok(());
        }
        if !self.content && line.first() == Some(&b'%') {
            // A directive, before the document.
            return Ok(());
        }
        self.content = true;
        let continues = self.plain_parent.is_some_and(|p| indent > p);
        if !continues {
            self.plain_parent = None;
        }
        self.tokens(start, end, 0)
    }

    fn blank_tabs(&mut self, from: usize, to: usize) {
        for i in from..to {
            if self.b.get(i) == Some(&b'\t') {
                self.blank.push(i);
            }
        }
    }

    /// Takes the run of spaces and tabs from `from` (up to `end`) as blanks; returns its length.
    fn blank_run(&mut self, from: usize, end: usize) -> usize {
        let run = self.b[from..end]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
        self.blank_tabs(from, from + run);
        run
    }

    /// Follows the tokens of one line from `skip` bytes in; ends with `plain_parent` set when
    /// the line ends inside a plain value of the block context.
    fn tokens(&mut self, start: usize, end: usize, skip: usize) -> Result<(), SyntaxError> {
        let b = self.b;
        let mut i = start + skip;
        let mut plain = self.plain_parent.is_some();
        let mut parent = self.plain_parent;
        // The column of the last `-` item indicator and of the last key on the line.
        let mut dash: Option<usize> = None;
        let mut key: Option<usize> = None;
        let mut token_col = 0;
        while i < end {
            let c = b[i];
            if let Some(q) = self.quote {
                match c {
                    b'\\' if q == b'"' => i += 1,
                    b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 1,
                    _ if c == q => {
                        self.quote = None;
                        self.last = c;
                        if self.glued_comment(i + 1, end) {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            // Inside a plain value only a blank ends a token; `"a":"b"` has no blank.
            let at_token = i == start
                || matches!(b[i - 1], b' ' | b'\t' | b'[' | b'{' | b',')
                || (self.depth > 0 && !plain && b[i - 1] == b':');
            let col = i - start;
            if !matches!(c, b' ' | b'\t' | b'\r') {
                self.flow_token(i, at_token, plain)?;
            }
            match c {
                b' ' | b'\t' | b'\r' => {}
                b'#' if at_token => {
                    plain = false;
                    break;
                }
                b':' if blank_at(b, i + 1) || (self.depth > 0 && !plain) => {
                    plain = false;
                    key = Some(token_col);
                    i += self.blank_run(i + 1, end);
                }
                _ if plain && self.depth == 0 => {}
                b',' if self.depth > 0 => {
                    plain = false;
                    i += self.blank_run(i + 1, end);
                }
                b'[' | b'{' if at_token || self.depth > 0 => {
                    plain = false;
                    if self.depth == 0 {
                        self.open_col = col;
                        self.flow_indent = key.or(dash).map_or(0, |c| c + 1);
                    }
                    self.depth += 1;
                    self.kinds.push(c);
                    i += self.blank_run(i + 1, end);
                }
                b']' | b'}' if self.depth > 0 => {
                    plain = false;
                    self.depth -= 1;
                    self.kinds.pop();
                    if self.glued_comment(i + 1, end) {
                        break;
                    }
                }
                _ if plain => {}
                b'\'' | b'"' if at_token => {
                    self.quote = Some(c);
                    token_col = col;
                }
                b'-' | b'?' if at_token && blank_at(b, i + 1) && self.depth == 0 => {
                    dash = Some(col);
                    key = None;
                }
                b'|' | b'>' if at_token && self.depth == 0 => {
                    self.block = Some(key.or(dash).unwrap_or(0));
                    self.block_indent = None;
                    self.plain_parent = None;
                    return Ok(());
                }
                b'&' | b'*' | b'!' if at_token => {
                    i = self.property(i, end)?;
                    continue;
                }
                _ => {
                    plain = true;
                    token_col = col;
                    self.plain_start = i;
                    if parent.is_none() || key.is_some() || dash.is_some() {
                        parent = Some(key.or(dash).unwrap_or(0));
                    }
                }
            }
            if !matches!(c, b' ' | b'\t' | b'\r') {
                self.last = c;
            }
            i += 1;
        }
        self.plain_parent = (plain && self.depth == 0 && self.quote.is_none())
            .then_some(parent)
            .flatten();
        self.flow_plain = plain && self.depth > 0 && self.quote.is_none();
        Ok(())
    }

    /// What go-yaml v2 does differently at a token `at` (not a blank) inside a flow collection:
    /// `:` starting a token is always an indicator (after another indicator, an error), a
    /// block scalar or reserved indicator cannot start a token, and a plain value may end
    /// with `:` right before `,`, `]` or `}` (recorded).
    fn flow_token(&mut self, at: usize, at_token: bool, plain: bool) -> Result<(), SyntaxError> {
        if self.depth == 0 {
            return Ok(());
        }
        let b = self.b;
        let c = b[at];
        let next = b.get(at + 1).copied();
        if at_token && c == b':' && !blank_at(b, at + 1) {
            match (self.last, self.kinds.last()) {
                (b':' | b'[' | b'{' | b',', _) => {
                    return Err(self.error_at(at, "did not find expected node content"));
                }
                // After a tag or anchor (`!`), the node is empty and `:` its value indicator:
                // an error in a mapping, a one-pair mapping in a list (`[! :p]`).
                (b'!', Some(b'{')) => {
                    return Err(self.error_at(at, "did not find expected ',' or '}'"));
                }
                (b'!', _) => self.pair_colons.push(at + 1),
                _ => {}
            }
        }
        if at_token && matches!(c, b'|' | b'>' | b'%' | b'@' | b'`') {
            return Err(self.error_at(at, "found character that cannot start any token"));
        }
        if plain
            && !at_token
            && c == b':'
            && matches!(next, Some(b',' | b']' | b'}'))
            && self.plain_start < at
            && self.last != b':'
        {
            self.colon_ends.push((self.plain_start, at + 1));
        }
        Ok(())
    }

    /// Reads an anchor, alias or tag starting at `at` as go-yaml v2 scans it; returns where
    /// the token ends. go-yaml's tags take `,`, `[` and `]` as part of the tag: trailing ones
    /// become spaces (it reads them so; `[!, a]` is one item). An anchor takes letters,
    /// digits, `_` and `-` only, and a tag must be followed by a blank.
    fn property(&mut self, at: usize, end: usize) -> Result<usize, SyntaxError> {
        let b = self.b;
        let alpha = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        let mut i = at + 1;
        if b[at] != b'!' {
            while i < end && alpha(b[i]) {
                i += 1;
            }
            let ok = i > at + 1
                && matches!(
                    b.get(i),
                    None | Some(
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b'?'
                            | b':'
                            | b','
                            | b']'
                            | b'}'
                            | b'%'
                            | b'@'
                            | b'`'
                    )
                );
            if !ok {
                return Err(
                    self.error_at(i, "did not find expected alphabetic or numeric character")
                );
            }
            self.last = b'!';
            return Ok(i);
        }
        if b.get(i) == Some(&b'<') {
            while i < end && b[i] != b'>' {
                i += 1;
            }
            if i == end {
                return Err(self.error_at(i, "did not find the expected '>'"));
            }
            i += 1;
        } else {
            let uri = |c: u8| alpha(c) || b";/?:@&=+$,.!~*'()[]%".contains(&c);
            while i < end && uri(b[i]) {
                i += 1;
            }
        }
        if !blank_at(b, i) {
            return Err(self.error_at(i, "did not find expected whitespace or line break"));
        }
        let mut j = i;
        while j > at + 1 && matches!(b[j - 1], b',' | b'[' | b']') {
            j -= 1;
        }
        self.blank.extend(j..i);
        self.last = b'!';
        Ok(i)
    }

    fn error_at(&self, at: usize, message: &str) -> SyntaxError {
        let before = self.text.get(..at).unwrap_or(self.text);
        SyntaxError {
            line: before.matches('\n').count() + 1,
            column: before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1,
            message: message.to_string(),
        }
    }

    /// A comment right after a closing quote or bracket, which go-yaml reads as a comment
    /// and YAML 1.2 rejects: recorded to become spaces.
    fn glued_comment(&mut self, at: usize, end: usize) -> bool {
        if self.b.get(at) != Some(&b'#') {
            return false;
        }
        let end = if end > at && self.b.get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        self.blank.extend(at..end);
        true
    }
}

fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
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
            // `-` then a blank is an item indicator, which go-yaml rejects in a flow.
            b'-' if depth > 0 && !double && !single && !blank_at(b, i + 1) => {
                let before = before_properties(&text[..i]).bytes().last();
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

/// Whether the line starts with a document marker (`---` or `...`, then a blank or its end).
fn document_marker(line: &[u8]) -> bool {
    (line.starts_with(b"---") || line.starts_with(b"..."))
        && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r'))
}

fn blank_at(b: &[u8], i: usize) -> bool {
    matches!(b.get(i), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// `before` without its trailing blanks and the tag or anchor that ends it (`[! -]`).
fn before_properties(before: &str) -> &str {
    let trimmed = before.trim_end_matches([' ', '\n', '\t']);
    // A verbatim tag (`!<tag:yaml.org,2002:str>`) has commas in it.
    let verbatim = trimmed
        .ends_with('>')
        .then(|| trimmed.rfind("!<"))
        .flatten();
    let token_start = verbatim.unwrap_or_else(|| {
        trimmed
            .rfind([' ', '\n', '\t', '[', ','])
            .map_or(0, |i| i + 1)
    });
    if matches!(trimmed.as_bytes().get(token_start), Some(b'!' | b'&')) {
        trimmed[..token_start].trim_end_matches([' ', '\n', '\t'])
    } else {
        trimmed
    }
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
    // The column may count a byte order mark at the start of the text, or not.
    let column = error.column.checked_sub(1)?;
    let (quote_at, quote) = [column, column.saturating_sub(1), column + 1]
        .iter()
        .filter_map(|&c| line.char_indices().nth(c))
        .find(|&(_, q)| q == '"' || q == '\'')?;
    let open = line_start + quote_at;
    let close = open + 1 + closing_quote(&text[open + 1..], quote)?;
    let pad = " ".repeat(line[..quote_at].chars().count() + 1);
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
        let Rewritten { docs, why, .. } = parse(text).unwrap();
        let why = why.unwrap();
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
        assert!(parse(text).is_err());
        let text = "- a: [b\n";
        assert!(reindent_quoted(text, &error_of(text)).is_none());
    }

    #[test]
    fn prepared_text_has_the_same_length_and_lines() {
        for (text, want) in [
            ("- rolearn:\tx", "- rolearn: x"),
            ("---\t\n- a: b", "--- \n- a: b"),
            ("- rolearn: 'a'#x\n", "- rolearn: 'a'  \n"),
            ("- a: [x,\n\ty]", "- a: [x,\n y]"),
            ("- rolearn: x\n   \t\n", "- rolearn: x\n    \n"),
            ("- a: [!, '']", "- a: [!  '']"),
        ] {
            assert_eq!(prepare(text).unwrap(), want, "{text:?}");
        }
        assert!(matches!(prepare("- rolearn: a\n"), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn what_go_yaml_rejects_is_an_error() {
        for text in [
            "...\n- rolearn: a",
            "- rolearn: x\n\t\n",
            "- rolearn: 'x'\n   \t\n",
            "-\trolearn: a",
            "\u{feff}\t",
            "- {rolearn: :p}",
            "- {userarn: |}",
            "- a: &1[]",
            "- a: [!]",
        ] {
            let read = prepare(text).and_then(|p| parse(&p).map(|_| ()));
            assert!(read.is_err(), "{text:?}");
        }
    }

    #[test]
    fn escapes_do_not_close_the_value() {
        assert_eq!(closing_quote(r#"a\"b" c"#, '"'), Some(4));
        assert_eq!(closing_quote("it''s' c", '\''), Some(5));
        assert_eq!(closing_quote("open", '"'), None);
    }
}
