//! Issue 18's examples: safety decisions by the authenticator's keys (a role's whole ARN
//! lowercased, path included; a user's ARN as written; last wins), edits by the looser
//! identity (§2 of the contract). Each example locked administrators out, or refused an edit
//! that locked nobody out, before the guard used the authenticator's view.

use aws_auth_core::{
    Action, AwsAuth, Edit, EntryStatus, Error, Options, Remove, Unmatchable, Upsert,
};

fn manifest(key: &str, entries: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  {key}: |\n{entries}"
    )
}

fn masters_left(auth: &AwsAuth) -> usize {
    auth.authenticator_view().masters().count()
}

const CI: &str = "arn:aws:iam::210987654321:role/ci-deployer";

/// `role/ci-deployer` (admin) then `role/service-role/CI-DEPLOYER` (read-only, dead: a path).
fn ci_deployer() -> String {
    manifest(
        "mapRoles",
        "    - rolearn: arn:aws:iam::210987654321:role/ci-deployer\n      username: admin\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::210987654321:role/service-role/CI-DEPLOYER\n      username: ro\n      groups: [read-only]\n",
    )
}

#[test]
fn an_upsert_that_demotes_the_only_live_admin_is_a_lockout() {
    let text = ci_deployer();
    let mut auth = AwsAuth::parse(&text).unwrap();
    assert_eq!(masters_left(&auth), 1);
    let up = Upsert::new(CI, "x", ["view"]);
    let err = auth
        .apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap_err();
    assert!(matches!(err, Error::Lockout(_)), "{err}");
    assert!(err.to_string().contains("mapRoles[0]"), "{err}");
    assert_eq!(auth.to_string(), text);
}

#[test]
fn an_appending_upsert_leaves_the_path_ful_entry_dead_and_says_so() {
    let text = ci_deployer();
    let mut auth = AwsAuth::parse(&text).unwrap();
    let up = Upsert {
        append: true,
        ..Upsert::new(CI, "x", ["view"])
    };
    let changes = auth
        .apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap();
    assert_eq!(changes[0].action, Action::Updated);
    let note = changes[0].note.as_deref().unwrap_or_default();
    assert!(
        note.contains("role/service-role/CI-DEPLOYER has a path") && note.contains("left as it is"),
        "{note}"
    );
    // The path-ful entry is byte for byte as it was: it did not become a second
    // `role/ci-deployer` that would override the admin entry.
    let out = auth.to_string();
    assert!(out.ends_with("    - rolearn: arn:aws:iam::210987654321:role/service-role/CI-DEPLOYER\n      username: ro\n      groups: [read-only]\n"), "{out}");
    let view = auth.authenticator_view();
    assert_eq!(view.masters().count(), 1);
    assert_eq!(view.masters().next().unwrap().index, 0);
    assert_eq!(
        view.entries[1].status,
        EntryStatus::NeverMatches {
            reason: Unmatchable::RolePath
        }
    );
}

#[test]
fn with_only_path_ful_entries_the_last_one_is_repaired() {
    let text = manifest(
        "mapRoles",
        "    - rolearn: arn:aws:iam::111122223333:role/a/ops\n      username: a\n      groups: [view]\n    - rolearn: arn:aws:iam::111122223333:role/b/ops\n      username: b\n      groups: [view]\n",
    );
    let mut auth = AwsAuth::parse(&text).unwrap();
    let up = Upsert::new("arn:aws:iam::111122223333:role/ops", "ops", ["edit"]);
    let changes = auth
        .apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap();
    let note = changes[0].note.clone().unwrap_or_default();
    assert!(
        note.contains("role/b/ops has a path")
            && note.contains("rewritten as arn:aws:iam::111122223333:role/ops"),
        "{note}"
    );
    assert!(
        note.contains("role/a/ops has a path") && note.contains("left as it is"),
        "{note}"
    );
    let m = auth.mappings();
    assert_eq!(
        m.roles[0].rolearn.as_deref(),
        Some("arn:aws:iam::111122223333:role/a/ops")
    );
    assert_eq!(m.roles[0].username.as_deref(), Some("a"));
    assert_eq!(
        m.roles[1].rolearn.as_deref(),
        Some("arn:aws:iam::111122223333:role/ops")
    );
    assert_eq!(
        m.roles[1].groups.as_deref(),
        Some(&["edit".to_string()][..])
    );
}

#[test]
fn removing_the_live_admin_next_to_a_dead_path_ful_one_is_a_lockout() {
    let text = manifest(
        "mapRoles",
        "    - rolearn: arn:aws:iam::555555555555:role/team/abc\n      username: abc\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::555555555555:role/def\n      username: def\n      groups: [system:masters]\n",
    );
    let mut auth = AwsAuth::parse(&text).unwrap();
    let remove = Remove {
        arn: "arn:aws:iam::555555555555:role/def".into(),
        ..Remove::default()
    };
    let err = auth
        .apply(&[Edit::RemoveRole(remove.clone())], &Options::default())
        .unwrap_err();
    assert!(matches!(err, Error::Lockout(_)), "{err}");
    let allow = Options {
        allow_lockout: true,
        ..Options::default()
    };
    auth.apply(&[Edit::RemoveRole(remove)], &allow).unwrap();
    assert_eq!(masters_left(&auth), 0);
}

#[test]
fn user_arns_that_differ_in_case_are_two_live_keys() {
    let text = manifest(
        "mapUsers",
        "    - userarn: arn:aws:iam::111122223333:user/alice\n      username: admin\n      groups: [system:masters]\n    - userarn: arn:aws:iam::111122223333:user/ALICE\n      username: alice\n      groups: [view]\n",
    );
    let mut auth = AwsAuth::parse(&text).unwrap();
    let view = auth.authenticator_view();
    assert!(view.entries.iter().all(|e| e.is_live()), "{view:?}");
    // Not "dead": both are used, one at random.
    let dup: Vec<String> = auth
        .validate()
        .into_iter()
        .filter(|d| d.code.as_str() == "duplicate-identity")
        .map(|d| d.message)
        .collect();
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert!(dup[0].contains("at random"), "{dup:?}");
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:user/alice".into(),
        username: Some("admin".into()),
        groups: None,
    };
    let err = auth
        .apply(&[Edit::RemoveUser(remove)], &Options::default())
        .unwrap_err();
    assert!(matches!(err, Error::Lockout(_)), "{err}");
}

#[test]
fn an_admin_entry_before_a_path_ful_duplicate_still_counts() {
    // The identity-based guard took the path-ful (last) entry as the one that counts, saw
    // alice as the last admin and refused to remove her: `role/ops` is a live admin.
    let text = manifest(
        "mapRoles",
        "    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups: [system:masters]\n    - rolearn: arn:aws:iam::111122223333:role/team/ops\n      username: ops\n      groups: [view]\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/alice\n      username: alice\n      groups: [system:masters]\n",
    );
    let mut auth = AwsAuth::parse(&text).unwrap();
    assert_eq!(masters_left(&auth), 2);
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:user/alice".into(),
        ..Remove::default()
    };
    auth.apply(&[Edit::RemoveUser(remove)], &Options::default())
        .unwrap();
    assert_eq!(masters_left(&auth), 1);
}

#[test]
fn upper_case_arns_with_a_path_are_the_same_role() {
    let text = manifest(
        "mapRoles",
        "    - rolearn: ARN:AWS:IAM::555555555555:ROLE/TEAM/OPS/OTHER\n      username: other\n      groups: [view]\n",
    );
    let remove = Remove {
        arn: "arn:aws:iam::555555555555:role/other".into(),
        ..Remove::default()
    };
    let mut auth = AwsAuth::parse(&text).unwrap();
    let changes = auth
        .apply(&[Edit::RemoveRole(remove)], &Options::default())
        .unwrap();
    assert_eq!(changes.len(), 1);
    assert!(auth.mappings().roles.is_empty());
    // An upsert finds it too (and repairs it: it was the only entry of that role).
    let mut auth = AwsAuth::parse(&text).unwrap();
    let up = Upsert::new("arn:aws:iam::555555555555:role/other", "other", ["edit"]);
    let changes = auth
        .apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap();
    assert_eq!(changes[0].action, Action::Updated);
    assert_eq!(auth.mappings().roles.len(), 1);
    assert_eq!(
        auth.mappings().roles[0].rolearn.as_deref(),
        Some("arn:aws:iam::555555555555:role/other")
    );
}

#[test]
fn dead_duplicates_are_named_by_the_authenticators_key() {
    // A path-free entry before a path-ful one of the same role is live, not dead.
    let text = manifest(
        "mapRoles",
        "    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: a\n    - rolearn: arn:aws:iam::111122223333:role/team/ops\n      username: b\n    - rolearn: arn:aws:iam::111122223333:role/OPS\n      username: c\n",
    );
    let auth = AwsAuth::parse(&text).unwrap();
    let dup: Vec<(Option<usize>, String)> = auth
        .validate()
        .into_iter()
        .filter(|d| d.code.as_str() == "duplicate-identity")
        .map(|d| (d.entry, d.message))
        .collect();
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert_eq!(dup[0].0, Some(0));
    assert!(dup[0].1.contains("entry 2"), "{dup:?}");
    let status: Vec<EntryStatus> = auth
        .authenticator_view()
        .entries
        .into_iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(
        status,
        [
            EntryStatus::Overridden { by: 2 },
            EntryStatus::NeverMatches {
                reason: Unmatchable::RolePath
            },
            EntryStatus::Live
        ]
    );
}

#[test]
fn a_user_entry_shadowed_by_a_role_entry_for_the_same_arn_is_not_an_admin() {
    // `mapRoles` is searched first: alice gets `view` whatever `mapUsers` says.
    let text = manifest(
        "mapRoles",
        "    - rolearn: arn:aws:iam::111122223333:user/alice\n      username: alice\n      groups: [view]\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/alice\n      username: alice\n      groups: [system:masters]\n",
    );
    let auth = AwsAuth::parse(&text).unwrap();
    let view = auth.authenticator_view();
    assert_eq!(view.entries[1].status, EntryStatus::Shadowed { by: 0 });
    assert_eq!(view.masters().count(), 0);
    let dup: Vec<String> = auth
        .validate()
        .into_iter()
        .filter(|d| d.code.as_str() == "duplicate-identity")
        .map(|d| d.to_string())
        .collect();
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert!(
        dup[0].contains("mapUsers[0]") && dup[0].contains("never used"),
        "{dup:?}"
    );
}

/// Found by the widened differential generator: a path-free entry that the authenticator drops
/// (it has both `rolearn` and `sso`) is no target of an upsert, so it does not keep the
/// path-ful entry from being repaired; updated, it would have granted nothing.
#[test]
fn an_entry_the_authenticator_drops_is_not_updated_in_place_of_a_repair() {
    let text = manifest(
        "mapRoles",
        "    - rolearn: arn:aws:iam::111122223333:role/team/dev\n      username: old\n    - rolearn: arn:aws:iam::111122223333:role/dev\n      sso:\n        permissionSetName: Admin\n        accountID: \"111122223333\"\n      username: dropped\n",
    );
    let mut auth = AwsAuth::parse(&text).unwrap();
    let up = Upsert::new("arn:aws:iam::111122223333:role/dev", "dev", ["view"]);
    let changes = auth
        .apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap();
    assert_eq!(changes[0].action, Action::Updated);
    let roles = auth.mappings().roles;
    assert_eq!(
        roles[0].rolearn.as_deref(),
        Some("arn:aws:iam::111122223333:role/dev"),
        "the path-ful entry is repaired"
    );
    assert_eq!(roles[0].username.as_deref(), Some("dev"));
    assert_eq!(
        roles[1].username.as_deref(),
        Some("dropped"),
        "left as written"
    );
    assert_eq!(auth.authenticator_view().live().count(), 1);
}
