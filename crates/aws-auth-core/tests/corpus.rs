//! The 40 real manifests of `shared/corpus/aws-auth` (read in place, never copied or changed):
//! every one parses or fails with a located error, prints back byte-for-byte, and survives an
//! upsert-then-remove with its bytes intact.

use std::io::Write;
use std::path::PathBuf;

use aws_auth_core::{AwsAuth, Edit, Error, Options, Remove, Severity, Upsert};

/// The external corpus of public manifests (`AWS_AUTH_CORPUS`, or the steering repository's
/// `shared/corpus/aws-auth` beside the checkout). A clone on its own does not have it: then
/// these tests say so on stderr and check nothing, and the project's own fixtures (golden
/// tests) cover its styles. CI (`CI=true`) always has it and fails without it.
fn corpus() -> Vec<(String, String)> {
    let dir = std::env::var_os("AWS_AUTH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/aws-auth")
        });
    if !dir.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "corpus missing at {} (CI must run the corpus tests; set AWS_AUTH_CORPUS)",
            dir.display()
        );
        // Straight to stderr, not `eprintln!`: the test harness would swallow that for a
        // passing test. Once per test binary.
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "corpus.rs: skipped: the external corpus of public manifests is not at {} \
                 (AWS_AUTH_CORPUS, or shared/corpus/aws-auth beside the checkout); the project's \
                 own fixtures (golden_cases.rs, styles.rs) cover its styles",
                dir.display()
            );
        });
        return Vec::new();
    }
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus at {}: {e} (set AWS_AUTH_CORPUS)", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "json")
            )
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 40, "the corpus has 40 manifests");
    files
}

#[test]
fn every_manifest_parses_or_names_the_line() {
    for (name, text) in corpus() {
        match AwsAuth::parse(&text) {
            Ok(auth) => assert_eq!(auth.to_string(), text, "{name} prints back byte-for-byte"),
            Err(Error::ManifestSyntax { line, .. }) => {
                assert!(
                    name.contains("broken"),
                    "{name} fails only when labelled broken"
                );
                assert!(line >= 1);
            }
            Err(e @ Error::Manifest { .. }) => {
                assert!(
                    name.contains("broken"),
                    "{name} fails only when labelled broken"
                );
                assert!(e.to_string().contains("line"), "{name}: {e} says where");
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn upsert_then_remove_gives_back_the_original_bytes() {
    let corpus = corpus();
    if corpus.is_empty() {
        return;
    }
    let mut edited = 0;
    for (name, text) in corpus {
        let Ok(mut auth) = AwsAuth::parse(&text) else {
            continue;
        };
        let before = auth.validate();
        let arn = "arn:aws:iam::999988887777:role/corpus-probe";
        let up = Upsert::new(arn, "probe:{{SessionName}}", ["probe-group", "yes"]);
        match auth.apply(&[Edit::UpsertRole(up)], &Options::default()) {
            Ok(_) => {}
            Err(Error::KeyNotEditable { .. }) => continue,
            Err(e) => panic!("{name}: {e}"),
        }
        // A CRLF manifest stays CRLF, new lines included.
        if text.contains("\r\n") {
            let out = auth.to_string();
            assert_eq!(
                out.matches('\n').count(),
                out.matches("\r\n").count(),
                "{name}: an LF crept into a CRLF manifest:\n{out}"
            );
        }
        let after = auth.validate();
        let errors = |d: &[aws_auth_core::Diagnostic]| {
            d.iter().filter(|d| d.severity == Severity::Error).count()
        };
        assert_eq!(errors(&before), errors(&after), "{name}: no new errors");
        let roles = auth.mappings().roles;
        let probe = roles
            .iter()
            .find(|r| r.rolearn.as_deref() == Some(arn))
            .unwrap_or_else(|| panic!("{name}: probe missing:\n{auth}"));
        assert_eq!(
            probe.groups.as_deref(),
            Some(&["probe-group".to_string(), "yes".to_string()][..]),
            "{name}"
        );
        let remove = Remove {
            arn: arn.into(),
            ..Remove::default()
        };
        auth.apply(&[Edit::RemoveRole(remove)], &Options::default())
            .unwrap_or_else(|e| panic!("{name}: removing the probe: {e}"));
        let back = auth.to_string();
        // A file whose last entry ends without a line break gets one when an entry is appended
        // after it; removing the new entry keeps that line break (and nothing else changes).
        let line_break = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let back = if !text.ends_with('\n') && back == format!("{text}{line_break}") {
            text.clone()
        } else {
            back
        };
        if back != text {
            // Adding to a key that did not exist leaves the key behind, empty; nothing else moves.
            assert!(!text.contains("mapRoles"), "{name}: bytes changed:\n{back}");
            assert!(
                AwsAuth::parse(&back).unwrap().mappings()
                    == AwsAuth::parse(&text).unwrap().mappings()
            );
        }
        edited += 1;
    }
    assert!(edited >= 30, "only {edited} corpus manifests were editable");
}

/// Every kind of edit, on every manifest: it is done or refused for a reason of the input,
/// never because the written text would not read back, and what is written parses again with
/// no new errors.
#[test]
fn every_kind_of_edit_writes_a_manifest_that_reads_back() {
    let mut done = 0;
    let corpus = corpus();
    if corpus.is_empty() {
        return;
    }
    let manifests = corpus.into_iter().flat_map(|(name, text)| {
        variants(&text)
            .into_iter()
            .map(move |(how, v)| (format!("{name} ({how})"), v))
    });
    for (name, text) in manifests {
        let Ok(auth) = AwsAuth::parse(&text) else {
            continue;
        };
        let m = auth.mappings();
        let mut edits = vec![
            Edit::UpsertUser(Upsert::new(
                "arn:aws:iam::999988887777:user/probe",
                "probe",
                ["g"],
            )),
            Edit::AddAccount {
                account: "999988887777".into(),
            },
        ];
        let first = m.roles.first().and_then(|r| r.rolearn.clone());
        let last = m.roles.last().and_then(|r| r.rolearn.clone());
        for arn in first.iter().chain(&last) {
            edits.push(Edit::UpsertRole(Upsert::new(
                arn.clone(),
                "changed",
                ["system:masters"],
            )));
            edits.push(Edit::UpsertRole(Upsert {
                append: true,
                ..Upsert::new(arn.clone(), "x", ["extra"])
            }));
            edits.push(Edit::RemoveRole(Remove {
                arn: arn.clone(),
                ..Remove::default()
            }));
        }
        if let Some(username) = m.roles.first().and_then(|r| r.username.clone()) {
            edits.push(Edit::RemoveByUsername { username });
        }
        if let Some(account) = m.accounts.first() {
            edits.push(Edit::RemoveAccount {
                account: account.clone(),
            });
        }
        let before = auth.validate();
        let errors = |d: &[aws_auth_core::Diagnostic]| {
            d.iter().filter(|d| d.severity == Severity::Error).count()
        };
        for edit in edits {
            let mut edited = auth.clone();
            let options = Options {
                force: true,
                allow_lockout: true,
            };
            match edited.apply(std::slice::from_ref(&edit), &options) {
                Ok(_) => {
                    let out = edited.to_string();
                    let reread = AwsAuth::parse(&out).unwrap_or_else(|e| {
                        panic!("{name}: {edit:?} wrote what does not parse: {e}\n{out}")
                    });
                    assert_eq!(reread.mappings(), edited.mappings(), "{name}: {edit:?}");
                    assert!(
                        errors(&reread.validate()) <= errors(&before),
                        "{name}: {edit:?} added errors"
                    );
                    done += 1;
                }
                Err(e @ Error::Manifest { .. }) => panic!("{name}: {edit:?}: {e}"),
                Err(_) => {}
            }
        }
    }
    assert!(done >= 1500, "only {done} edits were done");
}

/// The manifest as written, and as other tools and hands write the same thing: CRLF line
/// breaks, other block scalar headers, deeper indentation, quoted data keys, document markers.
fn variants(text: &str) -> Vec<(&'static str, String)> {
    let lf = text.replace("\r\n", "\n");
    let headers = |header: &str| {
        lf.replace("mapRoles: |\n", &format!("mapRoles: {header}\n"))
            .replace("mapUsers: |\n", &format!("mapUsers: {header}\n"))
    };
    let indented: Vec<String> = lf
        .split('\n')
        .map(|l| {
            if l.starts_with(' ') {
                format!("  {l}")
            } else {
                l.to_string()
            }
        })
        .collect();
    vec![
        ("as written", text.to_string()),
        ("CRLF", lf.replace('\n', "\r\n")),
        ("|-", headers("|-")),
        ("|+", headers("|+")),
        (">", headers(">")),
        ("| # comment", headers("| # keep")),
        ("indented deeper", indented.join("\n")),
        (
            "quoted keys",
            lf.replace("  mapRoles:", "  \"mapRoles\":")
                .replace("  mapUsers:", "  'mapUsers':"),
        ),
        ("document markers", format!("---\n{lf}...\n")),
    ]
}

#[test]
fn broken_keys_are_reported_and_refuse_edits() {
    let Some((_, text)) = corpus().into_iter().find(|(n, _)| n.starts_with("39-")) else {
        return;
    };
    let mut auth = AwsAuth::parse(&text).unwrap();
    let diagnostics = auth.validate();
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code.as_str() == "syntax" && d.key.as_deref() == Some("mapUsers")),
        "{diagnostics:?}"
    );
    let user = Upsert::new("arn:aws:iam::111122223333:user/x", "x", ["g"]);
    assert_eq!(
        auth.apply(&[Edit::UpsertUser(user)], &Options::default())
            .unwrap_err()
            .code(),
        "key-not-editable"
    );
}
