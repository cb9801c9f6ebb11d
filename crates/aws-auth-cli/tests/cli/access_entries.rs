//! `access-entries plan` and `prune` in file mode: formats, inputs, usage errors, and prune's
//! promise (only covered mappings go, every other byte stays).

use std::fs;

use crate::common::{TempDir, manifest, run, run_in};

const ADMIN_POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

fn doc() -> String {
    manifest(
        "  mapRoles: |\n    # nodes\n    - rolearn: arn:aws:iam::111122223333:role/nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n    - rolearn: arn:aws:iam::111122223333:role/admin # the admins\n      username: admin\n      groups:\n        - system:masters\n        - platform\n    - rolearn: arn:aws:iam::111122223333:role/dev\n      username: dev\n      groups:\n        - developers\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/ada\n      username: ada\n      groups:\n        - developers\n  mapAccounts: |\n    - \"444455556666\"\n",
    )
}

fn admin_entry() -> String {
    format!(
        r#"{{"accessEntry": {{"clusterName": "prod", "principalArn": "arn:aws:iam::111122223333:role/team/admin", "kubernetesGroups": ["platform"], "username": "admin", "type": "STANDARD"}}}}
{{"clusterName": "prod", "principalArn": "arn:aws:iam::111122223333:role/team/admin", "associatedAccessPolicies": [{{"policyArn": "{ADMIN_POLICY}", "accessScope": {{"type": "cluster", "namespaces": []}}}}]}}
"#
    )
}

#[test]
fn table_shows_every_mapping_and_the_verdict() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    let r = run(&d, &["access-entries", "plan", "-f", f.to_str().unwrap()]);
    r.ok();
    for want in [
        "mapRoles[0] arn:aws:iam::111122223333:role/nodes",
        "EC2_LINUX",
        "AmazonEKSClusterAdminPolicy (cluster)",
        "mapAccounts[0] 444455556666",
        "not migratable (map-accounts)",
        "verdict: switching to API mode now would cut off 1 mapping(s):",
    ] {
        assert!(r.stdout.contains(want), "{want}: {}", r.stdout);
    }
    assert_eq!(r.stderr, "");
}

#[test]
fn json_needs_a_cluster_name() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    for o in ["json", "shell"] {
        let r = run(
            &d,
            &["access-entries", "plan", "-o", o, "-f", f.to_str().unwrap()],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("--cluster-name"), "{}", r.stderr);
    }
    let r = run(
        &d,
        &[
            "access-entries",
            "plan",
            "-o",
            "json",
            "--cluster-name",
            "prod",
            "-f",
            f.to_str().unwrap(),
        ],
    );
    r.ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let ops: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "CreateAccessEntry",
            "CreateAccessEntry",
            "AssociateAccessPolicy",
            "CreateAccessEntry",
            "CreateAccessEntry"
        ]
    );
    assert!(
        r.stderr
            .starts_with("verdict: switching to API mode now would cut off 1 mapping(s)"),
        "{}",
        r.stderr
    );
}

#[test]
fn existing_entries_are_marked_and_not_created_again() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    let e = d.write("entries.json", &admin_entry());
    let r = run(
        &d,
        &[
            "access-entries",
            "plan",
            "-o",
            "terraform",
            "-f",
            f.to_str().unwrap(),
            "--existing",
            e.to_str().unwrap(),
        ],
    );
    r.ok();
    assert!(r.stdout.contains("# mapRoles[1] arn:aws:iam::111122223333:role/admin: exists already (arn:aws:iam::111122223333:role/team/admin)"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("aws_eks_access_policy_association"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("cluster_name  = var.cluster_name"));
}

#[test]
fn role_paths_are_restored_in_every_format() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    let roles = d.write(
        "roles.json",
        r#"{"Roles": [{"Path": "/eng/", "RoleName": "dev", "Arn": "arn:aws:iam::111122223333:role/eng/dev"}]}"#,
    );
    for o in ["table", "json", "cloudformation", "terraform", "shell"] {
        // The node role is of the cluster's account: migrated.
        let r = run(
            &d,
            &[
                "access-entries",
                "plan",
                "-o",
                o,
                "--cluster-name",
                "prod",
                "--cluster-account",
                "111122223333",
                "--role-paths",
                roles.to_str().unwrap(),
                "-f",
                f.to_str().unwrap(),
            ],
        );
        r.ok();
        assert!(
            r.stdout.contains("arn:aws:iam::111122223333:role/eng/dev"),
            "{o}: {}",
            r.stdout
        );
        assert!(
            r.stdout.contains("arn:aws:iam::111122223333:role/nodes"),
            "{o}: {}",
            r.stdout
        );
        assert!(
            !r.stdout.contains("node-role-of-other-account"),
            "{o}: {}",
            r.stdout
        );
    }
}

#[test]
fn unreadable_inputs_are_one_error_line() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    let bad = d.write("bad.json", "{\"accessEntry\": ");
    let r = run(
        &d,
        &[
            "access-entries",
            "plan",
            "-f",
            f.to_str().unwrap(),
            "--existing",
            bad.to_str().unwrap(),
        ],
    );
    assert!(
        r.one_error().contains("bad.json: not JSON at line 1"),
        "{}",
        r.stderr
    );
    let r = run(
        &d,
        &[
            "access-entries",
            "plan",
            "-f",
            f.to_str().unwrap(),
            "--role-paths",
            "missing.json",
        ],
    );
    assert!(
        r.one_error().contains("missing.json: cannot read it"),
        "{}",
        r.stderr
    );
}

#[test]
fn prune_removes_only_covered_mappings_losslessly() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    let e = d.write("entries.json", &admin_entry());
    let r = run(
        &d,
        &[
            "access-entries",
            "prune",
            "-f",
            f.to_str().unwrap(),
            "-i",
            "--existing",
            e.to_str().unwrap(),
        ],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        "note: mapRoles[1] arn:aws:iam::111122223333:role/admin is covered by access entry arn:aws:iam::111122223333:role/team/admin\nremoved arn:aws:iam::111122223333:role/admin from aws-auth\n"
    );
    let want = doc().replace(
        "    - rolearn: arn:aws:iam::111122223333:role/admin # the admins\n      username: admin\n      groups:\n        - system:masters\n        - platform\n",
        "",
    );
    assert_eq!(fs::read_to_string(&f).unwrap(), want);
    // Again: nothing is covered any more.
    let r = run(
        &d,
        &[
            "access-entries",
            "prune",
            "-f",
            f.to_str().unwrap(),
            "--existing",
            e.to_str().unwrap(),
        ],
    );
    r.ok();
    assert!(r.stderr.contains("nothing to prune"), "{}", r.stderr);
}

#[test]
fn prune_keeps_a_mapping_the_entry_does_not_fully_cover() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    // The entry lacks the `platform` group the mapping grants.
    let e = d.write(
        "entries.json",
        &admin_entry().replace(
            r#""kubernetesGroups": ["platform"]"#,
            r#""kubernetesGroups": []"#,
        ),
    );
    let r = run(
        &d,
        &[
            "access-entries",
            "prune",
            "-f",
            f.to_str().unwrap(),
            "-i",
            "--existing",
            e.to_str().unwrap(),
        ],
    );
    r.ok();
    assert!(r.stderr.contains("nothing to prune"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&f).unwrap(), doc());
}

#[test]
fn prune_guards_the_last_admin_unless_an_entry_is_cluster_admin() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    // The dev mapping is covered; the lone admin mapping is not touched, so no lockout.
    let dev = d.write(
        "dev.json",
        r#"[{"principalArn": "arn:aws:iam::111122223333:role/dev", "username": "dev", "kubernetesGroups": ["developers"]}]"#,
    );
    let r = run(
        &d,
        &[
            "access-entries",
            "prune",
            "-f",
            f.to_str().unwrap(),
            "--dry-run",
            "--existing",
            dev.to_str().unwrap(),
        ],
    );
    r.ok();
    assert!(
        r.stderr
            .contains("removed arn:aws:iam::111122223333:role/dev from aws-auth (dry run)"),
        "{}",
        r.stderr
    );
    // The last system:masters mapping goes when a cluster-admin access entry covers it: the
    // core's guard alone would refuse this without --allow-lockout.
    let only = manifest(
        "  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups:\n        - system:masters\n",
    );
    let g = d.write("only.yaml", &only);
    let r = run(
        &d,
        &[
            "access-entries",
            "prune",
            "-f",
            g.to_str().unwrap(),
            "--existing",
            d.write("e.json", &admin_entry()).to_str().unwrap(),
        ],
    );
    r.ok();
    assert!(r.stdout.contains("data:\n  mapRoles: |\n"), "{}", r.stdout);
    assert!(!r.stdout.contains("role/admin"), "{}", r.stdout);
}

#[test]
fn prune_needs_existing_entries() {
    let d = TempDir::new();
    let r = run_in(
        &d.0,
        &["access-entries", "prune", "-f", "-"],
        Some(doc().as_bytes()),
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("prune needs --existing"), "{}", r.stderr);
}

#[test]
fn help_has_examples() {
    let d = TempDir::new();
    for sub in ["plan", "prune"] {
        let r = run(&d, &["access-entries", sub, "--help"]);
        r.ok();
        assert!(r.stdout.contains("Examples:"), "{}", r.stdout);
        assert!(r.stdout.contains("--existing"), "{}", r.stdout);
    }
}

#[test]
fn prune_refuses_to_take_an_uncovered_twin_along() {
    let d = TempDir::new();
    // The first entry is a dead duplicate of the second (the last wins): removing the covered
    // one by ARN, username and groups would take the dead one too.
    let text = manifest(
        "  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/dev\n      username: dev\n      groups: [developers]\n    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::111122223333:role/dev\n      username: dev\n      groups: [developers]\n",
    );
    let f = d.write("aws-auth.yaml", &text);
    let e = d.write(
        "e.json",
        r#"{"principalArn": "arn:aws:iam::111122223333:role/dev", "username": "dev", "kubernetesGroups": ["developers"]}"#,
    );
    let r = run(
        &d,
        &[
            "access-entries",
            "prune",
            "-f",
            f.to_str().unwrap(),
            "-i",
            "--existing",
            e.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("refusing to prune"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&f).unwrap(), text);
}

#[test]
fn node_roles_of_another_account_are_reported() {
    let d = TempDir::new();
    let f = d.write("aws-auth.yaml", &doc());
    let r = run(
        &d,
        &[
            "access-entries",
            "plan",
            "--cluster-account",
            "999988887777",
            "-f",
            f.to_str().unwrap(),
        ],
    );
    r.ok();
    assert!(
        r.stdout
            .contains("not migratable (node-role-of-other-account)"),
        "{}",
        r.stdout
    );
}
