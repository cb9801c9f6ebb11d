//! File mode: the only code that touches the manifest on disk.

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use aws_auth_core::{AwsAuth, Edit, MAX_INPUT_BYTES, Options};

use crate::cli::{TargetArgs, WriteArgs};
use crate::{out, render, report, usage};

/// A manifest read from a file or stdin.
pub struct LocalFile {
    /// Where it came from (`None`: stdin).
    pub path: Option<PathBuf>,
    /// How messages name it: the path, or `<stdin>`.
    pub label: String,
    /// The text as read.
    pub text: String,
    /// The parsed document.
    pub doc: AwsAuth,
}

impl LocalFile {
    /// Reads and parses `path` (`-`: stdin) looking for the ConfigMap `target` names.
    pub fn read(path: &Path, target: &TargetArgs) -> Result<LocalFile> {
        let stdin = path.as_os_str() == "-";
        let label = if stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let mut bytes = Vec::new();
        let limit = u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX) + 1;
        let read = if stdin {
            std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
        } else {
            fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
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
        let doc = AwsAuth::parse_in(&text, target.namespace.as_deref(), &target.name)
            .map_err(|e| anyhow!("{label}: {e}"))?;
        Ok(LocalFile {
            path: (!stdin).then(|| path.to_path_buf()),
            label,
            text,
            doc,
        })
    }
}

/// An I/O error without the "(os error N)" the standard library appends.
fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Applies edits to a manifest file: report on stderr, then the manifest (or diff) on stdout,
/// or with `-i` an atomic rewrite when the text changed.
pub fn write(
    path: &Path,
    edits: &[Edit],
    options: &Options,
    w: &WriteArgs,
    target: &TargetArgs,
) -> Result<()> {
    if w.in_place && path.as_os_str() == "-" {
        return Err(usage("-i/--in-place needs a file, not stdin"));
    }
    let mut f = LocalFile::read(path, target)?;
    let before = f.doc.data();
    let changes = f
        .doc
        .apply(edits, options)
        .map_err(|e| anyhow!("{}: {e}{}", f.label, crate::override_hint(&e)))?;
    report(edits, &changes, options, w.dry_run);
    let new_text = f.doc.to_string();
    if w.diff {
        out(&render::diff(&f.label, &before, &f.doc.data()))?;
    }
    if w.dry_run {
        return Ok(());
    }
    match (&f.path, w.in_place) {
        (Some(p), true) if new_text != f.text => {
            // A symlink is followed: the file it points to is edited, and the link stays.
            let target = fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            replace_atomically(&target, &new_text)
                .with_context(|| format!("writing {}", f.label))?;
        }
        (_, true) => {}
        _ if !w.diff => out(&new_text)?,
        _ => {}
    }
    Ok(())
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
