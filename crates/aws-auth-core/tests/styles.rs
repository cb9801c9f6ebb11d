//! The styles of real aws-auth manifests, in fixtures written for the project
//! (`testing/fixtures/manifests/style-*`): eksctl and Terraform output, `kubectl edit` buffers,
//! CRLF, flow lists, placeholders, suspicious and broken ones. They stand for what the optional
//! external corpus of public manifests holds (`corpus.rs`), so a clone without it still tests
//! every style. Each one parses (or is refused as expected), prints back byte for byte, gives
//! the expected diagnostics, and takes one upsert (or refuses it, changing nothing).

use std::collections::BTreeSet;
use std::path::Path;

use aws_auth_core::{AwsAuth, Edit, Options, Severity, Upsert};

enum Expect {
    /// Parses; the diagnostics' codes (`code` for a warning, `code!` for an error); the upsert's
    /// error code, or `None` when it applies.
    Reads(&'static [&'static str], Option<&'static str>),
    /// `AwsAuth::parse` refuses it with this error code.
    Refused(&'static str),
}
use Expect::{Reads, Refused};

const STYLES: &[(&str, Expect)] = &[
    // A `kubectl get -o yaml` dump of an eksctl cluster: groups-first entries, managedFields,
    // last-applied annotation, selfLink.
    ("style-eksctl-kubectl-dump.yaml", Reads(&[], None)),
    // Terraform `yamlencode` (EKS module, Blueprints): every key and value double-quoted,
    // `[]` for empty lists, `immutable: false`.
    ("style-terraform-yamlencode.yaml", Reads(&[], None)),
    // `terraform output` of a managed node group: groups first, no final line break.
    ("style-terraform-output-no-eol.yaml", Reads(&[], None)),
    // Checked out on Windows: every line ends in CRLF.
    ("style-crlf.yaml", Reads(&[], None)),
    // Flow lists and mappings: `groups: [a, b]`, `{rolearn: ...}`, a JSON list of users, a
    // mixed-quote account list.
    ("style-flow-lists.yaml", Reads(&[], None)),
    // A `kubectl edit` buffer: its header comment, a commented-out entry, a user without groups.
    ("style-kubectl-edit-buffer.yaml", Reads(&[], None)),
    // An indented document, spaces after `|` and after values, comments and blank lines
    // between keys and in the values.
    ("style-odd-whitespace-and-comments.yaml", Reads(&[], None)),
    // envsubst / sed / GitHub Actions placeholders never filled in.
    (
        "style-envsubst-placeholders.yaml",
        Reads(&["malformed-arn"], None),
    ),
    // A node role with system:masters and a second entry for it, a path-ful CodeBuild role, a
    // user ARN under mapRoles, an SSO role with its path, an 11-digit account.
    (
        "style-suspicious-mappings.yaml",
        Reads(&["arn-path", "duplicate-identity", "malformed-arn"], None),
    ),
    // A field given twice in one entry (the authenticator uses the last).
    (
        "style-suspicious-duplicate-field.yaml",
        Reads(&["duplicate-field"], None),
    ),
    // A tab between `rolearn:` and a placeholder, no final line break.
    (
        "style-suspicious-tab-before-placeholder.yaml",
        Reads(&["malformed-arn"], None),
    ),
    // Broken inside a value: entry lines indented with tabs; that key is not edited.
    (
        "style-broken-tab-indented-entry.yaml",
        Reads(&["syntax!"], Some("key-not-editable")),
    ),
    // Broken manifests: `data` twice; the `metadata:` line missing.
    (
        "style-broken-duplicate-data-key.yaml",
        Refused("manifest-shape"),
    ),
    (
        "style-broken-missing-metadata-key.yaml",
        Refused("manifest-syntax"),
    ),
];

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testing/fixtures/manifests")
}

#[test]
fn every_style_fixture_is_listed() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("style-"))
        .collect();
    let listed: BTreeSet<String> = STYLES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        on_disk, listed,
        "every style-* fixture needs its expectations here"
    );
    assert!(STYLES.len() >= 14, "the style fixtures went missing");
}

#[test]
fn every_style_reads_round_trips_and_takes_an_upsert() {
    let node = Upsert::new(
        "arn:aws:iam::111122223333:role/example-new-nodes",
        "system:node:{{EC2PrivateDNSName}}",
        ["system:bootstrappers", "system:nodes"],
    );
    for (name, expect) in STYLES {
        let text = std::fs::read_to_string(dir().join(name)).unwrap();
        let (codes, upsert) = match (AwsAuth::parse(&text), expect) {
            (Err(e), Refused(code)) => {
                assert_eq!(e.code(), *code, "{name}: {e}");
                continue;
            }
            (Err(e), Reads(..)) => panic!("{name}: {e}"),
            (Ok(_), Refused(code)) => panic!("{name}: parsed, expected {code}"),
            (Ok(_), Reads(codes, upsert)) => (codes, upsert),
        };
        let mut auth = AwsAuth::parse(&text).unwrap();
        assert_eq!(auth.to_string(), text, "{name}: prints back byte for byte");
        let got: BTreeSet<String> = auth
            .validate()
            .iter()
            .map(|d| match d.severity {
                Severity::Error => format!("{}!", d.code.as_str()),
                _ => d.code.as_str().to_string(),
            })
            .collect();
        let want: BTreeSet<String> = codes.iter().map(|c| c.to_string()).collect();
        assert_eq!(got, want, "{name}: diagnostics {:?}", auth.validate());

        match (
            auth.apply(&[Edit::UpsertRole(node.clone())], &Options::default()),
            upsert,
        ) {
            (Ok(changes), None) => {
                assert_eq!(
                    changes[0].to_string(),
                    "added arn:aws:iam::111122223333:role/example-new-nodes to aws-auth",
                    "{name}"
                );
                let out = auth.to_string();
                let back = AwsAuth::parse(&out).unwrap_or_else(|e| panic!("{name}: {e}\n{out}"));
                assert_eq!(back.to_string(), out, "{name}: the result prints back");
                assert!(
                    back.mappings()
                        .roles
                        .iter()
                        .any(|r| r.rolearn.as_deref() == Some(node.arn.as_str())),
                    "{name}: the new role reads back\n{out}"
                );
                if text.contains("\r\n") {
                    assert!(
                        !out.replace("\r\n", "").contains('\n'),
                        "{name}: CRLF kept\n{out}"
                    );
                }
                // Nothing but the new entry changed: removing it gives the input back.
                let remove = Edit::RemoveRole(aws_auth_core::Remove {
                    arn: node.arn.clone(),
                    ..Default::default()
                });
                let mut again = AwsAuth::parse(&out).unwrap();
                again.apply(&[remove], &Options::default()).unwrap();
                assert_eq!(again.to_string(), text, "{name}: upsert then remove");
            }
            (Err(e), Some(code)) => {
                assert_eq!(e.code(), *code, "{name}: {e}");
                assert_eq!(
                    auth.to_string(),
                    text,
                    "{name}: a refused edit changes nothing"
                );
            }
            (Ok(_), Some(code)) => panic!("{name}: the upsert applied, expected {code}"),
            (Err(e), None) => panic!("{name}: the upsert was refused: {e}"),
        }
    }
}
