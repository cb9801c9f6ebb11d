//! What the writing commands report and print: `--force`, `--diff`, `--dry-run`, accounts,
//! role paths.

use std::fs;

use crate::common::{TempDir, fixture, run};
use crate::eqnice;

#[test]
fn force_makes_nothing_matched_a_success() {
    let d = TempDir::new();
    d.copy("02-three-roles-simple.yaml");
    let r = run(
        &d,
        &[
            "remove",
            "--maproles",
            "--rolearn",
            "arn:aws:iam::205930638578:role/nope",
            "--force",
            "-f",
            "02-three-roles-simple.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "nothing matched arn:aws:iam::205930638578:role/nope; nothing removed (--force)\n",
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
            "02-three-roles-simple.yaml",
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
            "02-three-roles-simple.yaml",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn diff_shows_the_changed_key() {
    let d = TempDir::new();
    let f = d.copy("02-three-roles-simple.yaml");
    let r = run(
        &d,
        &[
            "remove",
            "--rolearn",
            "arn:aws:iam::205930638578:role/developer-role",
            "-f",
            "02-three-roles-simple.yaml",
            "--diff",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = "\
--- a/02-three-roles-simple.yaml/data/mapRoles
+++ b/02-three-roles-simple.yaml/data/mapRoles
@@ -7,7 +7,3 @@
   username: admin-user
   groups:
     - system:masters
-- rolearn: arn:aws:iam::205930638578:role/developer-role
-  username: dev-user
-  groups:
-    - developers
";
    eqnice!(want, r.stdout);
    assert!(!fs::read_to_string(f).unwrap().contains("developer-role"));
}

#[test]
fn diff_header_of_an_absolute_path_has_one_slash() {
    let d = TempDir::new();
    let f = d.copy("02-three-roles-simple.yaml");
    let path = f.display().to_string();
    let arn = "arn:aws:iam::205930638578:role/developer-role";
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
    let f = d.copy("02-three-roles-simple.yaml");
    let r = run(
        &d,
        &[
            "remove",
            "--rolearn",
            "arn:aws:iam::205930638578:role/developer-role",
            "-f",
            "02-three-roles-simple.yaml",
            "-i",
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "removed arn:aws:iam::205930638578:role/developer-role from aws-auth (dry run)\n",
        r.stderr
    );
    eqnice!("", r.stdout);
    assert_eq!(
        fs::read(&f).unwrap(),
        fs::read(fixture("02-three-roles-simple.yaml")).unwrap()
    );
}

#[test]
fn accounts() {
    let d = TempDir::new();
    let f = d.copy("02-three-roles-simple.yaml");
    let r = run(
        &d,
        &[
            "upsert",
            "--mapaccounts",
            "--account",
            "111122223333",
            "-f",
            "02-three-roles-simple.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(fs::read_to_string(&f).unwrap().contains("\"111122223333\""));
    let r = run(&d, &["get", "-f", "02-three-roles-simple.yaml"]);
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
            "02-three-roles-simple.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &d,
        &["get", "-o", "json", "-f", "02-three-roles-simple.yaml"],
    );
    assert!(r.stdout.contains("\"mapAccounts\": []"), "{}", r.stdout);
}

#[test]
fn role_path_is_stripped_with_a_note() {
    let d = TempDir::new();
    d.copy("02-three-roles-simple.yaml");
    let r = run(
        &d,
        &[
            "upsert",
            "--rolearn",
            "arn:aws:iam::205930638578:role/team/ci",
            "--username",
            "ci",
            "-f",
            "02-three-roles-simple.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].starts_with("note: "));
    assert_eq!(
        lines[1],
        "added arn:aws:iam::205930638578:role/ci to aws-auth"
    );
}
