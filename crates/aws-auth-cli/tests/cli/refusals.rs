//! Input the command refuses, with one `error:` line and nothing written: lockouts, broken or
//! foreign manifests, missing and oversized files, invalid ARNs.

use std::fs;

use crate::common::{TempDir, fixture, run, run_in};
use crate::eqnice;

#[test]
fn lockout_is_refused_then_overridden() {
    let d = TempDir::new();
    let f = d.copy("three-roles.yaml");
    let args = [
        "remove",
        "--rolearn",
        "arn:aws:iam::444455556666:role/platform-operators",
        "-f",
        "three-roles.yaml",
        "-i",
    ];
    let r = run(&d, &args);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: three-roles.yaml: refusing to take away the last system:masters"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read(&f).unwrap(),
        fs::read(fixture("three-roles.yaml")).unwrap()
    );
    // --force keeps its Go meaning and does not override the lockout guard.
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(run(&d, &forced).code, 1);
    let mut allowed = args.to_vec();
    allowed.push("--allow-lockout");
    let r = run(&d, &allowed);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !fs::read_to_string(&f)
            .unwrap()
            .contains("platform-operators")
    );
}

#[test]
fn malformed_manifest() {
    let d = TempDir::new();
    let f = d.copy("broken-block-scalar-under-indented.yaml");
    for args in [
        vec!["get"],
        vec!["validate"],
        vec![
            "upsert",
            "--rolearn",
            "arn:aws:iam::111122223333:role/x",
            "--username",
            "x",
            "-i",
        ],
    ] {
        let mut argv = args.clone();
        argv.extend(["-f", "broken-block-scalar-under-indented.yaml"]);
        let r = run(&d, &argv);
        assert_eq!(r.code, 1, "{args:?}");
        eqnice!("", r.stdout);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.starts_with(
                "error: broken-block-scalar-under-indented.yaml: manifest is not valid YAML at line"
            ),
            "{}",
            r.stderr
        );
    }
    assert_eq!(
        fs::read(&f).unwrap(),
        fs::read(fixture("broken-block-scalar-under-indented.yaml")).unwrap()
    );
}

#[test]
fn not_a_configmap() {
    let d = TempDir::new();
    d.write(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
    );
    let r = run(&d, &["get", "-f", "pod.yaml"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("error: pod.yaml: "), "{}", r.stderr);
}

#[test]
fn missing_file() {
    let d = TempDir::new();
    let r = run(&d, &["get", "-f", "nope.yaml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr == "error: nope.yaml: cannot read it: No such file or directory\n",
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
}

#[test]
fn huge_input() {
    let d = TempDir::new();
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n",
    );
    while text.len() < 4 * 1024 * 1024 {
        text.push_str("    # padding padding padding padding padding padding padding padding\n");
    }
    let f = d.write("huge.yaml", &text);
    let r = run(
        &d,
        &[
            "upsert",
            "--rolearn",
            "arn:aws:iam::111122223333:role/x",
            "--username",
            "x",
            "-f",
            "huge.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: huge.yaml: input is larger than"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(f).unwrap(), text);
    let r = run_in(&d.0, &["get", "-f", "-"], Some(text.as_bytes()));
    assert_eq!(r.code, 1);
}

#[test]
fn key_that_does_not_parse_is_not_edited() {
    let d = TempDir::new();
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: [unclosed\n";
    let f = d.write("bad.yaml", text);
    let r = run(
        &d,
        &[
            "upsert",
            "--rolearn",
            "arn:aws:iam::111122223333:role/x",
            "--username",
            "x",
            "-f",
            "bad.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error: bad.yaml: mapRoles cannot be edited safely"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(f).unwrap(), text);
    let r = run(&d, &["validate", "-f", "bad.yaml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with("error[syntax] mapRoles"),
        "{}",
        r.stdout
    );
}

#[test]
fn invalid_arn_is_refused() {
    let d = TempDir::new();
    d.copy("three-roles.yaml");
    let r = run(
        &d,
        &[
            "upsert",
            "--rolearn",
            "not-an-arn",
            "--username",
            "x",
            "-f",
            "three-roles.yaml",
        ],
    );
    assert_eq!(r.code, 1);
    eqnice!("", r.stdout);
    assert!(
        r.stderr
            .starts_with("error: three-roles.yaml: invalid role ARN"),
        "{}",
        r.stderr
    );
}
