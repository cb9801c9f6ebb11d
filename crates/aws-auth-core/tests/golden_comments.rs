//! Golden tests of the comment rule on remove: a comment block directly above an entry (no
//! blank line between) belongs to that entry and goes with it; every other comment stays.
//! Removing the first, a middle and the last entry, with and without blank lines between
//! entries, in a block list and in a flow list.

use aws_auth_core::{AwsAuth, Edit, Options, Remove};

const HEAD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n";
const USERS: &str = "  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/alice\n      username: alice\n      groups:\n        - system:masters\n";

const ADMIN: &str = "arn:aws:iam::111122223333:role/admin";
const NODES: &str = "arn:aws:iam::111122223333:role/nodes";
const CI: &str = "arn:aws:iam::111122223333:role/ci";

/// `mapRoles` of the manifest, indented into its block literal.
fn manifest(map_roles: &str) -> String {
    let body: String = map_roles
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect();
    format!("{HEAD}  mapRoles: |\n{body}{USERS}")
}

/// Removes the role `arn` from the manifest whose `mapRoles` is `map_roles`; the new
/// `mapRoles`, checked to be the only part of the manifest that changed.
fn remove(map_roles: &str, arn: &str) -> String {
    let mut auth = AwsAuth::parse(&manifest(map_roles)).expect("parses");
    let remove = Remove {
        arn: arn.into(),
        ..Remove::default()
    };
    let changes = auth
        .apply(&[Edit::RemoveRole(remove)], &Options::default())
        .expect("applies");
    assert_eq!(changes.len(), 1);
    let out = auth.to_string();
    let roles = auth
        .mappings()
        .roles
        .into_iter()
        .map(|r| r.rolearn.unwrap_or_default())
        .collect::<Vec<_>>();
    assert!(!roles.contains(&arn.to_string()), "{out}");
    assert_eq!(roles.len(), 2, "{out}");
    let body = out
        .strip_prefix(&format!("{HEAD}  mapRoles: |\n"))
        .and_then(|rest| rest.strip_suffix(USERS))
        .unwrap_or_else(|| panic!("only mapRoles changes:\n{out}"));
    body.lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Diff-friendly equality.
#[track_caller]
fn same(want: &str, got: &str) {
    assert!(
        want == got,
        "\n--- want ---\n{want}--- got ---\n{got}------------"
    );
}

const BLOCK_ADMIN: &str = "# admin access\n- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin\n  groups:\n    - system:masters\n";
const BLOCK_NODES: &str = "# worker nodes\n# (eksctl nodegroup ng-1)\n- rolearn: arn:aws:iam::111122223333:role/nodes   # the node role\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n    # - system:node-proxier (commented out: belongs to this entry)\n";
const BLOCK_CI: &str = "# ci deployer\n- rolearn: arn:aws:iam::111122223333:role/ci\n  username: ci\n  groups:\n    - ci-deployers\n";
const BLOCK_END: &str = "# end of the list: stays\n";

/// The block list, entries separated by `sep`.
fn block(sep: &str) -> String {
    format!("{BLOCK_ADMIN}{sep}{BLOCK_NODES}{sep}{BLOCK_CI}{sep}{BLOCK_END}")
}

#[test]
fn block_without_blank_lines() {
    let text = block("");
    same(
        &format!("{BLOCK_NODES}{BLOCK_CI}{BLOCK_END}"),
        &remove(&text, ADMIN),
    );
    same(
        &format!("{BLOCK_ADMIN}{BLOCK_CI}{BLOCK_END}"),
        &remove(&text, NODES),
    );
    // The commented-out group is indented deeper than the `-` of ci: it stays with nodes.
    same(
        &format!("{BLOCK_ADMIN}{BLOCK_NODES}{BLOCK_END}"),
        &remove(&text, CI),
    );
}

#[test]
fn block_with_blank_lines() {
    let text = block("\n");
    // The blank line that separated the removed entry from the next one goes too: one
    // separation stays between the neighbours, and the list does not open with a blank line.
    same(
        &format!("{BLOCK_NODES}\n{BLOCK_CI}\n{BLOCK_END}"),
        &remove(&text, ADMIN),
    );
    same(
        &format!("{BLOCK_ADMIN}\n{BLOCK_CI}\n{BLOCK_END}"),
        &remove(&text, NODES),
    );
    same(
        &format!("{BLOCK_ADMIN}\n{BLOCK_NODES}\n{BLOCK_END}"),
        &remove(&text, CI),
    );
}

#[test]
fn block_comment_after_a_blank_line_stays() {
    // "# section" is not directly above nodes: a blank line separates them.
    let text = format!("{BLOCK_ADMIN}\n# section: nodes and ci\n\n{BLOCK_NODES}{BLOCK_CI}");
    same(
        &format!("{BLOCK_ADMIN}\n# section: nodes and ci\n\n{BLOCK_CI}"),
        &remove(&text, NODES),
    );
    // The header comment above the first entry is directly above it: it goes with it.
    same(
        &format!("# section: nodes and ci\n\n{BLOCK_NODES}{BLOCK_CI}"),
        &remove(&text, ADMIN),
    );
}

#[test]
fn block_without_a_final_line_break() {
    let text = block("");
    let text = text.strip_suffix(&format!("\n{BLOCK_END}")).unwrap();
    // The last entry owns the line break before it; its comment goes, nothing else.
    let mut auth = AwsAuth::parse(&format!(
        "{HEAD}  mapRoles: \"{}\"\n{USERS}",
        text.replace('\n', "\\n")
    ))
    .unwrap();
    auth.apply(
        &[Edit::RemoveRole(Remove {
            arn: CI.into(),
            ..Remove::default()
        })],
        &Options::default(),
    )
    .unwrap();
    let want = format!("{BLOCK_ADMIN}{BLOCK_NODES}");
    assert_eq!(auth.data()[0].1, want);
}

const FLOW_ADMIN: &str = r#"{"rolearn": "arn:aws:iam::111122223333:role/admin", "username": "admin", "groups": ["system:masters"]}"#;
const FLOW_NODES: &str = r#"{"rolearn": "arn:aws:iam::111122223333:role/nodes", "username": "system:node:{{EC2PrivateDNSName}}", "groups": ["system:bootstrappers", "system:nodes"]}"#;
const FLOW_CI: &str = r#"{"rolearn": "arn:aws:iam::111122223333:role/ci", "username": "ci", "groups": ["ci-deployers"]}"#;

/// A multi-line flow list with a comment above each entry, entries separated by `,` + `sep`.
fn flow(sep: &str) -> String {
    format!(
        "# roles, as a flow list\n[\n  # admin access\n  {FLOW_ADMIN},{sep}\n  # worker nodes\n  {FLOW_NODES},{sep}\n  # ci deployer\n  {FLOW_CI}\n]\n"
    )
}

#[test]
fn flow_without_blank_lines() {
    let text = flow("");
    same(
        &format!(
            "# roles, as a flow list\n[\n  # worker nodes\n  {FLOW_NODES},\n  # ci deployer\n  {FLOW_CI}\n]\n"
        ),
        &remove(&text, ADMIN),
    );
    same(
        &format!(
            "# roles, as a flow list\n[\n  # admin access\n  {FLOW_ADMIN},\n  # ci deployer\n  {FLOW_CI}\n]\n"
        ),
        &remove(&text, NODES),
    );
    same(
        &format!(
            "# roles, as a flow list\n[\n  # admin access\n  {FLOW_ADMIN},\n  # worker nodes\n  {FLOW_NODES}\n]\n"
        ),
        &remove(&text, CI),
    );
}

#[test]
fn flow_with_blank_lines() {
    let text = flow("\n");
    same(
        &format!(
            "# roles, as a flow list\n[\n  # worker nodes\n  {FLOW_NODES},\n\n  # ci deployer\n  {FLOW_CI}\n]\n"
        ),
        &remove(&text, ADMIN),
    );
    same(
        &format!(
            "# roles, as a flow list\n[\n  # admin access\n  {FLOW_ADMIN},\n\n  # ci deployer\n  {FLOW_CI}\n]\n"
        ),
        &remove(&text, NODES),
    );
    same(
        &format!(
            "# roles, as a flow list\n[\n  # admin access\n  {FLOW_ADMIN},\n\n  # worker nodes\n  {FLOW_NODES}\n]\n"
        ),
        &remove(&text, CI),
    );
}

#[test]
fn one_line_json_list() {
    let text = format!("[{FLOW_ADMIN},{FLOW_NODES},{FLOW_CI}]\n");
    same(
        &format!("[{FLOW_NODES},{FLOW_CI}]\n"),
        &remove(&text, ADMIN),
    );
    same(
        &format!("[{FLOW_ADMIN},{FLOW_CI}]\n"),
        &remove(&text, NODES),
    );
    same(
        &format!("[{FLOW_ADMIN},{FLOW_NODES}]\n"),
        &remove(&text, CI),
    );
}
