//! [`AwsAuth`]: an aws-auth ConfigMap (a manifest, or just its data) that reads, validates and
//! edits without losing a byte it did not change.

use crate::quoted::quoted;
use crate::small_sort::sort_small_by_key;
use std::fmt;
use std::str::FromStr;

use crate::arn::{arn_problem, strip_role_path};
use crate::authenticator::{AuthenticatorView, Candidate, EntryStatus, MASTERS};
use crate::diagnostics::{Code, Diagnostic, Severity, diagnostic};
use crate::edit::list::{Check, ListEditor, UpsertResult, Values};
use crate::edit::{Action, Change, Edit, Options, Remove, Upsert};
use crate::error::Error;
use crate::line_breaks::LineBreaks;
use crate::manifest::{Located, Written, locate, write_key};
use crate::model::{DataKey, Mappings};
use crate::section::{EntryValue, KeyProblem, Layout, Section, read_section};
use crate::validate::{check_section, template_problems};
use crate::yaml::raw_value::{Piece, same_but_trailing_space};

/// The largest input accepted: a ConfigMap holds at most 1 MiB, with room for a verbose manifest.
pub const MAX_INPUT_BYTES: usize = 3 * 1024 * 1024;

/// The most data a ConfigMap may hold (the sum of its values' lengths): the API server
/// refuses more. An edit that would grow the data past it is refused.
pub const MAX_DATA_BYTES: usize = 1024 * 1024;

fn grants_masters(groups: Option<&[String]>) -> bool {
    groups.is_some_and(|g| g.iter().any(|x| x == MASTERS))
}

/// An aws-auth ConfigMap, read from a manifest or from its `data`.
///
/// Printing it (`Display`) gives back the manifest: byte-for-byte the input when nothing was
/// edited, and otherwise the input with only the edited entries changed.
///
/// ```
/// use aws_auth_core::AwsAuth;
/// let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapUsers: |\n    # admins\n    - userarn: arn:aws:iam::111122223333:user/ada\n      username: ada\n      groups: [system:masters]\n";
/// let auth: AwsAuth = text.parse().unwrap();
/// assert_eq!(auth.mappings().users[0].username.as_deref(), Some("ada"));
/// assert_eq!(auth.to_string(), text);
/// ```
#[derive(Debug, Clone)]
pub struct AwsAuth {
    source: Source,
    sections: Vec<Section>,
    manifest_diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
enum Source {
    Manifest {
        /// The manifest with LF line breaks (see [`LineBreaks`]).
        text: String,
        name: String,
        /// The namespace the ConfigMap was looked for in, if one was given.
        namespace: Option<String>,
        /// Where the data keys are in `text`; recomputed on demand after an edit.
        located: Option<Box<Located>>,
        /// The line breaks of the input, restored when the manifest is printed.
        breaks: LineBreaks,
        /// Bytes of the values of the data keys other than the three (edits never change them).
        other_data_bytes: usize,
        /// Whether the manifest is JSON (AWS CDK, `kubectl -o json`); kept here because
        /// `located` is dropped by an edit, and the next edit must still write JSON.
        json: bool,
    },
    Data(Vec<(String, String)>),
}

impl AwsAuth {
    /// Reads a manifest (YAML or JSON; a stream whose aws-auth ConfigMap is one document or
    /// one item of a `kind: List`; or a bare `data` map).
    ///
    /// # Errors
    /// The manifest is not YAML, holds no aws-auth ConfigMap, or is larger than
    /// [`MAX_INPUT_BYTES`]. Problems inside `mapRoles` and friends are not errors here: they are
    /// diagnostics (see [`AwsAuth::validate`]), and such a key refuses edits.
    pub fn parse(text: &str) -> Result<AwsAuth, Error> {
        AwsAuth::parse_named(text, "aws-auth")
    }

    /// Like [`AwsAuth::parse`] for a ConfigMap with another name.
    ///
    /// # Errors
    /// As [`AwsAuth::parse`].
    pub fn parse_named(text: &str, name: &str) -> Result<AwsAuth, Error> {
        AwsAuth::parse_in(text, None, name)
    }

    /// Like [`AwsAuth::parse_named`] for a manifest that may hold ConfigMaps of that name in
    /// several namespaces: with `Some(namespace)`, only the one in that namespace (or one
    /// that names none) is read. Without, the one in `kube-system` is preferred.
    ///
    /// ```
    /// use aws_auth_core::AwsAuth;
    /// let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata: {mapUsers: '[{userarn: arn:aws:iam::111122223333:user/a, username: a}]'}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: staging}\ndata: {mapUsers: '[{userarn: arn:aws:iam::111122223333:user/b, username: b}]'}\n";
    /// let staging = AwsAuth::parse_in(text, Some("staging"), "aws-auth").unwrap();
    /// assert_eq!(staging.mappings().users[0].username.as_deref(), Some("b"));
    /// assert_eq!(AwsAuth::parse(text).unwrap().namespace().as_deref(), Some("kube-system"));
    /// ```
    ///
    /// # Errors
    /// As [`AwsAuth::parse`]; also when several ConfigMaps fit and none is preferred.
    pub fn parse_in(text: &str, namespace: Option<&str>, name: &str) -> Result<AwsAuth, Error> {
        if text.len() > MAX_INPUT_BYTES {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: MAX_INPUT_BYTES,
            });
        }
        let breaks = LineBreaks::of(text);
        let text = breaks.to_lf(text);
        let located = locate(&text, namespace, name)?;
        let mut sections = Vec::new();
        for key in DataKey::ALL {
            if let Some(site) = located.key(key.as_str()) {
                let section_text = site.value.as_str().map(str::to_string);
                match section_text {
                    Some(t) => sections.push(read_section(key, t)),
                    None => sections.push(Section::broken(
                        key,
                        KeyProblem::Type {
                            line: site.value.line,
                            column: site.value.col + 1,
                            message: format!("{key} must be a string value in the manifest"),
                        },
                    )),
                }
            }
        }
        let manifest_diagnostics = located.diagnostics.clone();
        let source = Source::Manifest {
            text: text.into_owned(),
            name: name.to_string(),
            namespace: namespace.map(str::to_string),
            other_data_bytes: located.other_data_bytes(),
            json: located.json,
            located: Some(Box::new(located)),
            breaks,
        };
        Ok(AwsAuth {
            source,
            sections,
            manifest_diagnostics,
        })
    }

    /// Reads the `data` of a ConfigMap as the API server returns it (key → string).
    pub fn from_data<I, K, V>(data: I) -> AwsAuth
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let data: Vec<(String, String)> = data
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        // A value with CRLF line breaks (made from a Windows file with `kubectl create
        // configmap --from-file`) is read as LF text and written back with CRLF.
        let sections = DataKey::ALL
            .iter()
            .filter_map(|&key| {
                data.iter()
                    .find(|(k, _)| k == key.as_str())
                    .map(|(_, v)| read_section(key, LineBreaks::of(v).to_lf(v).into_owned()))
            })
            .collect();
        let manifest_diagnostics = data
            .iter()
            .filter(|(k, _)| DataKey::from_name(k).is_none())
            .filter_map(|(k, _)| {
                let real = DataKey::ALL
                    .into_iter()
                    .find(|d| d.as_str().eq_ignore_ascii_case(k))?;
                Some(diagnostic(
                    Code::KeyCase,
                    None,
                    None,
                    None,
                    format!(
                        "data key {} is ignored by the authenticator; the key is {real}",
                        quoted(k)
                    ),
                ))
            })
            .collect();
        AwsAuth {
            source: Source::Data(data),
            sections,
            manifest_diagnostics,
        }
    }

    /// The data as key → string, in order: every key of the ConfigMap, the aws-auth keys as
    /// they are now and any other key as it was written.
    pub fn data(&self) -> Vec<(String, String)> {
        match &self.source {
            Source::Data(d) => d.clone(),
            Source::Manifest {
                text,
                name,
                namespace,
                located,
                ..
            } => {
                let fresh;
                let located = match located {
                    Some(l) => &**l,
                    None => match locate(text, namespace.as_deref(), name) {
                        Ok(l) => {
                            fresh = l;
                            &fresh
                        }
                        Err(_) => return Vec::new(),
                    },
                };
                located.data()
            }
        }
    }

    /// `metadata.name` of the ConfigMap (`aws-auth` unless parsed with another name); `None`
    /// for data read with [`AwsAuth::from_data`].
    pub fn name(&self) -> Option<&str> {
        match &self.source {
            Source::Manifest { name, .. } => Some(name),
            Source::Data(_) => None,
        }
    }

    /// `metadata.namespace` of the ConfigMap as written in the manifest, if any.
    pub fn namespace(&self) -> Option<String> {
        match &self.source {
            Source::Manifest {
                located: Some(l), ..
            } => l.namespace.clone(),
            Source::Manifest {
                text,
                name,
                namespace,
                ..
            } => locate(text, namespace.as_deref(), name)
                .ok()
                .and_then(|l| l.namespace),
            Source::Data(_) => None,
        }
    }

    /// Bytes of the ConfigMap's data, as the API server counts them: the values' lengths.
    fn data_bytes(&self) -> usize {
        let other = match &self.source {
            Source::Manifest {
                other_data_bytes, ..
            } => *other_data_bytes,
            Source::Data(data) => data
                .iter()
                .filter(|(k, _)| DataKey::from_name(k).is_none())
                .map(|(_, v)| v.len())
                .sum(),
        };
        let keys: usize = self.sections.iter().map(|s| s.text.len()).sum();
        other + keys
    }

    /// The text of one key, if present.
    pub fn key_text(&self, key: DataKey) -> Option<&str> {
        self.section(key).map(|s| s.text.as_str())
    }

    fn section(&self, key: DataKey) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// Every entry of the three keys, as written, in order. Keys that do not parse contribute
    /// nothing; [`AwsAuth::validate`] reports them.
    pub fn mappings(&self) -> Mappings {
        let mut m = Mappings::default();
        for s in &self.sections {
            let Ok(parsed) = s.parsed() else { continue };
            for e in &parsed.entries {
                match &e.value {
                    EntryValue::Role(r) => m.roles.push(r.clone()),
                    EntryValue::User(u) => m.users.push(u.clone()),
                    EntryValue::Account(a) => m.accounts.push(a.clone()),
                }
            }
        }
        m
    }

    /// All diagnostics: manifest problems first, then each key's in key order.
    pub fn validate(&self) -> Vec<Diagnostic> {
        let mut out = self.manifest_diagnostics.clone();
        let (mut roles, mut users) = (None, None);
        for s in &self.sections {
            let view = check_section(s, &mut out);
            match s.key {
                DataKey::MapRoles => roles = view,
                DataKey::MapUsers => users = view,
                DataKey::MapAccounts => {}
            }
        }
        // Across keys: `mapRoles` is searched first, so a user entry for an ARN a live role
        // entry also maps is never used. The views of each key are the whole document's view
        // once joined; a key that does not parse has no entries in it.
        let (Some(roles), Some(users)) = (roles, users) else {
            return out;
        };
        let users_parsed = self.section(DataKey::MapUsers).map(Section::parsed);
        let Some(Ok(parsed)) = users_parsed else {
            return out;
        };
        for e in AuthenticatorView::joined(roles, users).entries {
            let EntryStatus::Shadowed { by } = e.status else {
                continue;
            };
            let node = &parsed.entries[e.index].node;
            out.push(diagnostic(
                Code::DuplicateIdentity,
                Some(DataKey::MapUsers),
                Some(e.index),
                Some((node.line, node.col + 1)),
                format!(
                    "entry {} ({}) is never used: mapRoles entry {by} maps the same ARN, and mapRoles is searched first",
                    e.index,
                    e.arn.unwrap_or_default()
                ),
            ));
        }
        out
    }

    /// Applies edits in order, all or nothing, and reports what each did.
    ///
    /// # Errors
    /// A key the edits need does not parse; an argument is invalid; a remove matched nothing
    /// (without `force`); the result would lock administrators out (without `allow_lockout`) or
    /// would add an error. On error nothing changes.
    pub fn apply(&mut self, edits: &[Edit], options: &Options) -> Result<Vec<Change>, Error> {
        let empty = read_section(DataKey::MapRoles, String::new());
        let mut editors = Editors(Vec::new());
        let mut changes = Vec::new();
        for edit in edits {
            check_arguments(edit)?;
            for key in keys_of(edit) {
                if editors.get(key).is_some() {
                    continue;
                }
                let section = self.section(key).unwrap_or(&empty);
                let parsed = match section.parsed() {
                    Ok(p) if p.not_editable.is_some() => {
                        let reason = p.not_editable.clone().unwrap_or_default();
                        return Err(Error::KeyNotEditable { key, reason });
                    }
                    Ok(p) => p,
                    Err(problem) => return Err(not_editable(key, problem)),
                };
                let prefer_flow = self.prefers_flow();
                editors.0.push((
                    key,
                    ListEditor::new(key, &section.text, parsed, prefer_flow),
                ));
            }
            apply_one(edit, options, &mut editors, &mut changes)?;
        }
        if editors.changed().next().is_none() {
            return Ok(changes);
        }
        if let Source::Manifest {
            breaks: LineBreaks::Mixed { line },
            ..
        } = self.source
        {
            return Err(Error::Manifest {
                what: format!(
                    "refusing to edit: the manifest mixes line breaks (CRLF, LF or a lone CR; \
                     first at line {line}), so new lines have no one style to follow; convert \
                     it to one kind (for example with dos2unix) first"
                ),
            });
        }
        self.check_lockout(&editors, options)?;
        let mut updates: Vec<(DataKey, Vec<Piece>)> = Vec::new();
        // Per changed key: the values every entry must read back as, and for a plain block
        // list the new or changed ranges that alone need checking.
        let mut expected: Vec<(DataKey, Option<RangeChecks>)> = Vec::new();
        for (key, editor) in editors.changed() {
            let (pieces, checks) = editor.written();
            updates.push((key, pieces));
            expected.push((key, checks.zip(editor.dash_col())));
        }
        sort_small_by_key(&mut updates, |(k, _)| *k);
        let next = self.with_updates(&updates)?;
        let size = next.data_bytes();
        if size > MAX_DATA_BYTES && size > self.data_bytes() {
            return Err(Error::DataTooLarge {
                size,
                limit: MAX_DATA_BYTES,
            });
        }
        for (key, checks) in expected {
            let Some(section) = next.section(key) else {
                return Err(not_read_back(key));
            };
            // The values of the whole list, only where the ranges cannot be checked alone.
            let want = || {
                editors
                    .get(key)
                    .map(ListEditor::final_values)
                    .unwrap_or_default()
            };
            let quick = checks.and_then(|(checks, dash_col)| {
                verify_ranges(key, &section.text, &checks, dash_col)
            });
            debug_assert!(
                quick != Some(true) || full_read_back(&next, key, &want()),
                "the range check passed but the whole {key} does not read back"
            );
            match quick {
                // Only new and changed entries were read: they read back right and add no error.
                Some(true) => continue,
                Some(false) => return Err(not_read_back(key)),
                None => {}
            }
            // The written text must read back as exactly the entries the edits decided on ...
            if !full_read_back(&next, key, &want()) {
                return Err(not_read_back(key));
            }
            // ... and add no error.
            let added = new_errors(&self.key_diagnostics(&[key]), &next.key_diagnostics(&[key]));
            if !added.is_empty() {
                return Err(Error::WouldBreak(added));
            }
        }
        drop(editors);
        *self = next;
        Ok(changes)
    }

    /// Whether new entries in an empty key should be JSON: when a sibling key is.
    fn prefers_flow(&self) -> bool {
        let flow = |k: DataKey| {
            self.section(k).is_some_and(|s| matches!(s.parsed(), Ok(p) if matches!(p.layout, Layout::Flow(_)) && !p.entries.is_empty()))
        };
        // A JSON manifest (as AWS CDK and `kubectl -o json` write it) gets JSON lists too.
        let json_manifest = matches!(&self.source, Source::Manifest { json: true, .. });
        flow(DataKey::MapRoles) || flow(DataKey::MapUsers) || json_manifest
    }

    /// Refuses edits after which no live entry grants `system:masters` where one did, as the
    /// authenticator sees it ([`AuthenticatorView`]), not by the looser identity edits target.
    fn check_lockout(&self, editors: &Editors<'_>, options: &Options) -> Result<(), Error> {
        if options.allow_lockout {
            return Ok(());
        }
        // Only removing or changing an entry that grants it, or changing an ARN (which moves
        // the entry to another key, where it may override or be overridden), can take a
        // grant away: most edits stop here.
        let touched = [DataKey::MapRoles, DataKey::MapUsers].iter().any(|&key| {
            editors.get(key).is_some_and(|e| {
                e.touches(|entry, new| {
                    grants_masters(entry.groups())
                        || new.is_some_and(|v| Some(v.arn.as_str()) != entry.arn())
                })
            })
        });
        if !touched {
            return Ok(());
        }
        let before = self.authenticator_view();
        let admins = before.masters().count();
        if admins == 0 {
            return Ok(());
        }
        let after = self.view(Some(editors));
        if after.masters().next().is_none() {
            // A few names say where to look; a list of hundreds would not fit a line.
            let mut names: Vec<String> = before
                .masters()
                .take(5)
                .map(|e| format!("{}[{}]", e.list, e.index))
                .collect();
            if admins > names.len() {
                names.push("...".into());
            }
            return Err(Error::Lockout(format!(
                "{admins} live mapping{} grant{} system:masters today: {}",
                if admins == 1 { "" } else { "s" },
                if admins == 1 { "s" } else { "" },
                names.join(", ")
            )));
        }
        Ok(())
    }

    /// What aws-iam-authenticator makes of `mapRoles` and `mapUsers`: each entry's key in its
    /// map, whether a caller can be mapped through it and if not why, and so who can hold
    /// `system:masters`. See [`AuthenticatorView`].
    pub fn authenticator_view(&self) -> AuthenticatorView<'_> {
        self.view(None)
    }

    /// The authenticator's view of the document, or of the document as `editors` will write
    /// it (the keys they do not edit as read).
    fn view<'v>(&'v self, editors: Option<&'v Editors<'_>>) -> AuthenticatorView<'v> {
        let mut candidates = Vec::new();
        let mut unread = Vec::new();
        for key in [DataKey::MapRoles, DataKey::MapUsers] {
            if let Some(editor) = editors.and_then(|e| e.get(key)) {
                candidates.extend(editor.candidates());
                continue;
            }
            match self.section(key).map(Section::parsed) {
                Some(Ok(parsed)) => candidates.extend(
                    parsed
                        .entries
                        .iter()
                        .enumerate()
                        .map(|(i, e)| Candidate::of_entry(key, i, e)),
                ),
                Some(Err(_)) => unread.push(key),
                None => {}
            }
        }
        AuthenticatorView::of(candidates, unread)
    }

    /// The document with `updates` written in. Only the changed keys are read again: the
    /// other keys and the manifest around them are unchanged by construction.
    fn with_updates(&self, updates: &[(DataKey, Vec<Piece>)]) -> Result<AwsAuth, Error> {
        let mut texts: Vec<(DataKey, String)> = updates
            .iter()
            .map(|(key, pieces)| {
                (
                    *key,
                    materialise(self.key_text(*key).unwrap_or_default(), pieces),
                )
            })
            .collect();
        let source = match &self.source {
            Source::Data(data) => {
                let mut data = data.clone();
                for (key, new) in &texts {
                    match data.iter_mut().find(|(k, _)| k == key.as_str()) {
                        Some((_, v)) if LineBreaks::of(v) == LineBreaks::Crlf => {
                            *v = new.replace('\n', "\r\n");
                        }
                        Some((_, v)) => v.clone_from(new),
                        None => data.push((key.as_str().to_string(), new.clone())),
                    }
                }
                Source::Data(data)
            }
            Source::Manifest {
                text,
                name,
                namespace,
                located,
                breaks,
                other_data_bytes,
                json,
            } => {
                // The text so far (`None`: still the original) and where its keys are.
                let mut out: Option<String> = None;
                // A value the manifest reads back with other trailing whitespace (a `|-`
                // strips the final line break): the next edit must start from what a fresh
                // parse reads, or an object edited twice writes other bytes than the CLI.
                let mut read_back: Vec<(usize, String)> = Vec::new();
                let mut current: Option<Box<Located>> = None;
                for (i, ((key, pieces), (_, new))) in updates.iter().zip(&texts).enumerate() {
                    let old = self.key_text(*key).unwrap_or_default();
                    let base: &str = out.as_deref().unwrap_or(text);
                    let fresh;
                    // The stored positions hold until the first write.
                    let site: &Located = match (&current, located) {
                        (Some(l), _) => l,
                        (None, Some(l)) if i == 0 => l,
                        _ => {
                            fresh = locate(base, namespace.as_deref(), name)?;
                            &fresh
                        }
                    };
                    match write_key(base, site, *key, old, pieces, new) {
                        None => return Err(not_read_back(*key)),
                        // Checked already by decoding the value again.
                        Some(Written::Spliced(written, decoded_len)) => {
                            // Checked equal up to trailing whitespace: a shorter reading is a prefix.
                            if let Some(read) =
                                new.get(..decoded_len).filter(|_| decoded_len < new.len())
                            {
                                read_back.push((i, read.to_string()));
                            }
                            out = Some(written);
                            current = None;
                        }
                        Some(Written::Rewritten(written)) => {
                            // The manifest must read back with exactly the new value.
                            let after = locate(&written, namespace.as_deref(), name)
                                .map_err(|_| not_read_back(*key))?;
                            let read = after.key(key.as_str()).and_then(|s| s.value.as_str());
                            match read {
                                Some(read) if same_but_trailing_space(read, new) => {
                                    if read != new {
                                        read_back.push((i, read.to_string()));
                                    }
                                }
                                _ => return Err(not_read_back(*key)),
                            }
                            out = Some(written);
                            current = Some(Box::new(after));
                        }
                    }
                }
                for (i, read) in read_back {
                    texts[i].1 = read;
                }
                // The invariant of every write: the whole manifest parses again and each
                // edited key reads back as exactly its new text. A splice is checked where it
                // was made; this catches what a local check cannot see (a value that ends
                // where the manifest around it no longer parses).
                if let Some(written) = &out
                    && current.is_none()
                {
                    let after = locate(written, namespace.as_deref(), name)
                        .map_err(|_| not_read_back(updates[0].0))?;
                    current = Some(Box::new(after));
                }
                if let Some(after) = &current {
                    for (key, new) in &texts {
                        let read = after.key(key.as_str()).and_then(|s| s.value.as_str());
                        // Parsers disagree on blank space at the end of a stream (see
                        // `same_but_trailing_space`); it means nothing to the list.
                        if read.map(str::trim_end) != Some(new.trim_end()) {
                            return Err(not_read_back(*key));
                        }
                    }
                }
                Source::Manifest {
                    text: out.unwrap_or_else(|| text.clone()),
                    name: name.clone(),
                    namespace: namespace.clone(),
                    located: current,
                    breaks: *breaks,
                    other_data_bytes: *other_data_bytes,
                    json: *json,
                }
            }
        };
        let mut sections: Vec<Section> = Vec::with_capacity(DataKey::ALL.len());
        for key in DataKey::ALL {
            match texts.iter().find(|(k, _)| *k == key) {
                Some((_, new)) => sections.push(read_section(key, new.clone())),
                None => sections.extend(self.section(key).cloned()),
            }
        }
        Ok(AwsAuth {
            source,
            sections,
            manifest_diagnostics: self.manifest_diagnostics.clone(),
        })
    }

    /// Diagnostics of some keys only.
    fn key_diagnostics(&self, keys: &[DataKey]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for s in self.sections.iter().filter(|s| keys.contains(&s.key)) {
            check_section(s, &mut out);
        }
        out
    }

    /// Upserts a role mapping. See [`Edit::UpsertRole`].
    ///
    /// # Errors
    /// As [`AwsAuth::apply`].
    pub fn upsert_role(&mut self, upsert: Upsert) -> Result<Change, Error> {
        self.apply_single(Edit::UpsertRole(upsert))
    }

    /// Upserts a user mapping. See [`Edit::UpsertUser`].
    ///
    /// # Errors
    /// As [`AwsAuth::apply`].
    pub fn upsert_user(&mut self, upsert: Upsert) -> Result<Change, Error> {
        self.apply_single(Edit::UpsertUser(upsert))
    }

    fn apply_single(&mut self, edit: Edit) -> Result<Change, Error> {
        let mut changes = self.apply(std::slice::from_ref(&edit), &Options::default())?;
        changes
            .pop()
            .ok_or_else(|| Error::InvalidArgument("the edit reported nothing".into()))
    }
}

/// The new and changed ranges of a plain block list, and the column of its `-`.
type RangeChecks = (Vec<Check>, usize);

/// Whether the whole list of `key` in `doc` reads back as `want`.
fn full_read_back(doc: &AwsAuth, key: DataKey, want: &[Values]) -> bool {
    let got: Option<Vec<Values>> = doc
        .section(key)
        .and_then(|s| s.parsed().as_ref().ok())
        .map(|p| p.entries.iter().map(crate::edit::list::values_of).collect());
    got.as_deref() == Some(want)
}

/// Checks only the new and changed entries of a plain block list: each range must start and
/// end on a line boundary, read (by the fast path, at the list's column) as exactly the
/// expected entries, and carry no error. `None` when a range cannot be decided that way.
fn verify_ranges(key: DataKey, text: &str, checks: &[Check], dash_col: usize) -> Option<bool> {
    for check in checks {
        let slice = text.get(check.range.clone())?;
        let starts_line = check.range.start == 0
            || text[..check.range.start].ends_with('\n')
            || slice.starts_with('\n');
        // In a text without a final line break, the last entry owns the break before it, so
        // the entry before ends just before a line break.
        let ends_line = check.range.end == text.len()
            || slice.ends_with('\n')
            || text[check.range.end..].starts_with('\n');
        if !starts_line || !ends_line {
            return Some(false);
        }
        let root = crate::yaml::fast::parse_block_list(slice)?;
        if root.col != dash_col {
            return Some(false);
        }
        let section = read_section(key, slice.to_string());
        let Ok(parsed) = section.parsed() else {
            return Some(false);
        };
        let got: Vec<Values> = parsed
            .entries
            .iter()
            .map(crate::edit::list::values_of)
            .collect();
        if got != check.values {
            return Some(false);
        }
        let mut diagnostics = Vec::new();
        check_section(&section, &mut diagnostics);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
    }
    Some(true)
}

fn not_read_back(key: DataKey) -> Error {
    Error::Manifest {
        what: format!(
            "refusing to write: the edited {key} would not read back as intended (please report this manifest)"
        ),
    }
}

fn keys_of(edit: &Edit) -> Vec<DataKey> {
    match edit {
        Edit::RemoveByUsername { .. } => vec![DataKey::MapRoles, DataKey::MapUsers],
        other => vec![other.key()],
    }
}

fn not_editable(key: DataKey, problem: &KeyProblem) -> Error {
    let reason = match problem {
        KeyProblem::Syntax(e) => format!(
            "it is not valid YAML at line {}, column {}: {}",
            e.line, e.column, e.message
        ),
        KeyProblem::Type {
            line,
            column,
            message,
        } => format!("{message} (line {line}, column {column})"),
    };
    Error::KeyNotEditable { key, reason }
}

/// What an edit says on its own, checked before any key is read: the CLI refuses these as
/// usage errors whatever the manifest holds, and the npm package must answer the same.
fn check_arguments(edit: &Edit) -> Result<(), Error> {
    match edit {
        Edit::RemoveByUsername { username } if username.trim().is_empty() => Err(
            Error::InvalidArgument("remove by username needs a non-empty username".into()),
        ),
        _ => Ok(()),
    }
}

/// The groups an edit names: an empty string names none (a Kubernetes group has a name), in
/// every shell alike (`--groups a,,b` in the CLI, `groups: ["a", ""]` in npm).
fn named_groups(groups: &[String]) -> Vec<String> {
    groups.iter().filter(|g| !g.is_empty()).cloned().collect()
}

fn apply_one(
    edit: &Edit,
    options: &Options,
    editors: &mut Editors<'_>,
    changes: &mut Vec<Change>,
) -> Result<(), Error> {
    let key = edit.key();
    match edit {
        Edit::UpsertRole(u) | Edit::UpsertUser(u) => {
            let kind = if key == DataKey::MapRoles {
                "role"
            } else {
                "user"
            };
            let (arn, note) = match strip_role_path(u.arn.trim())
                .filter(|_| key == DataKey::MapRoles)
            {
                Some(stripped) => {
                    let note = format!(
                        "{} has a path, which the authenticator never matches; stored as {stripped}",
                        u.arn
                    );
                    (stripped, Some(note))
                }
                None => (u.arn.trim().to_string(), None),
            };
            let mut note = note;
            match arn_problem(&arn, kind).map(|p| (p.blocks_upsert(), p.to_string())) {
                Some((true, problem)) => {
                    return Err(Error::InvalidArgument(format!(
                        "invalid {kind} ARN: {problem}"
                    )));
                }
                // Suspicious but accepted (as the Go tool does): the caller is told.
                Some((false, problem)) => {
                    note = Some(note.map_or(problem.clone(), |n| format!("{n}; {problem}")))
                }
                None => {}
            }
            // A mistyped template breaks the mapping silently (nodes cannot join): say so now.
            let values = u.username.iter().chain(&u.groups);
            for problem in values.flat_map(|v| template_problems(v)) {
                note = Some(note.map_or(problem.clone(), |n| format!("{n}; {problem}")));
            }
            let editor = editor(editors, key)?;
            if let Some(index) = editor.opaque_match(&editor.identity(&arn)) {
                return Err(Error::OpaqueEntry { key, index });
            }
            // Blank counts as not given, as in the CLI: a username of spaces maps to nobody.
            let username = u.username.as_deref().filter(|s| !s.trim().is_empty());
            let groups = named_groups(&u.groups);
            let upserted = editor.upsert(&arn, username, &groups, u.append, u.update_username);
            // Only an existing entry can keep its username; a new one without any would map
            // the ARN to no Kubernetes user (validate's empty-username). `editors` is dropped
            // on error, so nothing is changed.
            if username.is_none() && upserted.result == UpsertResult::Added {
                return Err(Error::InvalidArgument(format!(
                    "a new {kind} mapping needs a username: {arn} is not in {key} yet \
                     (an empty username only keeps the one of an existing entry)"
                )));
            }
            let mut add_note = |n: String| {
                note = Some(note.take().map_or(n.clone(), |old| format!("{old}; {n}")));
            };
            if let Some(old) = &upserted.repaired {
                add_note(format!(
                    "{old} has a path, which the authenticator never matches; rewritten as {arn}"
                ));
            }
            for old in &upserted.left_with_path {
                add_note(format!(
                    "{old} has a path, which the authenticator never matches; left as it is \
                     (rewritten, it could override the entry without a path)"
                ));
            }
            let action = match upserted.result {
                UpsertResult::Added => Action::Added,
                UpsertResult::Updated => Action::Updated,
                UpsertResult::Unchanged => Action::Unchanged,
            };
            changes.push(Change {
                action,
                key,
                subject: arn,
                note,
            });
        }
        Edit::RemoveRole(r) | Edit::RemoveUser(r) => {
            // What is looked for, and what the error names, with the empty group names gone.
            let r = &Remove {
                groups: r.groups.as_deref().map(named_groups),
                ..r.clone()
            };
            let Remove {
                arn,
                username,
                groups,
            } = r;
            if arn.trim().is_empty() {
                return Err(Error::InvalidArgument("an ARN is required".into()));
            }
            let editor = editor(editors, key)?;
            if let Some(index) = editor.opaque_match(&editor.identity(arn.trim())) {
                return Err(Error::OpaqueEntry { key, index });
            }
            let removed = editor.remove(arn.trim(), username.as_deref(), groups.as_deref());
            // Name everything that was looked for: the ARN may be there with other values.
            report_removed(key, removed, &r.describe(), options, changes)?;
        }
        Edit::RemoveByUsername { username } => {
            let mut any = false;
            for k in [DataKey::MapRoles, DataKey::MapUsers] {
                let removed = editor(editors, k)?.remove_by_username(username);
                any |= !removed.is_empty();
                changes.extend(removed.into_iter().map(|subject| Change {
                    action: Action::Removed,
                    key: k,
                    subject,
                    note: None,
                }));
            }
            if !any && !options.force {
                return Err(Error::NothingMatched(format!(
                    "username {}",
                    quoted(username)
                )));
            }
        }
        Edit::AddAccount { account } => {
            let account = account.trim();
            if !crate::arn::is_account_id(account) {
                return Err(Error::InvalidArgument(format!(
                    "invalid account ID {}: an AWS account ID is 12 digits",
                    quoted(account)
                )));
            }
            let upserted = editor(editors, key)?.upsert(account, None, &[], false, false);
            let action = if upserted.result == UpsertResult::Added {
                Action::Added
            } else {
                Action::Unchanged
            };
            changes.push(Change {
                action,
                key,
                subject: account.to_string(),
                note: None,
            });
        }
        Edit::RemoveAccount { account } => {
            let removed = editor(editors, key)?.remove(account.trim(), None, None);
            report_removed(key, removed, account, options, changes)?;
        }
    }
    Ok(())
}

fn editor<'e, 'a>(
    editors: &'e mut Editors<'a>,
    key: DataKey,
) -> Result<&'e mut ListEditor<'a>, Error> {
    editors
        .0
        .iter_mut()
        .find(|(k, _)| *k == key)
        .map(|(_, e)| e)
        .ok_or_else(|| Error::InvalidArgument(format!("{key} is not loaded")))
}

/// The editors of the keys one `apply` touches: three at most, so a list.
struct Editors<'a>(Vec<(DataKey, ListEditor<'a>)>);

impl<'a> Editors<'a> {
    fn get(&self, key: DataKey) -> Option<&ListEditor<'a>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, e)| e)
    }

    fn changed(&self) -> impl Iterator<Item = (DataKey, &ListEditor<'a>)> {
        self.0
            .iter()
            .filter(|(_, e)| e.is_changed())
            .map(|(k, e)| (*k, e))
    }
}

fn report_removed(
    key: DataKey,
    removed: Vec<String>,
    what: &str,
    options: &Options,
    changes: &mut Vec<Change>,
) -> Result<(), Error> {
    if removed.is_empty() && !options.force {
        return Err(Error::NothingMatched(format!("{what} in {key}")));
    }
    changes.extend(removed.into_iter().map(|subject| Change {
        action: Action::Removed,
        key,
        subject,
        note: None,
    }));
    Ok(())
}

/// The text the pieces describe.
pub(crate) fn materialise(old: &str, pieces: &[Piece]) -> String {
    let mut out = String::with_capacity(old.len() + 256);
    for p in pieces {
        match p {
            Piece::Keep(r) => out.push_str(old.get(r.clone()).unwrap_or_default()),
            Piece::Write(s) => out.push_str(s),
        }
    }
    out
}

/// Errors in `after` beyond those in `before`, counted per code and key.
fn new_errors(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<Diagnostic> {
    // Errors are few: a list of (code, key) budgets is enough.
    let mut budget: Vec<(Code, Option<&str>, usize)> = Vec::new();
    for d in before.iter().filter(|d| d.severity == Severity::Error) {
        match budget
            .iter_mut()
            .find(|(c, k, _)| *c == d.code && *k == d.key.as_deref())
        {
            Some(slot) => slot.2 += 1,
            None => budget.push((d.code, d.key.as_deref(), 1)),
        }
    }
    let mut added = Vec::new();
    for d in after.iter().filter(|d| d.severity == Severity::Error) {
        match budget
            .iter_mut()
            .find(|(c, k, _)| *c == d.code && *k == d.key.as_deref())
        {
            Some(slot) if slot.2 > 0 => slot.2 -= 1,
            _ => added.push(d.clone()),
        }
    }
    added
}

impl FromStr for AwsAuth {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AwsAuth::parse(s)
    }
}

impl fmt::Display for AwsAuth {
    /// The manifest text; for data read with [`AwsAuth::from_data`], a ConfigMap manifest
    /// holding that data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Manifest { text, breaks, .. } => breaks.write(text, f),
            Source::Data(data) => {
                f.write_str("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n")?;
                for (k, v) in data {
                    let key = crate::yaml::scalar::render(
                        k,
                        crate::yaml::scalar::Context::Block,
                        Default::default(),
                    );
                    writeln!(
                        f,
                        "  {key}: {}",
                        crate::yaml::raw_value::render_value(v, false, 4)
                    )?;
                }
                Ok(())
            }
        }
    }
}
