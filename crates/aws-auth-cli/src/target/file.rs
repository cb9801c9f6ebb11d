//! File mode: the only code that touches the manifest on disk.

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use aws_auth_core::{
    Applied, AwsAuth, Code, DataKey, Diagnostic, Edit, KeyPosition, MAX_INPUT_BYTES, Options,
    key_positions,
};

use crate::config::{FileTarget, Input, WriteOutput};
use crate::outcome::Edited;
use crate::render;

/// A manifest read from a file or stdin.
pub struct LocalFile {
    /// How messages name it: the path, or `<stdin>`.
    pub label: String,
    /// The text as read.
    pub text: String,
    /// The parsed document.
    pub doc: AwsAuth,
}

impl LocalFile {
    /// Reads and parses the manifest looking for the ConfigMap `target` names.
    pub fn read(target: &FileTarget) -> Result<LocalFile> {
        let (label, text) = read_text(&target.input)?;
        let doc = AwsAuth::parse_in(&text, target.namespace.as_deref(), &target.name)
            .map_err(|e| anyhow!("{label}: {e}"))?;
        Ok(LocalFile { label, text, doc })
    }
}

/// Reads a file or stdin as UTF-8 text, up to the input limit; with its label.
///
/// # Errors
/// It cannot be read, is too large or is not UTF-8.
pub fn read_text(input: &Input) -> Result<(String, String)> {
    let label = input.label();
    let mut bytes = Vec::new();
    let limit = u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX) + 1;
    let read = match input {
        Input::Stdin => std::io::stdin().lock().take(limit).read_to_end(&mut bytes),
        Input::Path(path) => {
            fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
        }
    };
    read.map_err(|e| anyhow!("{label}: cannot read it: {}", io_message(&e)))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(anyhow!(
            "{label}: input is larger than {MAX_INPUT_BYTES} bytes; a ConfigMap holds at most 1 MiB"
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "{label}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok((label, text))
}

/// An I/O error without the "(os error N)" the standard library appends.
fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Applies edits to a manifest file: with `-i` an atomic rewrite when the text changed,
/// else the manifest (or only the diff) to print.
///
/// # Errors
/// The manifest cannot be read, or an edit is refused; nothing is written then.
pub fn write(
    target: &FileTarget,
    edits: &[Edit],
    options: &Options,
    output: WriteOutput,
) -> Result<Edited> {
    let mut edited = change(target, output, |doc| {
        let managers = crate::target::managers_of_edits(doc, edits);
        let changes = doc.apply(edits, options)?;
        Ok((
            Applied {
                changes,
                ..Applied::default()
            },
            managers,
        ))
    })?;
    edited.edits = edits.to_vec();
    edited.force = options.force;
    Ok(edited)
}

/// Makes a manager own exactly `desired` (`Some`) or releases it (`None`), in a manifest file.
///
/// # Errors
/// As [`write`].
pub fn own(
    target: &FileTarget,
    manager: &str,
    desired: Option<&aws_auth_core::Desired>,
    options: &aws_auth_core::ApplyOptions,
    output: WriteOutput,
) -> Result<Edited> {
    change(target, output, |doc| {
        let applied = match desired {
            Some(d) => doc.apply_as(manager, d, options)?,
            None => doc.release(manager, options)?,
        };
        Ok((applied, Vec::new()))
    })
}

/// A change of the manifest by `op`, which returns what it did and the managers of the
/// managed entries it touched: with `-i` an atomic rewrite when the text changed, else the
/// manifest (or only the diff) to print.
fn change(
    target: &FileTarget,
    output: WriteOutput,
    op: impl FnOnce(&mut AwsAuth) -> Result<(Applied, Vec<String>), aws_auth_core::Error>,
) -> Result<Edited> {
    let mut f = LocalFile::read(target)?;
    let before = f.doc.data();
    let (applied, managed) =
        op(&mut f.doc).map_err(|e| anyhow!("{}: {e}{}", f.label, crate::target::flag_hint(&e)))?;
    let new_text = f.doc.to_string();
    let mut edited = Edited {
        edits: Vec::new(),
        force: false,
        changes: applied.changes,
        warnings: crate::target::warnings(&applied.drifted, applied.repaired, managed),
        dry_run: output.dry_run,
        diff: output
            .diff
            .then(|| render::diff(&f.label, &before, &f.doc.data())),
        manifest: None,
        failure: None,
    };
    if output.dry_run {
        return Ok(edited);
    }
    match (&target.input, target.in_place) {
        (Input::Path(p), true) if new_text != f.text => {
            // A symlink is followed: the file it points to is edited, and the link stays.
            let real = fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            edited.failure = replace_atomically(&real, &new_text)
                .with_context(|| format!("writing {}", f.label))
                .err();
        }
        (_, true) => {}
        _ if !output.diff => edited.manifest = Some(new_text),
        _ => {}
    }
    Ok(edited)
}

/// Writes a temporary file beside `path` (same permissions), syncs it, and renames it over.
fn replace_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.aws-auth-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        if let Ok(meta) = fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Where the data keys' texts sit in a manifest file: positions inside a key's text (what
/// diagnostics and `explain` give) as lines and columns of the file.
pub struct Positions<'a> {
    keys: Vec<KeyPosition>,
    file_lines: Vec<&'a str>,
    doc: &'a AwsAuth,
}

impl LocalFile {
    /// The positions of the keys of the ConfigMap `target` names.
    pub fn positions(&self, target: &FileTarget) -> Positions<'_> {
        Positions {
            // The manifest parsed already; were it to fail now, positions stay unknown.
            keys: key_positions(&self.text, target.namespace.as_deref(), &target.name)
                .unwrap_or_default(),
            file_lines: self.text.lines().collect(),
            doc: &self.doc,
        }
    }
}

impl Positions<'_> {
    /// The file line and column of a line and column of `key`'s text.
    pub fn in_file(&self, key: DataKey, line: usize, column: usize) -> Option<(usize, usize)> {
        let p = self.keys.iter().find(|p| p.key == key)?;
        let text = self.doc.key_text(key).unwrap_or_default();
        let file_line = self
            .file_lines
            .get((p.line + line).saturating_sub(2))
            .copied();
        Some(p.file_position(text, line, column, file_line))
    }

    /// The file position of a diagnostic: a key's positions mapped, the manifest's as they are.
    pub fn of_diagnostic(&self, d: &Diagnostic) -> Option<(usize, usize)> {
        let (line, column) = (d.line?, d.column.unwrap_or(1));
        // These are about the manifest around the key, and carry the manifest's position.
        let manifest_level = matches!(d.code, Code::DuplicateDataKey | Code::NotAString);
        match d.key.as_deref().and_then(DataKey::from_name) {
            Some(key) if !manifest_level => self.in_file(key, line, column),
            _ => Some((line, column)),
        }
    }
}
