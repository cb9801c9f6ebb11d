//! Every command line of the reference README, against a copy of its example manifest.

use std::fs;

use crate::common::{NODE_ROLE, TempDir, fixture, run};
use crate::eqnice;

#[test]
fn remove_all_access_of_an_arn() {
    let d = TempDir::new();
    let f = d.copy("readme.yaml");
    let r = run(
        &d,
        &[
            "remove",
            "--mapusers",
            "--userarn",
            "arn:aws:iam::555555555555:user/a-user",
            "-f",
            "readme.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "removed arn:aws:iam::555555555555:user/a-user from aws-auth\nremoved arn:aws:iam::555555555555:user/a-user from aws-auth\n",
        r.stderr
    );
    eqnice!("", r.stdout);
    let text = fs::read_to_string(f).unwrap();
    assert!(!text.contains("user/a-user"), "{text}");
    assert!(text.contains("role/abc"));
}

#[test]
fn remove_by_full_match() {
    let d = TempDir::new();
    let r = run(
        &d,
        &[
            "remove",
            "--mapusers",
            "--userarn",
            "arn:aws:iam::555555555555:user/a-user",
            "--username",
            "admin",
            "--groups",
            "system:masters",
            "-f",
            &fixture("readme.yaml").display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "removed arn:aws:iam::555555555555:user/a-user from aws-auth\n",
        r.stderr
    );
    assert!(
        r.stdout.contains("username: ops-user") && !r.stdout.contains("username: admin"),
        "{}",
        r.stdout
    );
}

#[test]
fn remove_by_username() {
    let d = TempDir::new();
    d.copy("readme.yaml");
    let r = run(
        &d,
        &[
            "remove-by-username",
            "--username",
            "ops-user",
            "-f",
            "readme.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "removed arn:aws:iam::555555555555:role/abc from aws-auth\nremoved arn:aws:iam::555555555555:user/a-user from aws-auth\n",
        r.stderr
    );
    assert!(!r.stdout.contains("ops-user"));
}

#[test]
fn bootstrap_a_node_group_role_with_space_separated_groups() {
    let d = TempDir::new();
    d.copy("readme.yaml");
    let r = run(
        &d,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            NODE_ROLE,
            "--username",
            "system:node:{{EC2PrivateDNSName}}",
            "--groups",
            "system:bootstrappers",
            "system:nodes",
            "-f",
            "readme.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(format!("added {NODE_ROLE} to aws-auth\n"), r.stderr);
    let original = fs::read_to_string(fixture("readme.yaml")).unwrap();
    let added = format!(
        "    - rolearn: {NODE_ROLE}\n      username: system:node:{{{{EC2PrivateDNSName}}}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n"
    );
    let want = original.replace("  mapUsers: |", &format!("{added}  mapUsers: |"));
    eqnice!(want, r.stdout);
}

#[test]
fn retry_flags_are_accepted_in_file_mode() {
    let d = TempDir::new();
    d.copy("readme.yaml");
    let r = run(
        &d,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            NODE_ROLE,
            "--username",
            "system:node:{{EC2PrivateDNSName}}",
            "--groups",
            "system:bootstrappers",
            "system:nodes",
            "--retry",
            "--retry-max-count",
            "3",
            "--retry-min-time",
            "100ms",
            "--retry-max-time",
            "1m30s",
            "-f",
            "readme.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn append_and_update_username_false() {
    // Exactly the README's lines, 11-digit account included: accepted with a note.
    let d = TempDir::new();
    d.copy("readme.yaml");
    let role = "arn:aws:iam::00000000000:role/test";
    let r = run(
        &d,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            role,
            "--username",
            "test",
            "--groups",
            "test",
            "--append",
            "-f",
            "readme.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("added {role} to aws-auth\n")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("note: ") && r.stderr.contains("not 12 digits"),
        "{}",
        r.stderr
    );
    let r = run(
        &d,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            role,
            "--username",
            "test2",
            "--groups",
            "test",
            "--update-username=false",
            "-f",
            "readme.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("no updates needed to {role}\n")),
        "{}",
        r.stderr
    );
    let r = run(
        &d,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            role,
            "--username",
            "test",
            "--groups",
            "other",
            "--append",
            "-f",
            "readme.yaml",
            "-i",
        ],
    );
    assert!(
        r.stderr.contains(&format!("updated {role} in aws-auth\n")),
        "{}",
        r.stderr
    );
    let r = run(&d, &["get", "-f", "readme.yaml"]);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.contains(role) && l.ends_with("test, other")),
        "{}",
        r.stdout
    );
}

#[test]
fn get_table() {
    let d = TempDir::new();
    let r = run(
        &d,
        &[
            "get",
            "--format",
            "table",
            "-f",
            &fixture("readme.yaml").display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = "\
TYPE           ARN                                                                               USERNAME                            GROUPS
Role Mapping   arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6   system:node:{{EC2PrivateDNSName}}   system:bootstrappers, system:nodes
Role Mapping   arn:aws:iam::555555555555:role/abc                                                ops-user                            system:masters
User Mapping   arn:aws:iam::555555555555:user/a-user                                             admin                               system:masters
User Mapping   arn:aws:iam::555555555555:user/a-user                                             ops-user                            system:masters
";
    eqnice!(want, r.stdout);
    eqnice!("", r.stderr);
}
