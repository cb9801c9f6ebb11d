//! `diff`: what changes for callers, in the authenticator's view. Exit status 0 when access is
//! the same, 1 when it changed, 2 on usage errors and unreadable input.

use crate::common::{TempDir, manifest, run, run_in};
use crate::golden::golden;

const BASE: &str = "  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
    - rolearn: arn:aws:iam::111122223333:role/ops
      username: ops
      groups: [system:masters, view]
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/ada
      username: ada
      groups: [system:masters]
";

fn diff(old: &str, new: &str, extra: &[&str]) -> crate::common::Run {
    let d = TempDir::new();
    d.write("old.yaml", &manifest(old));
    d.write("new.yaml", &manifest(new));
    let mut args = vec!["diff", "old.yaml", "new.yaml"];
    args.extend_from_slice(extra);
    run(&d, &args)
}

#[test]
fn a_reformatting_is_no_change() {
    // Block YAML to the JSON style AWS CDK writes, comments gone, fields reordered.
    let json = r#"  mapRoles: '[{"groups":["system:bootstrappers","system:nodes"],"rolearn":"arn:aws:iam::111122223333:role/nodes","username":"system:node:{{EC2PrivateDNSName}}"},{"rolearn":"arn:aws:iam::111122223333:role/ops","username":"ops","groups":["system:masters","view"]}]'
  mapUsers: '[{"userarn":"arn:aws:iam::111122223333:user/ada","username":"ada","groups":["system:masters"]}]'
"#;
    let r = diff(BASE, json, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "no change in access between old.yaml and new.yaml\n"
    );
}

#[test]
fn a_moved_entry_is_no_change() {
    let moved = BASE
        .replace(
            "    - rolearn: arn:aws:iam::111122223333:role/ops
      username: ops
      groups: [system:masters, view]
",
            "",
        )
        .replace(
            "  mapRoles: |\n",
            "  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ops
      username: ops
      groups: [system:masters, view]
",
        );
    assert_ne!(moved, BASE);
    let r = diff(BASE, &moved, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout, "");
}

#[test]
fn reordered_groups_are_no_change() {
    let reordered = BASE.replace("[system:masters, view]", "[view, system:masters]");
    assert_ne!(reordered, BASE);
    let r = diff(BASE, &reordered, &["-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["accessChanged"], false);
}

#[test]
fn a_new_dead_duplicate_is_a_loss_of_access() {
    // A later entry for the same role in other case wins: ops loses system:masters.
    let dup = BASE.replace(
        "  mapUsers: |\n",
        "    - rolearn: arn:aws:iam::111122223333:role/OPS
      username: ops-readonly
      groups: [view]
  mapUsers: |\n",
    );
    let r = diff(BASE, &dup, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    golden("diff-dead-duplicate.txt", &r.stdout);
    let r = diff(BASE, &dup, &["-o", "json"]);
    assert_eq!(r.code, 1);
    golden("diff-dead-duplicate.json", &r.stdout);
}

#[test]
fn a_broken_key_loses_every_entry_in_it() {
    let broken = BASE.replace("[system:masters, view]", "[system:masters, view");
    let r = diff(BASE, &broken, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    golden("diff-key-broken.txt", &r.stdout);
}

#[test]
fn added_removed_and_changed_per_key() {
    let new = BASE
        .replace("username: ada\n", "username: ada-admin\n")
        .replace(
            "  mapUsers: |\n",
            "    - rolearn: arn:aws:iam::111122223333:role/ci
      username: ci
      groups: [deployers]
  mapUsers: |\n",
        )
        .replace(
            "    - rolearn: arn:aws:iam::111122223333:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
",
            "",
        )
        + "  mapAccounts: |\n    - \"444455556666\"\n";
    let r = diff(BASE, &new, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    golden("diff-added-removed-changed.txt", &r.stdout);
}

#[test]
fn stdin_is_one_side() {
    let d = TempDir::new();
    d.write("new.yaml", &manifest(BASE));
    let r = run_in(
        &d.0,
        &["diff", "-", "new.yaml"],
        Some(manifest(BASE).as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn usage_errors_and_unreadable_input_exit_two() {
    let d = TempDir::new();
    d.write("a.yaml", &manifest(BASE));
    for args in [
        vec!["diff", "a.yaml"],
        vec!["diff", "-", "-"],
        vec!["diff", "--live", "a.yaml", "a.yaml"],
        vec!["diff", "a.yaml", "a.yaml", "-f", "a.yaml"],
        vec!["diff", "a.yaml", "missing.yaml"],
    ] {
        let r = run(&d, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.starts_with("error: "), "{args:?}: {}", r.stderr);
    }
}
