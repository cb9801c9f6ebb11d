//! Writing a list out: the pieces of the new text, copying untouched entries and the gaps
//! between them, rewriting changed fields in place and rendering new entries in the
//! neighbours' style (block or flow).
//!
//! Why ~600 lines: block and flow lists are written by one walk over the entries and gaps, and
//! the in-place field rewrite shares its notion of which lines an entry owns.

use super::*;
use crate::edit::style::{BlockStyle, FieldValue, FlowStyle};

impl ListEditor<'_> {
    pub fn pieces(&self) -> Vec<Piece> {
        let style = ListStyle::of(self.text, self.parsed, self.prefers_flow());
        let added: Vec<&Values> = self.added.iter().flatten().collect();
        match (&self.parsed.layout, style) {
            (Layout::Flow(seq), ListStyle::Flow(flow)) => self.flow_pieces(seq, &flow, &added),
            (Layout::Flow(seq), ListStyle::Block(block)) => {
                // An empty `[]` in a block value: the first entries replace it.
                let block = BlockStyle {
                    dash_col: seq.col,
                    key_col: seq.col + 2,
                    ..block
                };
                let rendered: String = added.iter().map(|v| self.render_block(&block, v)).collect();
                vec![
                    Piece::Keep(0..seq.start),
                    Piece::Write(rendered.trim_end_matches('\n').to_string()),
                    Piece::Keep(seq.end..self.text.len()),
                ]
            }
            (Layout::Empty, ListStyle::Flow(flow)) => {
                let items: Vec<String> = added.iter().map(|v| self.render_flow(&flow, v)).collect();
                self.replace_empty(format!("[{}]", items.join(&flow.separator)))
            }
            (_, ListStyle::Block(block)) => self.block_pieces(&block, &added, None),
            // A block list always yields a block style.
            (Layout::Block, ListStyle::Flow(_)) => vec![Piece::Keep(0..self.text.len())],
        }
    }

    pub(super) fn block_pieces(
        &self,
        style: &BlockStyle,
        added: &[&Values],
        mut checks: Option<&mut Vec<Check>>,
    ) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut cursor = 0;
        let written = |pieces: &[Piece]| -> usize { pieces.iter().map(Piece::len).sum() };
        // Set when removed entries leave nothing above: the blank lines that separated them
        // from the next entry would then open the list.
        let mut at_top = false;
        for (i, entry) in self.parsed.entries.iter().enumerate() {
            let gap_end = match self.states[i] {
                State::Removed => self.block_owned_start(cursor, i),
                _ => entry.span.start,
            };
            let gap_start = if at_top {
                skip_blank_lines(self.text, cursor..gap_end)
            } else {
                cursor
            };
            self.push_gap(&mut pieces, gap_start..gap_end);
            at_top = false;
            match &self.states[i] {
                State::Keep => pieces.push(Piece::Keep(entry.span.clone())),
                State::Removed => {
                    at_top = written(&pieces) == 0;
                    cursor = self.block_owned_end(i);
                    continue;
                }
                State::Changed(v) => {
                    let start = written(&pieces);
                    pieces.extend(self.rewrite_entry(entry, v));
                    if let Some(checks) = checks.as_deref_mut() {
                        checks.push(Check {
                            range: start..written(&pieces),
                            values: vec![v.clone()],
                        });
                    }
                }
            }
            cursor = entry.span.end;
        }
        if !added.is_empty() {
            let rendered: String = added.iter().map(|v| self.render_block(style, v)).collect();
            if self.parsed.entries.is_empty() {
                return self.replace_empty(rendered);
            }
            let start = written(&pieces);
            if self.text[..cursor].ends_with('\n') {
                pieces.push(Piece::Write(rendered));
            } else {
                pieces.push(Piece::Write(format!(
                    "\n{}",
                    rendered.trim_end_matches('\n')
                )));
            }
            if let Some(checks) = checks {
                let values = added.iter().map(|v| (*v).clone()).collect();
                checks.push(Check {
                    range: start..written(&pieces),
                    values,
                });
            }
        }
        let tail_start = if at_top && added.is_empty() {
            skip_blank_lines(self.text, cursor..self.text.len())
        } else {
            cursor
        };
        self.push_gap(&mut pieces, tail_start..self.text.len());
        pieces
    }

    /// Where the lines that a removed block entry takes with it begin. The comment lines
    /// directly above it (no blank line between, not indented deeper than its `-`) describe it
    /// and go with it; when a blank line or the end of the list follows it, so do the blank
    /// lines above those, so that its neighbours keep one separation instead of two. Other
    /// comments, and lines that are neither blank nor comments, stay.
    fn block_owned_start(&self, gap_start: usize, i: usize) -> usize {
        let entry = &self.parsed.entries[i];
        let dash = dash_column(self.text, entry.node.start);
        let next_start = self
            .parsed
            .entries
            .get(i + 1)
            .map_or(self.text.len(), |e| e.span.start);
        let after = &self.text[self.block_owned_end(i)..next_start];
        let blank_line_follows = after
            .split_inclusive('\n')
            .next()
            .is_some_and(|l| l.ends_with('\n') && line_kind(l, dash) == LineKind::Blank);
        let list_ends =
            i + 1 == self.parsed.entries.len() && after.bytes().all(|b| b.is_ascii_whitespace());
        let blank_follows = blank_line_follows || list_ends;
        let mut start = entry.span.start.max(gap_start);
        let mut lines = self.text[gap_start..start].split_inclusive('\n').rev();
        let mut taking = LineKind::Comment;
        for line in lines.by_ref() {
            let kind = line_kind(line, dash);
            if kind == LineKind::Blank && taking == LineKind::Comment && blank_follows {
                taking = LineKind::Blank;
            }
            if kind != taking {
                break;
            }
            start -= line.len();
        }
        start
    }

    /// Where the lines that a removed block entry takes with it end: the comment lines right
    /// after it that are indented deeper than its `-` (a commented-out group) are part of it.
    fn block_owned_end(&self, i: usize) -> usize {
        let entry = &self.parsed.entries[i];
        let dash = dash_column(self.text, entry.node.start);
        let next_start = self
            .parsed
            .entries
            .get(i + 1)
            .map_or(self.text.len(), |e| e.span.start);
        let mut end = entry.span.end.min(next_start);
        for line in self.text[end..next_start].split_inclusive('\n') {
            if !line.ends_with('\n') || line_kind(line, dash) != LineKind::DeepComment {
                break;
            }
            end += line.len();
        }
        end
    }

    /// Copies the text between entries. A gap that becomes the start of the text (the entries
    /// before it were removed) loses the spaces of its leading blank lines: a block literal
    /// takes its indentation from its first line with content and rejects a blank line before
    /// it that has more spaces, so the manifest would no longer be YAML. Tabs go too: go-yaml
    /// allows one on a blank line only inside a plain value, and none precedes them now.
    fn push_gap(&self, pieces: &mut Vec<Piece>, gap: std::ops::Range<usize>) {
        let now_first = gap.start > 0 && pieces.iter().all(|p| p.len() == 0);
        if now_first {
            let (mut blank_bytes, mut blank_lines) = (0, 0);
            for line in self.text[gap.clone()].split_inclusive('\n') {
                let Some(body) = line.strip_suffix('\n') else {
                    break;
                };
                if body.bytes().any(|b| b != b' ' && b != b'\t') {
                    break;
                }
                blank_bytes += line.len();
                blank_lines += 1;
            }
            // A document end marker (`...`) first is an error for go-yaml: an empty list
            // needs none.
            let rest = &self.text[gap.start + blank_bytes..gap.end];
            let marker = rest.starts_with("...")
                && matches!(
                    rest.as_bytes().get(3),
                    None | Some(b' ' | b'\t' | b'\r' | b'\n')
                );
            let marker_bytes = if marker {
                rest.find('\n').map_or(rest.len(), |i| i + 1)
            } else {
                0
            };
            if blank_bytes > blank_lines || marker {
                pieces.push(Piece::Write("\n".repeat(blank_lines)));
                pieces.push(Piece::Keep(gap.start + blank_bytes + marker_bytes..gap.end));
                return;
            }
        }
        pieces.push(Piece::Keep(gap));
    }

    /// Writes `rendered` into a list that has no entries: in place of a `~`/`null`, or at the end.
    fn replace_empty(&self, rendered: String) -> Vec<Piece> {
        // Blanks with a tab or a form feed, which the authenticator skips as a blank value,
        // would be a tab in indentation (or a stray form feed) before the new entries.
        if self.text.trim().is_empty() && self.text.chars().any(|c| !matches!(c, ' ' | '\n')) {
            return vec![Piece::Write(rendered)];
        }
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let word = line.trim();
            if !word.is_empty() && !word.starts_with('#') {
                let start = offset + (line.len() - line.trim_start().len());
                let mut end = start + word.split(" #").next().unwrap_or(word).trim_end().len();
                // Blanks after the word that YAML reads as text (a form feed, a vertical
                // tab) would end up glued to the new entries: they go with the word.
                let eol = offset + line.trim_end_matches('\n').len();
                if self.text[end..eol].trim().is_empty() {
                    end = eol;
                }
                // A `null` that ends the text: the list ends with a line break, as every list
                // the tool writes (so a value that was `null` is written as `|`, not `|-`).
                let rendered = if self.text[end..].contains('\n') {
                    rendered.trim_end_matches('\n').to_string()
                } else {
                    rendered
                };
                return vec![
                    Piece::Keep(0..start),
                    Piece::Write(rendered),
                    Piece::Keep(end..self.text.len()),
                ];
            }
            offset += line.len();
        }
        let sep = if self.text.is_empty() || self.text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        vec![
            Piece::Keep(0..self.text.len()),
            Piece::Write(format!("{sep}{rendered}")),
        ]
    }

    /// A flow list keeps the text before each kept entry: its comma, its comments and its
    /// indentation. A removed entry takes the text before it, and a removed first entry the
    /// comment lines directly above it.
    fn flow_pieces(&self, seq: &FlowSeq, style: &FlowStyle, added: &[&Values]) -> Vec<Piece> {
        let entries = &self.parsed.entries;
        let first_start = entries.first().map_or(seq.start + 1, |e| e.span.start);
        let last_end = entries.last().map_or(seq.start + 1, |e| e.span.end);
        let head_end = match self.states.first() {
            Some(State::Removed) => self.flow_owned_start(0),
            _ => first_start,
        };
        let mut pieces = vec![Piece::Keep(0..head_end)];
        let mut any = false;
        for (i, entry) in entries.iter().enumerate() {
            let item: Vec<Piece> = match &self.states[i] {
                State::Removed => continue,
                State::Keep => vec![Piece::Keep(entry.span.clone())],
                State::Changed(v) => self.rewrite_entry(entry, v),
            };
            if i > 0 {
                let gap = entries[i - 1].span.end..entry.span.start;
                if any {
                    pieces.push(Piece::Keep(gap));
                } else {
                    // The entries before it went: its comma goes too.
                    let line_start = head_end == 0 || self.text.as_bytes()[head_end - 1] == b'\n';
                    pieces.push(Piece::Keep(after_comma(self.text, gap, line_start)));
                }
            }
            pieces.extend(item);
            any = true;
        }
        for v in added {
            if any {
                pieces.push(Piece::Write(style.separator.clone()));
            }
            pieces.push(Piece::Write(self.render_flow(style, v)));
            any = true;
        }
        pieces.push(Piece::Keep(last_end..self.text.len()));
        pieces
    }

    fn render_block(&self, style: &BlockStyle, v: &Values) -> String {
        if self.key == DataKey::MapAccounts {
            return format!(
                "{}- {}\n",
                " ".repeat(style.dash_col),
                crate::yaml::scalar::double_quoted(&v.arn)
            );
        }
        style.entry(&self.fields_of(v))
    }

    fn render_flow(&self, style: &FlowStyle, v: &Values) -> String {
        if self.key == DataKey::MapAccounts {
            return crate::yaml::scalar::double_quoted(&v.arn);
        }
        style.entry(&self.fields_of(v))
    }

    fn fields_of<'v>(&self, v: &'v Values) -> Vec<(Known, &'static str, FieldValue<'v>)> {
        let arn_name = if self.key == DataKey::MapRoles {
            "rolearn"
        } else {
            "userarn"
        };
        let mut fields = vec![(Known::Arn, arn_name, FieldValue::Str(&v.arn))];
        if let Some(u) = &v.username {
            fields.push((Known::Username, "username", FieldValue::Str(u)));
        }
        if let Some(g) = &v.groups {
            fields.push((Known::Groups, "groups", FieldValue::List(g)));
        }
        fields
    }

    /// An existing entry with changed values: only the changed fields' bytes are rewritten.
    fn rewrite_entry(&self, entry: &Entry, v: &Values) -> Vec<Piece> {
        let old = values_of(entry);
        let text = self.text;
        let flow = entry.node.is_flow();
        let block = BlockStyle::of_entry(text, entry);
        let flow_style = match &self.parsed.layout {
            Layout::Flow(_) => FlowStyle::of_entry(text, &self.parsed.entries, entry),
            _ => FlowStyle::of_entry(text, &[], entry),
        };
        let scalar = |s: &str| {
            if flow {
                flow_style.scalar(s)
            } else {
                block.scalar(s)
            }
        };
        let mut splices: Vec<(usize, usize, String)> = Vec::new();

        if v.arn != old.arn
            && let Some(f) = entry.field(Known::Arn)
        {
            splices.push(value_splice(text, f.key.end, &f.value, &scalar(&v.arn)));
        }
        if v.username != old.username {
            match (entry.field(Known::Username), &v.username) {
                (Some(f), Some(u)) => {
                    splices.push(value_splice(text, f.key.end, &f.value, &scalar(u)))
                }
                (None, Some(u)) => {
                    let after = entry
                        .field(Known::Arn)
                        .map_or(&entry.fields[0].value, |f| &f.value);
                    if flow {
                        let pair = flow_style.pair("username", FieldValue::Str(u));
                        splices.push((
                            after.end,
                            after.end,
                            format!("{}{pair}", flow_style.pair_separator()),
                        ));
                    } else {
                        let line = format!(
                            "{}{}: {}",
                            " ".repeat(block.key_col),
                            block.key("username"),
                            scalar(u)
                        );
                        splices.push(insert_line(text, after.end, &line));
                    }
                }
                (Some(f), None) => {
                    splices.push(remove_field(text, entry, f.key.start, &f.value, flow))
                }
                (None, None) => {}
            }
        }
        if v.groups != old.groups {
            match (entry.field(Known::Groups), &v.groups) {
                (Some(f), Some(g)) => {
                    let rendered = if flow {
                        flow_style.list(g)
                    } else if let NodeKind::Seq { flow: false, .. } = f.value.kind {
                        let pad = " ".repeat(dash_column(text, f.value.start));
                        let items: Vec<String> =
                            g.iter().map(|x| format!("- {}", block.scalar(x))).collect();
                        items.join(&format!("\n{pad}"))
                    } else if f.value.is_flow() {
                        block.flow_list(g)
                    } else {
                        // `groups:` with nothing (or a null) after it: the items follow the colon.
                        let colon = f.key.end + text[f.key.end..].find(':').unwrap_or(0);
                        // An empty block scalar (`groups: |`) ends after its line break.
                        let end = if text[..f.value.end].ends_with('\n') {
                            f.value.end - 1
                        } else {
                            f.value.end
                        };
                        splices.push((colon + 1, end.max(colon + 1), block.groups_value(g)));
                        String::new()
                    };
                    if !rendered.is_empty() {
                        // A block scalar as the last item ends after its line break: keep it.
                        let end = if text[..f.value.end].ends_with('\n') && !f.value.is_flow() {
                            f.value.end - 1
                        } else {
                            f.value.end
                        };
                        splices.push((f.value.start, end.max(f.value.start), rendered));
                    }
                }
                (None, Some(g)) => {
                    let last = entry.fields.last().map_or(&entry.node, |f| &f.value);
                    if flow {
                        let pair = flow_style.pair("groups", FieldValue::List(g));
                        splices.push((
                            last.end,
                            last.end,
                            format!("{}{pair}", flow_style.pair_separator()),
                        ));
                    } else {
                        let line = format!(
                            "{}{}:{}",
                            " ".repeat(block.key_col),
                            block.key("groups"),
                            block.groups_value(g)
                        );
                        splices.push(insert_line(text, last.end, &line));
                    }
                }
                (Some(f), None) => {
                    splices.push(remove_field(text, entry, f.key.start, &f.value, flow))
                }
                (None, None) => {}
            }
        }
        sort_small_by_key(&mut splices, |s| (s.0, s.1));
        let mut pieces = Vec::with_capacity(splices.len() * 2 + 1);
        let mut cursor = entry.span.start;
        for (start, end, mut with) in splices {
            pieces.push(Piece::Keep(cursor..start.max(cursor)));
            // A comment glued to the old closing quote would be part of a new plain value.
            let glued = end > start
                && matches!(
                    text.as_bytes().get(end - 1),
                    Some(b'\'' | b'"' | b']' | b'}')
                )
                && text.get(end..).is_some_and(|r| r.starts_with('#'));
            if glued && !with.is_empty() && !with.ends_with(' ') {
                with.push(' ');
            }
            pieces.push(Piece::Write(with));
            cursor = end.max(cursor);
        }
        pieces.push(Piece::Keep(cursor..entry.span.end));
        pieces
    }
}

/// Replace a field's scalar value; an empty `key:` gets ` value` after its colon.
fn value_splice(text: &str, key_end: usize, value: &Node, with: &str) -> (usize, usize, String) {
    if value.is_empty_plain() {
        let colon = key_end + text[key_end..].find(':').unwrap_or(0);
        return (colon + 1, colon + 1, format!(" {with}"));
    }
    let span = block_scalar_span(text, key_end, value).unwrap_or(value.start..value.end);
    (span.start, span.end, with.to_string())
}

/// A new line after the line holding `after_end`.
fn insert_line(text: &str, after_end: usize, line: &str) -> (usize, usize, String) {
    let at = line_end(text, after_end);
    if text[..at].ends_with('\n') {
        (at, at, format!("{line}\n"))
    } else {
        (at, at, format!("\n{line}"))
    }
}

/// Deletes a field: its whole lines in a block entry, or the pair and one comma in a flow one.
fn remove_field(
    text: &str,
    entry: &Entry,
    key_start: usize,
    value: &Node,
    flow: bool,
) -> (usize, usize, String) {
    let index = entry
        .fields
        .iter()
        .position(|f| f.key.start == key_start)
        .unwrap_or(0);
    let next_key = entry.fields.get(index + 1).map(|f| f.key.start);
    if flow {
        return match (index, next_key) {
            (0, Some(next)) => (key_start, next, String::new()),
            _ => {
                let prev_end = if index == 0 {
                    key_start
                } else {
                    entry.fields[index - 1].value.end
                };
                (prev_end, value.end, String::new())
            }
        };
    }
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let on_dash_line = text[line_start..key_start].contains('-');
    match (on_dash_line, next_key) {
        // The first field shares the `- ` line: the next field moves up to take its place.
        (true, Some(next)) => (key_start, next, String::new()),
        (true, None) => (key_start, value.end.max(key_start), String::new()),
        (false, _) => (
            line_start,
            line_end(text, value.end.max(key_start + 1)),
            String::new(),
        ),
    }
}

/// What a line between block entries is, for the comments a removed entry takes along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    /// A comment line not indented deeper than `dash`.
    Comment,
    /// A comment line indented deeper: it belongs to the entry above it.
    DeepComment,
    Other,
}

fn line_kind(line: &str, dash: usize) -> LineKind {
    let body = line.trim_end_matches(['\n', '\r']);
    let text = body.trim_start_matches([' ', '\t']);
    if text.is_empty() {
        LineKind::Blank
    } else if text.starts_with('#') && body.len() - text.len() <= dash {
        LineKind::Comment
    } else if text.starts_with('#') {
        LineKind::DeepComment
    } else {
        LineKind::Other
    }
}

impl ListEditor<'_> {
    /// Where a removed flow entry's own text begins: the start of its line and of the comment
    /// lines directly above it when it is the first thing on its line, else the entry itself.
    fn flow_owned_start(&self, i: usize) -> usize {
        let start = self.parsed.entries[i].span.start;
        let line_start = self.text[..start].rfind('\n').map_or(0, |n| n + 1);
        let indent = &self.text[line_start..start];
        if !indent.bytes().all(|b| b == b' ' || b == b'\t') {
            return start;
        }
        let column = indent.len();
        let mut owned = line_start;
        for line in self.text[..line_start].split_inclusive('\n').rev() {
            if line_kind(line, column) != LineKind::Comment {
                break;
            }
            owned -= line.len();
        }
        owned
    }
}

/// The start of `range` past its leading blank lines (whole lines only).
fn skip_blank_lines(text: &str, range: std::ops::Range<usize>) -> usize {
    let mut at = range.start;
    for line in text[range].split_inclusive('\n') {
        if !line.ends_with('\n') || line_kind(line, 0) != LineKind::Blank {
            break;
        }
        at += line.len();
    }
    at
}

/// The part of a flow gap after its comma (and after the comma's line when the text before
/// already ends a line), for an entry that becomes the first of its list.
fn after_comma(
    text: &str,
    gap: std::ops::Range<usize>,
    line_start: bool,
) -> std::ops::Range<usize> {
    let bytes = text.as_bytes();
    let mut at = gap.start;
    while at < gap.end && bytes[at] != b',' {
        at += 1;
    }
    if at == gap.end {
        return gap;
    }
    at += 1;
    while at < gap.end && (bytes[at] == b' ' || bytes[at] == b'\t') {
        at += 1;
    }
    if line_start {
        if bytes[at..gap.end].starts_with(b"\r\n") {
            at += 2;
        } else if bytes[at..gap.end].starts_with(b"\n") {
            at += 1;
        }
        at = skip_blank_lines(text, at..gap.end);
    }
    at..gap.end
}
