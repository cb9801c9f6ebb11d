//! Edits of one list (`mapRoles`, `mapUsers` or `mapAccounts`), kept as decisions per entry
//! until the end, then written out as pieces: untouched entries and gaps are copied, changed
//! fields are rewritten in place, new entries are rendered in the neighbours' style.
//!
//! Every operation is a hash lookup on the entry identity, so a batch of edits costs the size
//! of the list plus the number of edits, not their product.

use std::collections::HashMap;

use crate::arn::{role_identity, strip_role_path, user_identity};
use crate::authenticator::{Candidate, dropped_reason, mapping_dropped_reason};
use crate::model::DataKey;
use crate::section::{Entry, FlowSeq, Known, Layout, Parsed, line_end};
use crate::small_sort::sort_small_by_key;
use crate::yaml::raw_value::{Piece, block_scalar_span};
use crate::yaml::tree::{Node, NodeKind};

use super::style::{BlockStyle, FieldValue, FlowStyle, ListStyle, dash_column};

/// A range of the new text and the entries it must read back as.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub range: std::ops::Range<usize>,
    pub values: Vec<Values>,
}

/// The values of an entry that edits decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Values {
    pub arn: String,
    pub username: Option<String>,
    /// `None`: no `groups` key.
    pub groups: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
enum State {
    Keep,
    Removed,
    Changed(Values),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Old(usize),
    New(usize),
}

/// Pending edits of one list.
pub(crate) struct ListEditor<'a> {
    key: DataKey,
    text: &'a str,
    parsed: &'a Parsed,
    prefer_flow: bool,
    states: Vec<State>,
    added: Vec<Option<Values>>,
    by_identity: HashMap<String, Slots>,
}

/// The entries with one identity. Nearly always one: it is kept inline, so indexing a list
/// of thousands of entries does not allocate a vector for each.
#[derive(Debug, Default)]
struct Slots {
    first: Option<Slot>,
    more: Vec<Slot>,
}

impl Slots {
    fn push(&mut self, slot: Slot) {
        match self.first {
            None => self.first = Some(slot),
            Some(_) => self.more.push(slot),
        }
    }

    fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        self.first.into_iter().chain(self.more.iter().copied())
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UpsertResult {
    Added,
    Updated,
    Unchanged,
}

/// What an upsert did, and what it left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upserted {
    pub result: UpsertResult,
    /// Role ARNs with a path of entries with the upserted identity that were not changed.
    pub left_with_path: Vec<String>,
    /// The role ARN with a path that was rewritten without it, if one was.
    pub repaired: Option<String>,
}

impl<'a> ListEditor<'a> {
    pub fn new(key: DataKey, text: &'a str, parsed: &'a Parsed, prefer_flow: bool) -> Self {
        let mut by_identity: HashMap<String, Slots> = HashMap::with_capacity(parsed.entries.len());
        for (i, e) in parsed.entries.iter().enumerate() {
            if let Some(id) = entry_identity(key, e) {
                by_identity.entry(id).or_default().push(Slot::Old(i));
            }
        }
        let states = vec![State::Keep; parsed.entries.len()];
        ListEditor {
            key,
            text,
            parsed,
            prefer_flow,
            states,
            added: Vec::new(),
            by_identity,
        }
    }

    pub fn identity(&self, arn: &str) -> String {
        match self.key {
            DataKey::MapRoles => role_identity(arn),
            DataKey::MapUsers => user_identity(arn),
            DataKey::MapAccounts => arn.to_string(),
        }
    }

    fn current(&self, slot: Slot) -> Option<Values> {
        match slot {
            Slot::New(j) => self.added[j].clone(),
            Slot::Old(i) => match &self.states[i] {
                State::Removed => None,
                State::Changed(v) => Some(v.clone()),
                State::Keep => Some(values_of(&self.parsed.entries[i])),
            },
        }
    }

    fn set(&mut self, slot: Slot, values: Option<Values>) {
        match (slot, values) {
            (Slot::New(j), v) => self.added[j] = v,
            (Slot::Old(i), None) => self.states[i] = State::Removed,
            (Slot::Old(i), Some(v)) => {
                self.states[i] = if v == values_of(&self.parsed.entries[i]) {
                    State::Keep
                } else {
                    State::Changed(v)
                }
            }
        }
    }

    fn slots(&self, identity: &str) -> Vec<Slot> {
        self.by_identity.get(identity).map_or_else(Vec::new, |s| {
            s.iter()
                .filter(|&slot| self.current(slot).is_some())
                .collect()
        })
    }

    /// Whether an existing entry with this identity uses YAML the editor does not rewrite.
    pub fn opaque_match(&self, identity: &str) -> Option<usize> {
        self.slots(identity).into_iter().find_map(|s| match s {
            Slot::Old(i) if self.parsed.entries[i].is_opaque() => Some(i),
            _ => None,
        })
    }

    pub fn upsert(
        &mut self,
        arn: &str,
        username: Option<&str>,
        groups: &[String],
        append: bool,
        update_username: bool,
    ) -> Upserted {
        let identity = self.identity(arn);
        // An entry the authenticator drops whatever its values (one with both `rolearn` and
        // `sso`) is no target: updated, it would still grant nothing. It stays as written.
        let dropped = |slot: &Slot| match slot {
            Slot::Old(i) => self
                .parsed
                .entries
                .get(*i)
                .is_some_and(|e| mapping_dropped_reason(e).is_some()),
            Slot::New(_) => false,
        };
        let slots: Vec<Slot> = self
            .slots(&identity)
            .into_iter()
            .filter(|s| !dropped(s))
            .collect();
        if slots.is_empty() {
            let values = Values {
                arn: arn.to_string(),
                username: username.map(str::to_string),
                groups: (!groups.is_empty()).then(|| dedup(groups)),
            };
            self.added.push(Some(values));
            self.by_identity
                .entry(identity)
                .or_default()
                .push(Slot::New(self.added.len() - 1));
            return Upserted {
                result: UpsertResult::Added,
                left_with_path: Vec::new(),
                repaired: None,
            };
        }
        // Entries of this identity whose role ARN has a path are dead to the authenticator.
        // Rewriting one next to a path-free entry could make it the last of that key, and so
        // override the live entry: such entries are only reported. With no path-free entry,
        // the last path-ful one is repaired (its ARN written without the path).
        let has_path = |slot: Slot| {
            self.key == DataKey::MapRoles
                && self
                    .current(slot)
                    .is_some_and(|v| strip_role_path(&v.arn).is_some())
        };
        let (pathful, plain): (Vec<Slot>, Vec<Slot>) =
            slots.into_iter().partition(|&s| has_path(s));
        let mut left: Vec<String> = pathful
            .iter()
            .filter_map(|&s| self.current(s).map(|v| v.arn))
            .collect();
        let mut repaired = None;
        let targets = if plain.is_empty() {
            repaired = left.pop();
            pathful.last().copied().into_iter().collect()
        } else {
            plain
        };
        let mut changed = false;
        for slot in targets {
            let Some(cur) = self.current(slot) else {
                continue;
            };
            let mut next = cur.clone();
            let have = cur.groups.clone().unwrap_or_default();
            let want = if append {
                union(&have, groups)
            } else {
                dedup(groups)
            };
            next.groups = (!want.is_empty()).then_some(want);
            if cur.groups.as_ref().is_some_and(Vec::is_empty) && next.groups.is_none() {
                next.groups = cur.groups.clone();
            }
            if update_username && let Some(u) = username {
                next.username = Some(u.to_string());
            }
            if repaired.is_some() {
                next.arn = arn.to_string();
            }
            if next != cur {
                changed = true;
                self.set(slot, Some(next));
            }
        }
        let result = if changed {
            UpsertResult::Updated
        } else {
            UpsertResult::Unchanged
        };
        Upserted {
            result,
            left_with_path: left,
            repaired,
        }
    }

    /// Removes every entry with this identity whose username and groups match where given.
    /// Returns the ARNs of the removed entries as written.
    pub fn remove(
        &mut self,
        arn: &str,
        username: Option<&str>,
        groups: Option<&[String]>,
    ) -> Vec<String> {
        let identity = self.identity(arn);
        let mut removed = Vec::new();
        for slot in self.slots(&identity) {
            let Some(cur) = self.current(slot) else {
                continue;
            };
            if username.is_some_and(|u| cur.username.as_deref() != Some(u)) {
                continue;
            }
            if let Some(g) = groups
                && !same_set(cur.groups.as_deref().unwrap_or_default(), g)
            {
                continue;
            }
            removed.push(cur.arn.clone());
            self.set(slot, None);
        }
        removed
    }

    /// Removes every entry whose username is exactly `username`; returns their ARNs.
    pub fn remove_by_username(&mut self, username: &str) -> Vec<String> {
        let slots: Vec<Slot> = (0..self.parsed.entries.len())
            .map(Slot::Old)
            .chain((0..self.added.len()).map(Slot::New))
            .collect();
        let mut removed = Vec::new();
        for slot in slots {
            if let Some(cur) = self.current(slot)
                && cur.username.as_deref() == Some(username)
            {
                removed.push(cur.arn.clone());
                self.set(slot, None);
            }
        }
        removed
    }

    /// Whether any entry will be written differently.
    pub fn is_changed(&self) -> bool {
        self.added.iter().any(Option::is_some)
            || self.states.iter().any(|s| !matches!(s, State::Keep))
    }

    /// Whether an entry is removed or changed in a way `affects` says matters (it gets the
    /// entry as read and its new values, `None` when it is removed).
    pub fn touches(&self, affects: impl Fn(&Entry, Option<&Values>) -> bool) -> bool {
        self.states
            .iter()
            .zip(&self.parsed.entries)
            .any(|(state, entry)| match state {
                State::Keep => false,
                State::Removed => affects(entry, None),
                State::Changed(v) => affects(entry, Some(v)),
            })
    }

    /// The entries for the authenticator's view as they will be written, indexed by their
    /// position in the written list.
    pub fn candidates(&self) -> Vec<Candidate<'_>> {
        let key = self.key;
        let entries = self.parsed.entries.iter().enumerate();
        let mut out = Vec::with_capacity(self.parsed.entries.len() + self.added.len());
        for (i, e) in entries {
            let index = out.len();
            match &self.states[i] {
                State::Keep => out.push(Candidate::of_entry(key, index, e)),
                State::Removed => {}
                State::Changed(v) => out.push(of_values(key, index, v, Some(e))),
            }
        }
        for v in self.added.iter().flatten() {
            out.push(of_values(key, out.len(), v, None));
        }
        out
    }

    /// The values every live entry will have, in order (for the read-back check).
    pub fn final_values(&self) -> Vec<Values> {
        (0..self.states.len())
            .map(Slot::Old)
            .chain((0..self.added.len()).map(Slot::New))
            .filter_map(|s| self.current(s))
            .collect()
    }

    /// The new text of the list as pieces of the old one and new writing.
    /// The new text as pieces, and for a plain block list, the ranges of the new text that hold
    /// new or changed entries with the values they must read back as. Everything outside those
    /// ranges is whole entries and gaps copied unchanged, so checking the ranges checks the list.
    pub fn written(&self) -> (Vec<Piece>, Option<Vec<Check>>) {
        let style = ListStyle::of(self.text, self.parsed, self.prefers_flow());
        match (&self.parsed.layout, &style) {
            (Layout::Block, ListStyle::Block(block))
                if self.parsed.simple && !self.parsed.entries.is_empty() =>
            {
                let added: Vec<&Values> = self.added.iter().flatten().collect();
                let mut checks = Vec::new();
                let pieces = self.block_pieces(block, &added, Some(&mut checks));
                (pieces, Some(checks))
            }
            _ => (self.pieces(), None),
        }
    }

    /// Column of the list's `-`, for lists that have entries.
    pub fn dash_col(&self) -> Option<usize> {
        self.parsed
            .entries
            .first()
            .map(|e| dash_column(self.text, e.node.start))
    }

    /// Whether new entries of a list with none to copy are written as a flow list: when a
    /// sibling key is JSON, or for `mapAccounts: "[]"` as AWS CDK writes it (accounts then go
    /// into the brackets).
    fn prefers_flow(&self) -> bool {
        self.prefer_flow
            || self.key == DataKey::MapAccounts && matches!(self.parsed.layout, Layout::Flow(_))
    }

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

    fn block_pieces(
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
        // Blanks with a tab, which the authenticator skips as a blank value, would be a tab in
        // indentation before the new entries.
        if self.text.trim().is_empty() && self.text.contains('\t') {
            return vec![Piece::Write(rendered)];
        }
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let word = line.trim();
            if !word.is_empty() && !word.starts_with('#') {
                let start = offset + (line.len() - line.trim_start().len());
                let end = start + word.split(" #").next().unwrap_or(word).trim_end().len();
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

fn entry_identity(key: DataKey, e: &Entry) -> Option<String> {
    Some(match key {
        DataKey::MapRoles => role_identity(e.arn()?),
        DataKey::MapUsers => user_identity(e.arn()?),
        DataKey::MapAccounts => match &e.value {
            crate::section::EntryValue::Account(a) => a.clone(),
            _ => return None,
        },
    })
}

/// Written values for the authenticator's view. The fields an edit does not decide (such as a
/// wrong-typed `userid`) stay, and with them whether the entry is dropped.
fn of_values<'v>(
    list: DataKey,
    index: usize,
    v: &'v Values,
    entry: Option<&'v Entry>,
) -> Candidate<'v> {
    Candidate {
        list,
        index,
        arn: Some(v.arn.as_str()).filter(|a| !a.is_empty()),
        sso: None,
        groups: v.groups.as_deref(),
        dropped: entry.and_then(dropped_reason),
        line: None,
    }
}

pub(crate) fn values_of(e: &Entry) -> Values {
    let arn = match &e.value {
        crate::section::EntryValue::Account(a) => a.clone(),
        _ => e.arn().unwrap_or_default().to_string(),
    };
    Values {
        arn,
        username: e.username().map(str::to_string),
        groups: e.groups().map(<[String]>::to_vec),
    }
}

fn dedup(groups: &[String]) -> Vec<String> {
    union(&[], groups)
}

/// `have` then the items of `add` not already there, in order, without duplicates.
fn union(have: &[String], add: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(have.len() + add.len());
    for g in have.iter().chain(add) {
        if !out.contains(g) {
            out.push(g.clone());
        }
    }
    out
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
}
