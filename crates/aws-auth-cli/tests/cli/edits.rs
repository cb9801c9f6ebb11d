//! What the writing commands report and print: `--force`, `--diff`, `--dry-run`, accounts,
//! role paths.

use std::fs;

use crate::common::{TempDir, fixture, run};
use crate::eqnice;

#[test]
fn force_makes_nothing_matched_a_success() {
    let d = TempDir::new();
    d.copy("three-roles.yaml");
    let r = run(
        &d,
        &[
            "remove",
            "--maproles",
            "--rolearn",
            "arn:aws:iam::444455556666:role/nope",
            "--force",
            "-f",
            "three-roles.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "nothing matched arn:aws:iam::444455556666:role/nope; nothing removed (--force)\n",
        r.stderr
    );
    let r = run(
        &d,
        &[
            "remove-by-username",
            "--username",
            "nobody",
            "--force",
            "-f",
            "three-roles.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &d,
        &[
            "remove-by-username",
            "--username",
            "nobody",
            "-f",
            "three-roles.yaml",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn diff_shows_the_changed_key() {
    let d = TempDir::new();
    let f = d.copy("three-roles.yaml");
    let r = run(
        &d,
        &[
            "remove",
            "--rolearn",
            "arn:aws:iam::444455556666:role/reporting-readers",
            "-f",
            "three-roles.yaml",
            "--diff",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = "\
--- a/three-roles.yaml/data/mapRoles
+++ b/three-roles.yaml/data/mapRoles
@@ -7,7 +7,3 @@
   groups:
     - system:bootstrappers
     - system:nodes
-- rolearn: arn:aws:iam::444455556666:role/reporting-readers
-  username: reporting
-  groups:
-    - reporting-viewers
";
    eqnice!(want, r.stdout);
    assert!(!fs::read_to_string(f).unwrap().contains("reporting-readers"));
}

#[test]
fn diff_header_of_an_absolute_path_has_one_slash() {
    let d = TempDir::new();
    let f = d.copy("three-roles.yaml");
    let path = f.display().to_string();
    let arn = "arn:aws:iam::444455556666:role/reporting-readers";
    let r = run(&d, &["remove", "--rolearn", arn, "-f", &path, "--diff"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.stdout.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("--- a/{}/data/mapRoles", path.trim_start_matches('/'))
    );
}

#[test]
fn dry_run_writes_nothing() {
    let d = TempDir::new();
    let f = d.copy("three-roles.yaml");
    let r = run(
        &d,
        &[
            "remove",
            "--rolearn",
            "arn:aws:iam::444455556666:role/reporting-readers",
            "-f",
            "three-roles.yaml",
            "-i",
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "removed arn:aws:iam::444455556666:role/reporting-readers from aws-auth (dry run)\n",
        r.stderr
    );
    eqnice!("", r.stdout);
    assert_eq!(
        fs::read(&f).unwrap(),
        fs::read(fixture("three-roles.yaml")).unwrap()
    );
}

#[test]
fn accounts() {
    let d = TempDir::new();
    let f = d.copy("three-roles.yaml");
    let r = run(
        &d,
        &[
            "upsert",
            "--mapaccounts",
            "--account",
            "111122223333",
            "-f",
            "three-roles.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(fs::read_to_string(&f).unwrap().contains("\"111122223333\""));
    let r = run(&d, &["get", "-f", "three-roles.yaml"]);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.trim_end() == "Account        111122223333"),
        "{}",
        r.stdout
    );
    let r = run(
        &d,
        &[
            "remove",
            "--mapaccounts",
            "--account",
            "111122223333",
            "-f",
            "three-roles.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&d, &["get", "-o", "json", "-f", "three-roles.yaml"]);
    assert!(r.stdout.contains("\"mapAccounts\": []"), "{}", r.stdout);
}

#[test]
fn role_path_is_stripped_with_a_note() {
    let d = TempDir::new();
    d.copy("three-roles.yaml");
    let r = run(
        &d,
        &[
            "upsert",
            "--rolearn",
            "arn:aws:iam::444455556666:role/team/ci",
            "--username",
            "ci",
            "-f",
            "three-roles.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].starts_with("note: "));
    assert_eq!(
        lines[1],
        "added arn:aws:iam::444455556666:role/ci to aws-auth"
    );
}
