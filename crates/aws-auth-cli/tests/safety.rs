//! Issue 18 through the binary: the lockout guard decides by the authenticator's keys, empty
//! keys take new entries, and the decisions the CLI README documents (group order and
//! duplicates, `--account` checks, `--force` lines, `|-` headers) hold. Manifests go in on
//! stdin (`-f -`); the result comes out on stdout.

mod common;

use std::process::Command;

use common::{BIN, Run, manifest, run_piped};

fn run(stdin: &str, args: &[&str]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args).args(["-f", "-"]).env_remove("KUBECONFIG");
    run_piped(cmd, stdin.as_bytes())
}

const CI_DEPLOYER: &str = "  mapRoles: |\n    - rolearn: arn:aws:iam::210987654321:role/ci-deployer\n      username: admin\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::210987654321:role/service-role/CI-DEPLOYER\n      username: ro\n      groups: [read-only]\n";
const CI: &str = "arn:aws:iam::210987654321:role/ci-deployer";

#[test]
fn demoting_the_only_live_admin_is_refused() {
    let upsert = [
        "upsert",
        "--rolearn",
        CI,
        "--username",
        "x",
        "--groups",
        "view",
    ];
    run(&manifest(CI_DEPLOYER), &upsert).refused("system:masters");
    let mut allow = upsert.to_vec();
    allow.push("--allow-lockout");
    run(&manifest(CI_DEPLOYER), &allow).ok();
}

#[test]
fn append_keeps_the_admin_and_reports_the_dead_path_ful_entry() {
    let r = run(
        &manifest(CI_DEPLOYER),
        &[
            "upsert",
            "--rolearn",
            CI,
            "--username",
            "x",
            "--groups",
            "view",
            "--append",
        ],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        "note: arn:aws:iam::210987654321:role/service-role/CI-DEPLOYER has a path, which the authenticator never matches; left as it is (rewritten, it could override the entry without a path)\nupdated arn:aws:iam::210987654321:role/ci-deployer in aws-auth\n"
    );
    assert_eq!(
        r.stdout,
        manifest(&CI_DEPLOYER.replace(
            "username: admin\n      groups: [system:masters]",
            "username: x\n      groups: [system:masters, view]"
        ))
    );
}

#[test]
fn removing_the_live_admin_beside_a_dead_one_is_refused() {
    let data = "  mapRoles: |\n    - rolearn: arn:aws:iam::555555555555:role/team/abc\n      username: abc\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::555555555555:role/def\n      username: def\n      groups: [system:masters]\n";
    run(
        &manifest(data),
        &["remove", "--rolearn", "arn:aws:iam::555555555555:role/def"],
    )
    .refused("system:masters");
}

#[test]
fn removing_one_of_two_case_variant_users_that_is_the_admin_is_refused() {
    let data = "  mapUsers: |\n    - userarn: arn:aws:iam::555555555555:user/alice\n      username: admin\n      groups: [system:masters]\n    - userarn: arn:aws:iam::555555555555:user/ALICE\n      username: alice\n      groups: [view]\n";
    run(
        &manifest(data),
        &[
            "remove",
            "--userarn",
            "arn:aws:iam::555555555555:user/alice",
            "--username",
            "admin",
        ],
    )
    .refused("system:masters");
}

#[test]
fn upper_case_role_arns_with_a_path_are_found() {
    let data = "  mapRoles: |\n    - rolearn: ARN:AWS:IAM::555555555555:ROLE/TEAM/OPS/OTHER\n      username: other\n      groups: [view]\n";
    let r = run(
        &manifest(data),
        &[
            "remove",
            "--rolearn",
            "arn:aws:iam::555555555555:role/other",
        ],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        "removed ARN:AWS:IAM::555555555555:ROLE/TEAM/OPS/OTHER from aws-auth\n"
    );
    let r = run(
        &manifest(data),
        &[
            "upsert",
            "--rolearn",
            "arn:aws:iam::555555555555:role/other",
            "--username",
            "other",
            "--groups",
            "view",
        ],
    );
    r.ok();
    assert!(
        r.stderr
            .ends_with("updated arn:aws:iam::555555555555:role/other in aws-auth\n"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout.matches("rolearn:").count(), 1, "{}", r.stdout);
}

#[test]
fn a_dump_with_data_first_takes_a_user_after_losing_its_only_one() {
    // `kubectl get -o yaml` order: data first, then kind and metadata.
    let dump = "apiVersion: v1\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::555555555555:user/old\n      username: old\n      groups: [view]\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n";
    let removed = run(
        dump,
        &["remove", "--userarn", "arn:aws:iam::555555555555:user/old"],
    );
    removed.ok();
    assert!(
        removed.stdout.contains("  mapUsers: |\nkind: ConfigMap\n"),
        "{}",
        removed.stdout
    );
    let added = run(
        &removed.stdout,
        &[
            "upsert",
            "--userarn",
            "arn:aws:iam::555555555555:user/new",
            "--username",
            "new",
            "--groups",
            "view",
        ],
    );
    added.ok();
    assert_eq!(
        added.stdout,
        "apiVersion: v1\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::555555555555:user/new\n      username: new\n      groups:\n        - view\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n"
    );
    // The same with another data key after the emptied one.
    let two = dump.replace(
        "kind: ConfigMap",
        "  mapAccounts: |\n    - \"555555555555\"\nkind: ConfigMap",
    );
    let removed = run(
        &two,
        &["remove", "--userarn", "arn:aws:iam::555555555555:user/old"],
    );
    removed.ok();
    let added = run(
        &removed.stdout,
        &[
            "upsert",
            "--userarn",
            "arn:aws:iam::555555555555:user/new",
            "--username",
            "new",
        ],
    );
    added.ok();
    assert!(added.stdout.contains("  mapUsers: |\n    - userarn: arn:aws:iam::555555555555:user/new\n      username: new\n  mapAccounts: |\n"), "{}", added.stdout);
}

const ONE_ROLE: &str = "  mapRoles: |\n    - rolearn: arn:aws:iam::555555555555:role/r\n      username: r\n      groups: [b, a]\n";

#[test]
fn given_groups_are_deduplicated() {
    let r = run(
        &manifest(""),
        &[
            "upsert",
            "--rolearn",
            "arn:aws:iam::555555555555:role/r",
            "--username",
            "r",
            "--groups",
            "a",
            "b",
            "a",
            "--groups",
            "b",
        ],
    );
    r.ok();
    assert!(
        r.stdout
            .ends_with("      groups:\n        - a\n        - b\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn without_append_groups_are_compared_in_order() {
    // `[b, a]` upserted with `--groups a b`: updated (to `[a, b]`), not a no-op.
    let args = [
        "upsert",
        "--rolearn",
        "arn:aws:iam::555555555555:role/r",
        "--username",
        "r",
        "--groups",
        "a",
        "b",
    ];
    let r = run(&manifest(ONE_ROLE), &args);
    r.ok();
    assert_eq!(
        r.stderr,
        "updated arn:aws:iam::555555555555:role/r in aws-auth\n"
    );
    assert!(r.stdout.contains("groups: [a, b]"), "{}", r.stdout);
    // In the same order it is a no-op.
    let same = run(&r.stdout, &args);
    same.ok();
    assert_eq!(
        same.stderr,
        "no updates needed to arn:aws:iam::555555555555:role/r\n"
    );
    assert_eq!(same.stdout, r.stdout);
    // With --append, groups already there in any order are a no-op.
    let mut append = args.to_vec();
    append.push("--append");
    let r = run(&manifest(ONE_ROLE), &append);
    r.ok();
    assert_eq!(
        r.stderr,
        "no updates needed to arn:aws:iam::555555555555:role/r\n"
    );
}

#[test]
fn a_malformed_account_is_refused_on_upsert_and_looked_up_on_remove() {
    run(
        &manifest(""),
        &["upsert", "--mapaccounts", "--account", "5555"],
    )
    .refused("12 digits");
    // One that is already there (written by hand or another tool) can be removed.
    let data = "  mapAccounts: |\n    - \"5555\"\n    - \"555555555555\"\n";
    let r = run(
        &manifest(data),
        &["remove", "--mapaccounts", "--account", "5555"],
    );
    r.ok();
    assert_eq!(r.stderr, "removed 5555 from aws-auth\n");
    assert!(
        r.stdout
            .ends_with("  mapAccounts: |\n    - \"555555555555\"\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn force_says_what_was_not_found() {
    let data = ONE_ROLE;
    let r = run(
        &manifest(data),
        &[
            "remove",
            "--rolearn",
            "arn:aws:iam::555555555555:role/r",
            "--username",
            "other",
            "--groups",
            "x",
            "--force",
        ],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        "nothing matched arn:aws:iam::555555555555:role/r with username \"other\" and groups [\"x\"]; nothing removed (--force)\n"
    );
    assert_eq!(r.stdout, manifest(data));
    let r = run(
        &manifest(data),
        &["remove-by-username", "--username", "nobody", "--force"],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        "nothing matched username nobody; nothing removed (--force)\n"
    );
    let r = run(
        &manifest(data),
        &[
            "remove",
            "--mapaccounts",
            "--account",
            "111122223333",
            "--force",
        ],
    );
    r.ok();
    assert_eq!(
        r.stderr,
        "nothing matched account 111122223333; nothing removed (--force)\n"
    );
}

#[test]
fn a_strip_header_becomes_a_clip_header_for_the_first_entry() {
    let r = run(
        &manifest("  mapUsers: |-\n"),
        &[
            "upsert",
            "--userarn",
            "arn:aws:iam::555555555555:user/u",
            "--username",
            "u",
        ],
    );
    r.ok();
    assert!(
        r.stdout.ends_with(
            "  mapUsers: |\n    - userarn: arn:aws:iam::555555555555:user/u\n      username: u\n"
        ),
        "{}",
        r.stdout
    );
}
