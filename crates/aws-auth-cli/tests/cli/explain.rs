//! `explain`: golden outputs for a grant, each near-miss reason and a refused ARN; the exit
//! status (0 when every caller is mapped, 1 when one is not).

use crate::common::{TempDir, fixture, run};
use crate::golden::golden;

const NEAR: &str = "explain-near-misses.yaml";

/// `explain -f FIXTURE --caller ...` in a scratch directory holding a copy of the fixture.
fn explain(fixture_name: &str, callers: &[&str], extra: &[&str]) -> crate::common::Run {
    let d = TempDir::new();
    d.copy(fixture_name);
    let mut args = vec!["explain", "-f", fixture_name];
    for c in callers {
        args.extend(["--caller", c]);
    }
    args.extend_from_slice(extra);
    run(&d, &args)
}

/// One golden file per near-miss reason: the caller, and the reason it must show.
const CASES: &[(&str, &str, &str)] = &[
    (
        "arn-path",
        "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com",
        "[arn-path]",
    ),
    (
        "dead-duplicate",
        "arn:aws:sts::111122223333:assumed-role/ops/bob@example.com",
        "[dead-duplicate]",
    ),
    (
        "shadowed",
        "arn:aws:iam::111122223333:role/ops",
        "[shadowed]",
    ),
    (
        "assumed-role-arn",
        "arn:aws:iam::111122223333:role/team/deploy",
        "[assumed-role-arn]",
    ),
    (
        "other-account",
        "arn:aws:iam::111122223333:role/audit",
        "[other-account]",
    ),
    (
        "other-partition",
        "arn:aws:iam::111122223333:role/cn-admin",
        "[other-partition]",
    ),
    (
        "dropped",
        "arn:aws:iam::111122223333:role/broken",
        "[dropped]",
    ),
    (
        "whitespace",
        "arn:aws:iam::111122223333:role/spacey",
        "[whitespace]",
    ),
    (
        "sso-partition",
        "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_abc/x",
        "[sso-partition]",
    ),
    (
        "case-variant-user",
        "arn:aws:iam::111122223333:user/bob",
        "[case-variant-user]",
    ),
    (
        "account-only",
        "arn:aws:iam::777788889999:user/z",
        "[account-only]",
    ),
    (
        "ignored-key",
        "arn:aws:iam::111122223333:role/lost",
        "[ignored-key]",
    ),
];

#[test]
fn every_near_miss_reason_has_its_golden_output() {
    for (name, caller, reason) in CASES {
        let r = explain(NEAR, &[caller], &[]);
        assert!(r.stdout.contains(reason), "{name}: {}", r.stdout);
        golden(&format!("explain-{name}.txt"), &r.stdout);
    }
}

#[test]
fn a_key_that_does_not_parse_is_a_near_miss_and_other_keys_still_map() {
    let r = explain(
        "explain-key-unread.yaml",
        &[
            "arn:aws:sts::111122223333:assumed-role/ops/carol",
            "arn:aws:iam::111122223333:user/ada",
        ],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("[key-unread]"), "{}", r.stdout);
    golden("explain-key-unread.txt", &r.stdout);
}

#[test]
fn templates_are_filled_as_far_as_the_arn_tells() {
    let r = explain(
        NEAR,
        &["arn:aws:sts::111122223333:assumed-role/ops/bob@example.com"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // `{{SessionName}}` turns `@` into `-`, as the authenticator's server does.
    assert!(
        r.stdout.contains("  username: ops:bob-example.com\n"),
        "{}",
        r.stdout
    );
    // Without a session, the template stays and a note says why.
    let r = explain(NEAR, &["arn:aws:iam::111122223333:role/ops"], &[]);
    assert!(
        r.stdout.contains("  username: ops:{{SessionName}}\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("note: {{SessionName}} is filled at login"),
        "{}",
        r.stdout
    );
}

#[test]
fn json_output_has_the_grant_near_misses_and_file_lines() {
    let r = explain(
        NEAR,
        &[
            "arn:aws:sts::111122223333:assumed-role/ops/bob@example.com",
            "not-an-arn",
        ],
        &["-o", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["granted"], true);
    assert_eq!(v[0]["grant"]["key"], "mapRoles");
    assert_eq!(v[0]["grant"]["index"], 2);
    assert_eq!(v[0]["grant"]["fileLine"], 16);
    assert_eq!(v[0]["grant"]["username"], "ops:bob-example.com");
    assert_eq!(
        v[0]["canonical"]["canonical"],
        "arn:aws:iam::111122223333:role/ops"
    );
    assert_eq!(v[0]["nearMisses"][0]["reason"], "dead-duplicate");
    assert_eq!(v[0]["nearMisses"][0]["fileLine"], 13);
    assert_eq!(v[1]["granted"], false);
    assert!(v[1]["error"].as_str().unwrap().contains("not an ARN"));
    golden("explain.json", &r.stdout);
}

#[test]
fn exit_status_is_zero_only_when_every_caller_is_mapped() {
    let mapped = "arn:aws-cn:iam::111122223333:role/cn-admin";
    let unmapped = "arn:aws:iam::111122223333:role/nobody";
    assert_eq!(explain(NEAR, &[mapped], &[]).code, 0);
    assert_eq!(explain(NEAR, &[mapped, unmapped], &[]).code, 1);
    assert_eq!(explain(NEAR, &[unmapped], &[]).code, 1);
    let d = TempDir::new();
    let f = fixture(NEAR).display().to_string();
    assert_eq!(
        run(&d, &["explain", "-f", &f]).code,
        2,
        "--caller is required"
    );
    assert_eq!(run(&d, &["explain", "-f", &f, "--caller", " "]).code, 2);
}

#[test]
fn a_username_yaml_reads_as_a_boolean_is_empty_and_said_so() {
    let d = TempDir::new();
    d.write(
        "m.yaml",
        &crate::common::manifest(
            "  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: yes\n      groups: [view]\n",
        ),
    );
    let r = run(
        &d,
        &[
            "explain",
            "-f",
            "m.yaml",
            "--caller",
            "arn:aws:iam::111122223333:role/ops",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("  username: (none)\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("YAML 1.1 reads as a boolean"),
        "{}",
        r.stdout
    );
}
