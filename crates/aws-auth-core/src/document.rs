//! [`AwsAuth`]: an aws-auth ConfigMap (a manifest, or just its data) that reads, validates and
//! edits without losing a byte it did not change.

mod ownership_record;

use crate::quoted::quoted;
use std::fmt;
use std::str::FromStr;

use crate::authenticator::{AuthenticatorView, Candidate, EntryStatus};
use crate::diagnostics::{Code, Diagnostic, diagnostic};
use crate::error::Error;
use crate::line_breaks::LineBreaks;
use crate::manifest::{Located, Written, locate, write_key};
use crate::model::{DataKey, Mappings};
use crate::section::{EntryValue, KeyProblem, Section, read_section};
use crate::validate::check_section;
use crate::yaml::raw_value::{Piece, same_but_trailing_space};

/// The largest input accepted: a ConfigMap holds at most 1 MiB, with room for a verbose manifest.
pub const MAX_INPUT_BYTES: usize = 3 * 1024 * 1024;

/// The most data a ConfigMap may hold (the sum of its values' lengths): the API server
/// refuses more. An edit that would grow the data past it is refused.
pub const MAX_DATA_BYTES: usize = 1024 * 1024;

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
    pub(crate) source: Source,
    pub(crate) sections: Vec<Section>,
    manifest_diagnostics: Vec<Diagnostic>,
    /// The ownership record (the annotation's text), kept in step with a manifest's text.
    record: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Source {
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
        let record = crate::ownership::read_record(located.metadata.as_ref());
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
            record,
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
            record: None,
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
    pub(crate) fn data_bytes(&self) -> usize {
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

    pub(crate) fn section(&self, key: DataKey) -> Option<&Section> {
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
        let mut out = self.key_validation();
        // Last, and apart: the record says who owns what, not how the authenticator reads.
        out.extend(crate::ownership::diagnostics(self));
        out
    }

    /// The diagnostics of the manifest and its keys, as the authenticator reads them.
    fn key_validation(&self) -> Vec<Diagnostic> {
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

    /// What aws-iam-authenticator makes of `mapRoles` and `mapUsers`: each entry's key in its
    /// map, whether a caller can be mapped through it and if not why, and so who can hold
    /// `system:masters`. See [`AuthenticatorView`].
    pub fn authenticator_view(&self) -> AuthenticatorView<'_> {
        self.view_with(|_| None)
    }

    /// The authenticator's view of the document, or of the document as an edit will write it:
    /// `edited` gives the candidates of the keys it edits (the others are read as they are).
    pub(crate) fn view_with<'v>(
        &'v self,
        edited: impl Fn(DataKey) -> Option<Vec<Candidate<'v>>>,
    ) -> AuthenticatorView<'v> {
        let mut candidates = Vec::new();
        let mut unread = Vec::new();
        for key in [DataKey::MapRoles, DataKey::MapUsers] {
            if let Some(edited) = edited(key) {
                candidates.extend(edited);
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
    pub(crate) fn with_updates(&self, updates: &[(DataKey, Vec<Piece>)]) -> Result<AwsAuth, Error> {
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
                        None => return Err(Error::NotReadBack { key: *key }),
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
                                .map_err(|_| Error::NotReadBack { key: *key })?;
                            let read = after.key(key.as_str()).and_then(|s| s.value.as_str());
                            match read {
                                Some(read) if same_but_trailing_space(read, new) => {
                                    if read != new {
                                        read_back.push((i, read.to_string()));
                                    }
                                }
                                _ => return Err(Error::NotReadBack { key: *key }),
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
                        .map_err(|_| Error::NotReadBack { key: updates[0].0 })?;
                    current = Some(Box::new(after));
                }
                if let Some(after) = &current {
                    for (key, new) in &texts {
                        let read = after.key(key.as_str()).and_then(|s| s.value.as_str());
                        // Parsers disagree on blank space at the end of a stream (see
                        // `same_but_trailing_space`); it means nothing to the list.
                        if read.map(str::trim_end) != Some(new.trim_end()) {
                            return Err(Error::NotReadBack { key: *key });
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
            record: self.record.clone(),
        })
    }

    /// Diagnostics of some keys only.
    pub(crate) fn key_diagnostics(&self, keys: &[DataKey]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for s in self.sections.iter().filter(|s| keys.contains(&s.key)) {
            check_section(s, &mut out);
        }
        out
    }
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
