//! Data-driven golden cases: every folder of `testing/fixtures/golden/` is one case, run here.
//!
//! A case folder holds exactly these files (anything else, or a missing one, fails the run):
//! - `in`: the manifest to edit (a file, or a symlink to one of the shared manifests);
//! - `edits`: the edit list, a JSON array of [`Edit`] as it serialises
//!   (`[{"op": "upsertRole", "arn": "...", "username": "...", "groups": ["..."]}]`), applied in
//!   one `apply` call;
//! - `options` (optional): the [`Options`] as JSON (`{"force": true}`, `{"allowLockout": true}`);
//! - either `out`: the manifest expected after the edits, byte for byte, with `changes` (optional):
//!   the expected report, one change per line as it displays, each note on the next line as
//!   `  note: ...`;
//! - or `error`: the edits are refused; its first line is the error's code, every further line a
//!   piece of text the message must contain; the manifest must be left unchanged.
//!
//! Every `in` and `out` must also parse and print back byte for byte. With `AWS_AUTH_BLESS=1`
//! the run (re)writes `out`, `changes` and the first line of `error` from what the core does:
//! review the diff before committing it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use aws_auth_core::{AwsAuth, Edit, Options};

/// The run fails when it finds fewer cases than this: a lost folder must not pass quietly.
const MIN_CASES: usize = 36;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testing/fixtures/golden")
}

const REQUIRED: [&str; 2] = ["in", "edits"];
const OPTIONAL: [&str; 4] = ["options", "out", "changes", "error"];

/// The files of a case folder, checked against the layout above.
fn layout(dir: &Path) -> Result<BTreeSet<String>, String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "{name}: a case name is lowercase words joined by '-'"
        ));
    }
    let mut files = BTreeSet::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{name}: {e}"))? {
        let entry = entry.map_err(|e| format!("{name}: {e}"))?;
        let file = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_file() {
            return Err(format!("{name}/{file}: not a file"));
        }
        if !REQUIRED.contains(&file.as_str()) && !OPTIONAL.contains(&file.as_str()) {
            return Err(format!(
                "{name}/{file}: unknown file in a golden case (expected in, edits, options, out, changes, error)"
            ));
        }
        files.insert(file);
    }
    for required in REQUIRED {
        if !files.contains(required) {
            return Err(format!("{name}: no `{required}`"));
        }
    }
    match (files.contains("out"), files.contains("error")) {
        (true, true) => return Err(format!("{name}: both `out` and `error`")),
        (false, false) if !bless() => return Err(format!("{name}: neither `out` nor `error`")),
        _ => {}
    }
    if files.contains("changes") && files.contains("error") {
        return Err(format!(
            "{name}: `changes` goes with `out`, not with `error`"
        ));
    }
    Ok(files)
}

fn bless() -> bool {
    std::env::var_os("AWS_AUTH_BLESS").is_some_and(|v| v == "1")
}

fn read(dir: &Path, file: &str) -> String {
    let path = dir.join(file);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn report(changes: &[aws_auth_core::Change]) -> String {
    let mut out = String::new();
    for c in changes {
        out.push_str(&format!("{c}\n"));
        if let Some(note) = &c.note {
            out.push_str(&format!("  note: {note}\n"));
        }
    }
    out
}

/// Runs one case; `Err` says what differs.
fn run(dir: &Path) -> Result<(), String> {
    let files = layout(dir)?;
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let input = read(dir, "in");
    let edits: Vec<Edit> =
        serde_json::from_str(&read(dir, "edits")).map_err(|e| format!("{name}/edits: {e}"))?;
    if edits.is_empty() {
        return Err(format!("{name}/edits: no edit"));
    }
    let options: Options = match files.contains("options") {
        true => serde_json::from_str(&read(dir, "options"))
            .map_err(|e| format!("{name}/options: {e}"))?,
        false => Options::default(),
    };
    let mut auth = AwsAuth::parse(&input).map_err(|e| format!("{name}/in: {e}"))?;
    if auth.to_string() != input {
        return Err(format!("{name}/in does not print back byte for byte"));
    }
    let result = auth.apply(&edits, &options);
    let got = auth.to_string();
    match result {
        Ok(changes) => {
            let changes = report(&changes);
            if bless() && !files.contains("error") {
                fs::write(dir.join("out"), &got).unwrap();
                fs::write(dir.join("changes"), &changes).unwrap();
                return Ok(());
            }
            if files.contains("error") {
                return Err(format!(
                    "{name}: expected a refusal, the edits applied:\n{changes}"
                ));
            }
            let want = read(dir, "out");
            if got != want {
                return Err(format!(
                    "{name}/out differs\n--- want ---\n{want}\n--- got ---\n{got}\n------------"
                ));
            }
            if files.contains("changes") && read(dir, "changes") != changes {
                return Err(format!(
                    "{name}/changes differ\n--- want ---\n{}--- got ---\n{changes}",
                    read(dir, "changes")
                ));
            }
            let reread = AwsAuth::parse(&got).map_err(|e| format!("{name}/out: {e}"))?;
            if reread.to_string() != got {
                return Err(format!("{name}/out does not print back byte for byte"));
            }
        }
        Err(err) => {
            if got != input {
                return Err(format!("{name}: refused ({err}) but the manifest changed"));
            }
            if bless() && !files.contains("out") {
                let old = if files.contains("error") {
                    read(dir, "error")
                } else {
                    String::new()
                };
                let rest: Vec<&str> = old.lines().skip(1).collect();
                let mut text = format!("{}\n", err.code());
                for line in rest {
                    text.push_str(&format!("{line}\n"));
                }
                fs::write(dir.join("error"), text).unwrap();
                return Ok(());
            }
            if !files.contains("error") {
                return Err(format!(
                    "{name}: expected `out`, the edits were refused: {err}"
                ));
            }
            let want = read(dir, "error");
            let mut lines = want.lines();
            let code = lines.next().unwrap_or_default();
            if err.code() != code {
                return Err(format!(
                    "{name}: error code {} ({err}), expected {code}",
                    err.code()
                ));
            }
            let message = err.to_string();
            for piece in lines.filter(|l| !l.is_empty()) {
                if !message.contains(piece) {
                    return Err(format!(
                        "{name}: the message does not say {piece:?}: {message}"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn cases() -> Vec<PathBuf> {
    let root = golden_dir();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for d in &dirs {
        assert!(
            d.is_dir(),
            "{}: only case folders belong in golden/",
            d.display()
        );
    }
    dirs
}

#[test]
fn every_golden_case() {
    let dirs = cases();
    let failures: Vec<String> = dirs.iter().filter_map(|d| run(d).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} golden cases failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
    assert!(
        dirs.len() >= MIN_CASES,
        "only {} golden cases ran (at least {MIN_CASES} expected): was a folder lost?",
        dirs.len()
    );
    eprintln!("{} golden cases ran", dirs.len());
}

/// No case repeats the bytes of another file: an `in` shared with a shared manifest or another
/// case is a symlink to it, not a copy.
#[test]
fn no_case_file_is_a_copy() {
    let manifests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testing/fixtures/manifests");
    let mut seen: Vec<(Vec<u8>, String)> = fs::read_dir(&manifests)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (fs::read(&p).unwrap(), p.display().to_string()))
        .collect();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aws-auth.yaml");
    seen.push((fs::read(&example).unwrap(), example.display().to_string()));
    for dir in cases() {
        for file in ["in", "out"] {
            let path = dir.join(file);
            let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
            if is_link || !path.exists() {
                continue;
            }
            let bytes = fs::read(&path).unwrap();
            if let Some((_, other)) = seen.iter().find(|(b, _)| *b == bytes) {
                panic!("{} is a copy of {other}: make it a symlink", path.display());
            }
            seen.push((bytes, path.display().to_string()));
        }
    }
}

/// The layout check refuses what it does not know, so a misnamed file cannot be skipped.
#[test]
fn an_unknown_case_layout_fails() {
    let tmp = std::env::temp_dir().join(format!("aws-auth-golden-layout-{}", std::process::id()));
    let case = |name: &str, files: &[&str]| {
        let dir = tmp.join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for f in files {
            fs::write(dir.join(f), "").unwrap();
        }
        layout(&dir)
    };
    assert!(case("ok", &["in", "edits", "out"]).is_ok());
    assert!(
        case("typo", &["in", "edits", "outt"])
            .unwrap_err()
            .contains("unknown file")
    );
    assert!(
        case("no-edits", &["in", "out"])
            .unwrap_err()
            .contains("no `edits`")
    );
    assert!(
        case("both", &["in", "edits", "out", "error"])
            .unwrap_err()
            .contains("both")
    );
    assert!(case("Bad_Name", &["in", "edits", "out"]).is_err());
    if !bless() {
        assert!(
            case("neither", &["in", "edits"])
                .unwrap_err()
                .contains("neither")
        );
    }
    let _ = fs::remove_dir_all(&tmp);
}
