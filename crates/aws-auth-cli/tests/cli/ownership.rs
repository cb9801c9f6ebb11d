//! `apply` and `release` on manifest files: the CLI side of entry ownership (the rules
//! themselves are the core's golden tests).

use std::fs;

use crate::common::{TempDir, manifest, run, run_in};

const CI: &str = "arn:aws:iam::111122223333:role/ci";

/// An admin and a node role written by hand.
fn cluster() -> String {
    manifest(
        "  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::111122223333:role/nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n",
    )
}

const WANT: &str = "mapRoles:\n  - rolearn: arn:aws:iam::111122223333:role/ci\n    username: ci\n    groups: [deployers]\nmapAccounts: [\"444455556666\"]\n";

#[test]
fn apply_then_get_then_release_round_trips() {
    let d = TempDir::new();
    let original = cluster();
    let file = d.write("aws-auth.yaml", &original);
    d.write("want.yaml", WANT);
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "team-ci",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        format!("added {CI} to aws-auth\nadded 444455556666 to aws-auth\n")
    );
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("aws-auth/managers: '{\"v\":1,\"managers\":{\"team-ci\":"),
        "{text}"
    );
    assert!(
        text.starts_with(&original[..original.find("data:").unwrap()])
            || text.contains("  annotations:\n")
    );

    // get names the manager: a table column, a JSON field.
    let table = run(&d, &["get", "-f", "aws-auth.yaml"]);
    let lines: Vec<&str> = table.ok().stdout.lines().collect();
    assert!(lines[0].ends_with("MANAGER"), "{}", table.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("role/ci") && l.ends_with("team-ci"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("role/admin") && l.ends_with("system:masters"))
    );
    let json = run(&d, &["get", "-f", "aws-auth.yaml", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.ok().stdout).unwrap();
    assert_eq!(v["mapRoles"][2]["manager"], "team-ci");
    assert!(v["mapRoles"][0].get("manager").is_none());

    // get's output, cut down to the manager's entries, goes back in as they are: no change.
    let mine = serde_json::json!({
        "mapRoles": [v["mapRoles"][2].clone()],
        "mapAccounts": v["mapAccounts"].clone(),
    });
    let r = run_in(
        &d.0,
        &[
            "apply",
            "--manager",
            "team-ci",
            "--entries",
            "-",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
        Some(mine.to_string().as_bytes()),
    );
    assert_eq!(
        r.ok().stderr,
        format!("no updates needed to {CI}\nno updates needed to 444455556666\n")
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        text,
        "nothing rewritten"
    );

    let r = run(
        &d,
        &[
            "release",
            "--manager",
            "team-ci",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    );
    assert_eq!(
        r.ok().stderr,
        format!("removed {CI} from aws-auth\nremoved 444455556666 from aws-auth\n")
    );
    let after = fs::read_to_string(&file).unwrap();
    assert!(
        !after.contains("aws-auth/managers") && !after.contains("role/ci"),
        "{after}"
    );
    assert!(
        after.starts_with(&original),
        "the hand-written text is as it was: {after}"
    );
}

#[test]
fn another_managers_entry_is_refused_then_taken_over() {
    let d = TempDir::new();
    d.write("aws-auth.yaml", &cluster());
    d.write("want.yaml", WANT);
    run(
        &d,
        &[
            "apply",
            "--manager",
            "a",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    )
    .ok();
    let before = fs::read_to_string(d.0.join("aws-auth.yaml")).unwrap();
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "b",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    );
    r.refused("is managed by \"a\"");
    assert!(
        r.stderr.contains("--take-over"),
        "the refusal names the flag: {}",
        r.stderr
    );
    assert_eq!(
        fs::read_to_string(d.0.join("aws-auth.yaml")).unwrap(),
        before
    );
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "b",
            "--entries",
            "want.yaml",
            "--take-over",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    );
    r.ok();
    assert!(
        r.stderr
            .contains("adopted arn:aws:iam::111122223333:role/ci in aws-auth"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("taken over from a"), "{}", r.stderr);
}

#[test]
fn a_differing_unmanaged_entry_is_refused_and_dry_run_writes_nothing() {
    let d = TempDir::new();
    d.write("aws-auth.yaml", &cluster());
    d.write(
        "want.yaml",
        "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: nodes\n  groups: [viewers]\n",
    );
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "x",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
        ],
    );
    r.refused("not managed by anyone");
    d.write("want.yaml", WANT);
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "x",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
            "-i",
            "--dry-run",
            "--diff",
        ],
    );
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("added {CI} to aws-auth (dry run)")),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("+- rolearn: arn:aws:iam::111122223333:role/ci")
            || r.stdout.contains("+    - rolearn")
            || r.stdout.contains("role/ci"),
        "{}",
        r.stdout
    );
    assert_eq!(
        fs::read_to_string(d.0.join("aws-auth.yaml")).unwrap(),
        cluster()
    );
}

#[test]
fn releasing_the_last_admin_needs_the_lockout_override() {
    let d = TempDir::new();
    d.write("aws-auth.yaml", &manifest("  mapRoles: |\n    []\n"));
    d.write(
        "admins.yaml",
        "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin\n  groups: [system:masters]\n",
    );
    run(
        &d,
        &[
            "apply",
            "--manager",
            "admins",
            "--entries",
            "admins.yaml",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    )
    .ok();
    let r = run(
        &d,
        &[
            "release",
            "--manager",
            "admins",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    );
    r.refused("system:masters");
    run(
        &d,
        &[
            "release",
            "--manager",
            "admins",
            "-f",
            "aws-auth.yaml",
            "-i",
            "--allow-lockout",
        ],
    )
    .ok();
}

#[test]
fn plain_edits_of_a_managed_entry_say_whose_it_is() {
    let d = TempDir::new();
    d.write("aws-auth.yaml", &cluster());
    d.write("want.yaml", WANT);
    run(
        &d,
        &[
            "apply",
            "--manager",
            "team-ci",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    )
    .ok();
    let r = run(
        &d,
        &[
            "upsert",
            "--rolearn",
            CI,
            "--username",
            "ci",
            "--groups",
            "other",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    );
    assert_eq!(
        r.ok().stderr,
        format!("note: {CI} is managed by team-ci\nupdated {CI} in aws-auth\n")
    );
    // validate sees the drift; the next apply sets it back and says so.
    let v = run(&d, &["validate", "-f", "aws-auth.yaml"]);
    assert!(
        v.stdout.contains("ownership-record")
            && v.stdout
                .contains("was changed since manager \"team-ci\" wrote it"),
        "{}",
        v.stdout
    );
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "team-ci",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    );
    assert!(
        r.ok().stderr.contains(&format!(
            "warning: changed by someone else since their manager wrote them (drift): {CI}"
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_entries_and_bad_records_are_clear_errors() {
    let d = TempDir::new();
    d.write("aws-auth.yaml", &cluster());
    d.write(
        "want.yaml",
        "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/ci\n  groups: [x]\n",
    );
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "x",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
        ],
    );
    r.refused("want.yaml: desired entries: mapRoles[0]: missing field `username`");
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "x",
            "--entries",
            "missing.yaml",
            "-f",
            "aws-auth.yaml",
        ],
    );
    r.refused("missing.yaml: cannot read it");
    // A record broken by hand: validate warns, the next apply repairs it and says so.
    let broken = cluster().replace(
        "  namespace: kube-system\n",
        "  namespace: kube-system\n  annotations:\n    aws-auth/managers: oops\n",
    );
    d.write("aws-auth.yaml", &broken);
    let v = run(&d, &["validate", "-f", "aws-auth.yaml"]);
    assert!(
        v.stdout.contains("ownership-record") && v.stdout.contains("unreadable"),
        "{}",
        v.stdout
    );
    d.write("want.yaml", WANT);
    let r = run(
        &d,
        &[
            "apply",
            "--manager",
            "x",
            "--entries",
            "want.yaml",
            "-f",
            "aws-auth.yaml",
            "-i",
        ],
    );
    assert!(
        r.ok()
            .stderr
            .contains("warning: the ownership record was unreadable"),
        "{}",
        r.stderr
    );
    let v = run(&d, &["validate", "-f", "aws-auth.yaml"]);
    assert_eq!(v.ok().stdout, "");
}

#[test]
fn usage_errors_exit_2() {
    let d = TempDir::new();
    d.write("aws-auth.yaml", &cluster());
    for args in [
        &["apply", "--entries", "want.yaml", "-f", "aws-auth.yaml"][..],
        &["apply", "--manager", "x", "-f", "aws-auth.yaml"],
        &["release", "-f", "aws-auth.yaml"],
    ] {
        assert_eq!(run(&d, args).code, 2, "{args:?}");
    }
    let r = run_in(
        &d.0,
        &["apply", "--manager", "x", "--entries", "-", "-f", "-"],
        Some(b""),
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: --entries - and -f - cannot both read stdin\n"
    );
}
