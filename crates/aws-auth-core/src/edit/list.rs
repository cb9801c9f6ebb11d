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

use super::style::{ListStyle, dash_column};

mod write;

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
