//! `get`: the table, JSON and YAML shapes, and which ConfigMap of a file it shows.

use std::fs;

use crate::common::{TempDir, fixture, run, run_in};
use crate::eqnice;

#[test]
fn takes_the_retry_flags_of_the_writing_commands() {
    let d = TempDir::new();
    let file = fixture("three-roles.yaml").display().to_string();
    let args = [
        "get",
        "--retry",
        "--retry-max-count",
        "3",
        "--retry-min-time",
        "50ms",
        "--retry-max-time",
        "1m30s",
        "-f",
        &file,
    ];
    let r = run(&d, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("role/reporting-readers"));
}

#[test]
fn json_shape_has_all_three_keys() {
    let d = TempDir::new();
    let r = run(
        &d,
        &[
            "get",
            "-o",
            "json",
            "-f",
            &fixture("three-roles.yaml").display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["mapRoles"].as_array().unwrap().len(), 3);
    assert_eq!(v["mapUsers"], serde_json::json!([]));
    assert_eq!(v["mapAccounts"], serde_json::json!([]));
    assert_eq!(
        v["mapRoles"][0],
        serde_json::json!({"rolearn": "arn:aws:iam::444455556666:role/platform-operators", "username": "platform-operator", "groups": ["system:masters"]})
    );
}

#[test]
fn yaml_and_accounts() {
    let d = TempDir::new();
    let f = fixture("cdk-username-is-arn-mapaccounts-quoted.yaml")
        .display()
        .to_string();
    let r = run(&d, &["get", "-o", "yaml", "-f", &f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("mapRoles:"), "{}", r.stdout);
    let r = run(&d, &["get", "-f", &f]);
    assert!(r.stdout.starts_with("TYPE "), "{}", r.stdout);
}

#[test]
fn json_manifest_from_stdin() {
    let d = TempDir::new();
    let text = fs::read(fixture("json-manifest-yaml-strings.json")).unwrap();
    let r = run_in(&d.0, &["get", "-o", "json", "-f", "-"], Some(&text));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["mapRoles"].is_array());
}

#[test]
fn get_yaml_quotes_what_yaml_1_1_would_misread() {
    let d = TempDir::new();
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/a\n      username: \"on\"\n      groups: [\"yes\", \"2001-01-01\", \"1_000\", plain]\n";
    let r = run_in(
        &d.0,
        &["get", "-f", "-", "-o", "yaml"],
        Some(manifest.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/a\n  username: \"on\"\n  groups:\n  - \"yes\"\n  - \"2001-01-01\"\n  - \"1_000\"\n  - plain\nmapUsers: []\nmapAccounts: []\n",
        r.stdout
    );
}

#[test]
fn namespace_picks_the_configmap_in_a_file() {
    let d = TempDir::new();
    let one = |ns: &str, user: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: {ns}\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/{user}\n      username: {user}\n"
        )
    };
    let text = format!("{}---\n{}", one("default", "b"), one("kube-system", "a"));
    d.write("two.yaml", &text);
    let get = |extra: &[&str]| {
        let mut args = vec!["get", "-f", "two.yaml", "-o", "json"];
        args.extend(extra);
        run(&d, &args)
    };
    assert!(get(&[]).stdout.contains("user/a"), "kube-system by default");
    assert!(get(&["--namespace", "default"]).stdout.contains("user/b"));
    let r = get(&["--namespace", "staging"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("in namespace \"default\""),
        "{}",
        r.stderr
    );
}
