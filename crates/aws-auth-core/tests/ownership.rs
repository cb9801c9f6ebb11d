//! Golden tests for entry ownership (contract §5): every rule of apply and release, on block
//! YAML, JSON and API-server data, with the bytes outside the touched entries kept.

use aws_auth_core::{
    Action, ApplyOptions, AwsAuth, Code, Desired, DesiredEntry, Error, OWNERSHIP_ANNOTATION,
};

const NODES: &str = "arn:aws:iam::111122223333:role/eks-nodes";
const ADMIN: &str = "arn:aws:iam::111122223333:role/admin";
const CI: &str = "arn:aws:iam::111122223333:role/ci";
const DEV: &str = "arn:aws:iam::111122223333:user/dev";

/// A cluster as EKS and a person left it: a node role, an admin, comments.
const MANIFEST: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    # nodes, added by EKS
    - rolearn: arn:aws:iam::111122223333:role/eks-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
    - rolearn: arn:aws:iam::111122223333:role/admin   # break glass
      username: admin
      groups: [system:masters]
  mapUsers: |
    []
";

fn parse(text: &str) -> AwsAuth {
    AwsAuth::parse(text).expect("the fixture parses")
}

fn role(arn: &str, username: &str, groups: &[&str]) -> DesiredEntry {
    DesiredEntry::new(arn, username, groups.iter().copied())
}

fn roles(entries: Vec<DesiredEntry>) -> Desired {
    Desired {
        roles: entries,
        ..Desired::default()
    }
}

fn opts() -> ApplyOptions {
    ApplyOptions::default()
}

fn take_over() -> ApplyOptions {
    ApplyOptions {
        take_over: true,
        ..ApplyOptions::default()
    }
}

fn actions(applied: &aws_auth_core::Applied) -> Vec<(Action, String)> {
    applied
        .changes
        .iter()
        .map(|c| (c.action, c.subject.clone()))
        .collect()
}

fn record(auth: &AwsAuth) -> String {
    auth.ownership_record().unwrap_or_default().to_string()
}

/// The manifest without the annotation lines an apply adds, to compare the rest byte for byte.
fn without_record(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains(OWNERSHIP_ANNOTATION) && l.trim() != "annotations:")
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn create_adds_entries_and_records_them_and_nothing_else_moves() {
    let mut auth = parse(MANIFEST);
    let applied = auth
        .apply_as(
            "team-ci",
            &Desired {
                roles: vec![role(CI, "ci", &["deployers"])],
                users: vec![DesiredEntry::new(DEV, "dev", ["viewers"])],
                accounts: vec!["444455556666".into()],
            },
            &opts(),
        )
        .unwrap();
    assert_eq!(
        actions(&applied),
        [
            (Action::Added, CI.to_string()),
            (Action::Added, DEV.to_string()),
            (Action::Added, "444455556666".to_string())
        ]
    );
    let text = auth.to_string();
    // Everything that was there is there, in place; the new entries follow their neighbours.
    assert!(
        without_record(&text).starts_with(&MANIFEST[..MANIFEST.find("  mapUsers").unwrap()]),
        "{text}"
    );
    assert!(
        text.contains(
            "  annotations:\n    aws-auth/managers: '{\"v\":1,\"managers\":{\"team-ci\":{"
        ),
        "{text}"
    );
    let own = auth.ownership();
    assert_eq!(own.managers, ["team-ci"]);
    assert_eq!(own.roles, [None, None, Some("team-ci".into())]);
    assert_eq!(own.users, [Some("team-ci".into())]);
    assert_eq!(own.accounts, [Some("team-ci".into())]);
    // What was written reads back the same from a fresh parse.
    assert_eq!(parse(&text).ownership(), own);
    assert!(
        parse(&text).validate().is_empty(),
        "{:?}",
        parse(&text).validate()
    );
}

#[test]
fn reapplying_the_same_desire_writes_nothing() {
    let mut auth = parse(MANIFEST);
    let desired = roles(vec![role(CI, "ci", &["deployers"])]);
    auth.apply_as("team-ci", &desired, &opts()).unwrap();
    let once = auth.to_string();
    let again = auth.apply_as("team-ci", &desired, &opts()).unwrap();
    assert_eq!(actions(&again), [(Action::Unchanged, CI.to_string())]);
    assert_eq!(auth.to_string(), once);
}

#[test]
fn update_changes_only_the_owned_entry() {
    let mut auth = parse(MANIFEST);
    auth.apply_as(
        "team-ci",
        &roles(vec![role(CI, "ci", &["deployers"])]),
        &opts(),
    )
    .unwrap();
    let before = auth.to_string();
    let fingerprint_before = record(&auth);
    let applied = auth
        .apply_as(
            "team-ci",
            &roles(vec![role(CI, "ci", &["deployers", "viewers"])]),
            &opts(),
        )
        .unwrap();
    assert_eq!(actions(&applied), [(Action::Updated, CI.to_string())]);
    assert!(applied.drifted.is_empty());
    let after = auth.to_string();
    assert_ne!(
        record(&auth),
        fingerprint_before,
        "the fingerprint follows the new values"
    );
    // Only the ci entry's groups and the record changed.
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(after.contains("viewers"));
}

#[test]
fn entries_no_longer_desired_are_removed_when_created_and_kept_when_adopted() {
    let mut auth = parse(MANIFEST);
    // The node role is there already with these values: adopted, not rewritten.
    let nodes = role(
        NODES,
        "system:node:{{EC2PrivateDNSName}}",
        &["system:bootstrappers", "system:nodes"],
    );
    let applied = auth
        .apply_as(
            "cdk:Stack/Nodes",
            &roles(vec![nodes, role(CI, "ci", &["deployers"])]),
            &opts(),
        )
        .unwrap();
    assert_eq!(
        actions(&applied),
        [
            (Action::Added, CI.to_string()),
            (Action::Adopted, NODES.to_string())
        ]
    );
    assert_eq!(
        without_record(&auth.to_string())
            .lines()
            .filter(|l| l.contains("eks-nodes"))
            .count(),
        1
    );
    // Wanting nothing: the created one goes, the adopted one stays and is no longer managed.
    let applied = auth
        .apply_as("cdk:Stack/Nodes", &Desired::default(), &opts())
        .unwrap();
    assert_eq!(
        actions(&applied),
        [
            (Action::Removed, CI.to_string()),
            (Action::Kept, NODES.to_string())
        ]
    );
    assert_eq!(
        auth.to_string(),
        MANIFEST,
        "back to the manifest as it was, record and all"
    );
    assert_eq!(auth.ownership_record(), None);
}

#[test]
fn an_unowned_entry_with_other_values_is_refused_unless_taken_over() {
    let mut auth = parse(MANIFEST);
    let desired = roles(vec![role(ADMIN, "admin", &["viewers"])]);
    let err = auth.apply_as("team-ci", &desired, &opts()).unwrap_err();
    assert_eq!(err.code(), "owned");
    assert!(matches!(&err, Error::Owned { owner: None, .. }));
    assert!(err.to_string().contains("not managed by anyone"), "{err}");
    assert_eq!(auth.to_string(), MANIFEST, "a refusal changes nothing");
    // Taking it over would take away the last system:masters grant: the lockout guard holds.
    let err = auth
        .apply_as("team-ci", &desired, &take_over())
        .unwrap_err();
    assert_eq!(err.code(), "lockout", "{err}");
    let keep_admin = roles(vec![role(ADMIN, "admin", &["system:masters", "viewers"])]);
    let applied = auth.apply_as("team-ci", &keep_admin, &take_over()).unwrap();
    assert_eq!(actions(&applied), [(Action::Updated, ADMIN.to_string())]);
    assert!(
        applied.changes[0]
            .note
            .as_deref()
            .unwrap()
            .contains("taken over")
    );
    // Taken over from nobody: adopted, so a later release leaves it.
    let released = auth.release("team-ci", &opts()).unwrap();
    assert_eq!(actions(&released), [(Action::Kept, ADMIN.to_string())]);
}

#[test]
fn an_entry_of_another_manager_is_refused_with_its_name_and_taken_over_explicitly() {
    let mut auth = parse(MANIFEST);
    auth.apply_as(
        "stack-a",
        &roles(vec![role(CI, "ci", &["deployers"])]),
        &opts(),
    )
    .unwrap();
    let before = auth.to_string();
    // Even with the same values: another manager's entry is not adopted.
    let err = auth
        .apply_as(
            "stack-b",
            &roles(vec![role(CI, "ci", &["deployers"])]),
            &opts(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{CI} is managed by \"stack-a\"; take it over explicitly to manage it")
    );
    assert_eq!(auth.to_string(), before);
    let applied = auth
        .apply_as(
            "stack-b",
            &roles(vec![role(CI, "ci", &["deployers"])]),
            &take_over(),
        )
        .unwrap();
    assert_eq!(actions(&applied), [(Action::Adopted, CI.to_string())]);
    assert!(
        applied.changes[0]
            .note
            .as_deref()
            .unwrap()
            .contains("taken over from stack-a")
    );
    assert_eq!(auth.ownership().roles[2].as_deref(), Some("stack-b"));
    assert_eq!(
        auth.ownership().managers,
        ["stack-b"],
        "stack-a owns nothing any more"
    );
    // stack-a created it, and stack-b took that over: releasing stack-b removes it.
    let released = auth.release("stack-b", &opts()).unwrap();
    assert_eq!(actions(&released), [(Action::Removed, CI.to_string())]);
    assert_eq!(auth.to_string(), MANIFEST);
}

#[test]
fn drift_is_reported_and_set_back() {
    let mut auth = parse(MANIFEST);
    auth.apply_as(
        "team-ci",
        &roles(vec![role(CI, "ci", &["deployers"])]),
        &opts(),
    )
    .unwrap();
    // Someone edits the entry by hand (a new group) without touching the record.
    let edited = auth
        .to_string()
        .replace("groups: [deployers]", "groups: [deployers, hand-added]");
    assert_ne!(edited, auth.to_string());
    let mut auth = parse(&edited);
    let warnings = auth.validate();
    assert!(
        warnings.iter().any(|d| d.code == Code::OwnershipRecord
            && d.message
                .contains("was changed since manager \"team-ci\" wrote it")),
        "{warnings:?}"
    );
    let applied = auth
        .apply_as(
            "team-ci",
            &roles(vec![role(CI, "ci", &["deployers"])]),
            &opts(),
        )
        .unwrap();
    assert_eq!(applied.drifted, [CI]);
    assert_eq!(actions(&applied), [(Action::Updated, CI.to_string())]);
    assert!(
        applied.changes[0]
            .note
            .as_deref()
            .unwrap()
            .contains("someone changed it")
    );
    assert!(!auth.to_string().contains("hand-added"));
    assert!(auth.validate().is_empty());
}

#[test]
fn an_owned_entry_removed_by_hand_is_added_back() {
    let mut auth = parse(MANIFEST);
    auth.apply_as(
        "team-ci",
        &roles(vec![role(CI, "ci", &["deployers"])]),
        &opts(),
    )
    .unwrap();
    let mut by_hand = parse(&auth.to_string());
    by_hand
        .apply(
            &[aws_auth_core::Edit::RemoveRole(aws_auth_core::Remove {
                arn: CI.into(),
                ..Default::default()
            })],
            &Default::default(),
        )
        .unwrap();
    assert!(
        by_hand
            .validate()
            .iter()
            .any(|d| d.message.contains("no longer in aws-auth"))
    );
    let applied = by_hand
        .apply_as(
            "team-ci",
            &roles(vec![role(CI, "ci", &["deployers"])]),
            &opts(),
        )
        .unwrap();
    assert_eq!(actions(&applied), [(Action::Added, CI.to_string())]);
    assert_eq!(applied.drifted, [CI]);
}

#[test]
fn release_removes_only_what_the_manager_created_and_nobody_changed() {
    let mut auth = parse(MANIFEST);
    let nodes = role(
        NODES,
        "system:node:{{EC2PrivateDNSName}}",
        &["system:bootstrappers", "system:nodes"],
    );
    let other = "arn:aws:iam::111122223333:role/other";
    auth.apply_as(
        "stack",
        &roles(vec![
            nodes,
            role(CI, "ci", &["deployers"]),
            role(other, "other", &["viewers"]),
        ]),
        &opts(),
    )
    .unwrap();
    // Someone changes `other` by hand.
    let text = auth
        .to_string()
        .replace("username: other", "username: other-renamed");
    let mut auth = parse(&text);
    let released = auth.release("stack", &opts()).unwrap();
    assert_eq!(
        actions(&released),
        [
            (Action::Removed, CI.to_string()),
            (Action::Kept, NODES.to_string()),
            (Action::Kept, other.to_string())
        ]
    );
    assert_eq!(released.drifted, [other]);
    let after = auth.to_string();
    assert!(!after.contains("role/ci"));
    assert!(after.contains("other-renamed"));
    assert!(after.contains("eks-nodes"));
    assert_eq!(auth.ownership_record(), None);
    // Releasing a manager the record does not know does nothing.
    let before = auth.to_string();
    assert!(auth.release("nobody", &opts()).unwrap().changes.is_empty());
    assert_eq!(auth.to_string(), before);
}

#[test]
fn the_lockout_guard_holds_on_apply_and_release() {
    // A manager created the only admin mapping.
    let empty = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n";
    let mut auth = parse(empty);
    auth.apply_as(
        "admins",
        &roles(vec![role(ADMIN, "admin", &["system:masters"])]),
        &opts(),
    )
    .unwrap();
    let with_admin = auth.to_string();
    for result in [
        auth.clone().release("admins", &opts()),
        auth.clone()
            .apply_as("admins", &Desired::default(), &opts()),
        auth.clone().apply_as(
            "admins",
            &roles(vec![role(ADMIN, "admin", &["viewers"])]),
            &opts(),
        ),
    ] {
        let err = result.unwrap_err();
        assert_eq!(err.code(), "lockout", "{err}");
    }
    assert_eq!(auth.to_string(), with_admin);
    // Replacing the admin by another in one apply is fine: the guard sees the end result.
    let other = "arn:aws:iam::111122223333:role/admin2";
    auth.clone()
        .apply_as(
            "admins",
            &roles(vec![role(other, "admin2", &["system:masters"])]),
            &opts(),
        )
        .unwrap();
    let allow = ApplyOptions {
        allow_lockout: true,
        ..ApplyOptions::default()
    };
    auth.release("admins", &allow).unwrap();
    assert_eq!(auth.to_string(), empty);
}

#[test]
fn a_broken_record_is_reported_then_repaired_by_the_next_apply() {
    for broken in [
        "not json",
        "'[1, 2]'",
        "'{\"v\":1,\"managers\":{\"x\":{\"bogus\":\"created:1\"}}}'",
    ] {
        let text = MANIFEST.replace(
            "  namespace: kube-system\n",
            &format!("  namespace: kube-system\n  annotations:\n    aws-auth/managers: {broken}\n"),
        );
        let mut auth = parse(&text);
        let found = auth.validate();
        assert!(
            found.iter().any(|d| d.code == Code::OwnershipRecord),
            "{broken}: {found:?}"
        );
        let applied = auth
            .apply_as(
                "team-ci",
                &roles(vec![role(CI, "ci", &["deployers"])]),
                &opts(),
            )
            .unwrap();
        assert!(applied.repaired.is_some(), "{broken}");
        assert!(
            auth.validate().is_empty(),
            "{broken}: {:?}",
            auth.validate()
        );
        assert_eq!(auth.ownership().managers, ["team-ci"]);
    }
    // A record of a newer format is not overwritten.
    let newer = MANIFEST.replace(
        "  namespace: kube-system\n",
        "  namespace: kube-system\n  annotations:\n    aws-auth/managers: '{\"v\":2}'\n",
    );
    let mut auth = parse(&newer);
    let err = auth
        .apply_as("x", &Desired::default(), &opts())
        .unwrap_err();
    assert_eq!(err.code(), "newer-record");
}

#[test]
fn json_manifests_keep_their_record_in_json() {
    let json = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapRoles":"[{\"rolearn\":\"arn:aws:iam::111122223333:role/admin\",\"username\":\"admin\",\"groups\":[\"system:masters\"]}]"}}"#;
    let mut auth = parse(json);
    auth.apply_as(
        "cdk:App/Stack/Auth",
        &roles(vec![role(CI, "ci", &["deployers"])]),
        &opts(),
    )
    .unwrap();
    let text = auth.to_string();
    let value: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
    let record = value["metadata"]["annotations"][OWNERSHIP_ANNOTATION]
        .as_str()
        .unwrap();
    assert!(record.contains("cdk:App/Stack/Auth"));
    assert!(
        value["data"]["mapRoles"]
            .as_str()
            .unwrap()
            .contains("role/ci")
    );
    auth.release("cdk:App/Stack/Auth", &opts()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&auth.to_string()).unwrap();
    assert_eq!(
        value["data"]["mapRoles"],
        serde_json::from_str::<serde_json::Value>(json).unwrap()["data"]["mapRoles"]
    );
    assert!(
        value["metadata"]["annotations"]
            .get(OWNERSHIP_ANNOTATION)
            .is_none()
    );
}

#[test]
fn data_from_the_api_server_carries_the_record_beside_it() {
    let data = [(
        "mapRoles",
        "- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin\n  groups: [system:masters]\n",
    )];
    let mut auth = AwsAuth::from_data(data).with_ownership_record(None);
    auth.apply_as(
        "team-ci",
        &roles(vec![role(CI, "ci", &["deployers"])]),
        &opts(),
    )
    .unwrap();
    let record_text = auth.ownership_record().unwrap().to_string();
    // The shell PUTs data and annotation; the next reader gets both back.
    let again = AwsAuth::from_data(auth.data()).with_ownership_record(Some(record_text));
    assert_eq!(again.ownership().roles, [None, Some("team-ci".into())]);
    // Without the annotation (a tool dropped it), the entry is unowned but equal: adopted.
    let mut dropped = AwsAuth::from_data(auth.data());
    let applied = dropped
        .apply_as(
            "team-ci",
            &roles(vec![role(CI, "ci", &["deployers"])]),
            &opts(),
        )
        .unwrap();
    assert_eq!(actions(&applied), [(Action::Adopted, CI.to_string())]);
}

#[test]
fn a_bare_data_map_cannot_hold_a_record() {
    let mut auth =
        parse("mapRoles: |\n  - rolearn: arn:aws:iam::111122223333:role/a\n    username: a\n");
    let err = auth
        .apply_as("x", &roles(vec![role(CI, "ci", &["g"])]), &opts())
        .unwrap_err();
    assert_eq!(err.code(), "record-not-writable", "{err}");
}

#[test]
fn bad_manager_names_and_desires_are_refused() {
    let mut auth = parse(MANIFEST);
    for name in ["", "  ", "a\nb"] {
        assert_eq!(
            auth.apply_as(name, &Desired::default(), &opts())
                .unwrap_err()
                .code(),
            "invalid-argument"
        );
    }
    // An invalid ARN is refused by the edit rules, naming it.
    let err = auth
        .apply_as(
            "x",
            &roles(vec![role(
                "arn:aws:iam::111122223333:user/not-a-role",
                "u",
                &[],
            )]),
            &opts(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid-argument", "{err}");
    assert_eq!(auth.to_string(), MANIFEST);
}

/// Several managers and hand edits in every order: whatever a manager does, the entries it
/// does not own stay as they were, and releasing all managers leaves only what others wrote.
#[test]
fn managers_never_touch_each_others_entries() {
    let a_roles = vec![
        role(CI, "ci", &["deployers"]),
        role("arn:aws:iam::111122223333:role/a2", "a2", &["g"]),
    ];
    let b_roles = vec![role("arn:aws:iam::111122223333:role/b1", "b1", &["g"])];
    let c_users = vec![DesiredEntry::new(DEV, "dev", ["viewers"])];
    let desires = [
        ("a", roles(a_roles.clone())),
        ("b", roles(b_roles.clone())),
        (
            "c",
            Desired {
                users: c_users,
                accounts: vec!["444455556666".into()],
                ..Desired::default()
            },
        ),
    ];
    // Every order of the three applies, then every order of the three releases.
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    for apply_order in orders {
        for release_order in orders {
            let mut auth = parse(MANIFEST);
            for &i in &apply_order {
                let (name, desired) = &desires[i];
                let before = auth.clone();
                auth.apply_as(name, desired, &opts()).unwrap();
                assert_others_unchanged(&before, &auth, name);
            }
            // A changed desire of one manager leaves the others alone too.
            let before = auth.clone();
            auth.apply_as("a", &roles(vec![a_roles[1].clone()]), &opts())
                .unwrap();
            assert_others_unchanged(&before, &auth, "a");
            for &i in &release_order {
                let (name, _) = &desires[i];
                let before = auth.clone();
                auth.release(name, &opts()).unwrap();
                assert_others_unchanged(&before, &auth, name);
            }
            // What the others wrote is all that is left (an emptied key may stay, empty).
            assert_eq!(
                auth.mappings(),
                parse(MANIFEST).mappings(),
                "apply {apply_order:?} release {release_order:?}"
            );
            assert_eq!(auth.ownership_record(), None);
            assert!(
                auth.to_string()
                    .starts_with(&MANIFEST[..MANIFEST.find("  mapUsers").unwrap()])
            );
        }
    }
}

/// Every entry `manager` does not own reads the same before and after.
fn assert_others_unchanged(before: &AwsAuth, after: &AwsAuth, manager: &str) {
    let (b, a) = (before.mappings(), after.mappings());
    let (bo, ao) = (before.ownership(), after.ownership());
    let others_roles = |m: &aws_auth_core::Mappings, o: &aws_auth_core::Ownership| -> Vec<String> {
        m.roles
            .iter()
            .zip(&o.roles)
            .filter(|(_, owner)| owner.as_deref() != Some(manager))
            .map(|(r, owner)| format!("{r:?} {owner:?}"))
            .collect()
    };
    let others_users = |m: &aws_auth_core::Mappings, o: &aws_auth_core::Ownership| -> Vec<String> {
        m.users
            .iter()
            .zip(&o.users)
            .filter(|(_, owner)| owner.as_deref() != Some(manager))
            .map(|(u, owner)| format!("{u:?} {owner:?}"))
            .collect()
    };
    assert_eq!(others_roles(&b, &bo), others_roles(&a, &ao), "{manager}");
    assert_eq!(others_users(&b, &bo), others_users(&a, &ao), "{manager}");
}
