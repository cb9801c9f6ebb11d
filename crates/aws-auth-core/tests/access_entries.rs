//! Golden tests of the access-entries plan: one per rule of `CONTRACT.md` §6, the ones eksctl
//! gets wrong included, then the renderers.

use aws_auth_core::AwsAuth;
use aws_auth_core::access_entries::{
    AccessEntry, EntryType, Outcome, Plan, PlanInput, Reason, ScopeType, output, parse_existing,
    parse_role_arns,
};

const ADMIN_POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

fn plan_of(map_roles: &str, map_users: &str, input: &PlanInput) -> Plan {
    let mut data = vec![("mapRoles", map_roles)];
    if !map_users.is_empty() {
        data.push(("mapUsers", map_users));
    }
    AwsAuth::from_data(data).plan_access_entries(input)
}

fn roles(map_roles: &str) -> Plan {
    plan_of(map_roles, "", &PlanInput::default())
}

fn entry(plan: &Plan, i: usize) -> &AccessEntry {
    match &plan.items[i].outcome {
        Outcome::Migrate { entry } => entry,
        other => panic!("item {i}: {other:?}"),
    }
}

fn reason(plan: &Plan, i: usize) -> Reason {
    match &plan.items[i].outcome {
        Outcome::NotMigratable { reason, .. } => *reason,
        other => panic!("item {i}: {other:?}"),
    }
}

const NODE: &str = "- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n";

#[test]
fn ec2_linux_nodes() {
    let p = roles(NODE);
    let e = entry(&p, 0);
    assert_eq!(e.entry_type, EntryType::Ec2Linux);
    assert_eq!(e.principal_arn, "arn:aws:iam::111122223333:role/nodes");
    assert!(e.username.is_none() && e.kubernetes_groups.is_empty() && e.access_policies.is_empty());
    assert!(p.verdict.can_switch_to_api);
}

#[test]
fn windows_nodes() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/win\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes, eks:kube-proxy-windows]\n",
    );
    assert_eq!(entry(&p, 0).entry_type, EntryType::Ec2Windows);
}

#[test]
fn fargate_is_recognised() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/fargate-pods\n  username: system:node:{{SessionName}}\n  groups: [system:bootstrappers, system:nodes, system:node-proxier]\n",
    );
    assert_eq!(entry(&p, 0).entry_type, EntryType::FargateLinux);
    assert!(p.verdict.can_switch_to_api);
}

#[test]
fn hybrid_nodes_are_recognised() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/hybrid\n  username: system:node:{{SessionName}}\n  groups: [system:bootstrappers, system:nodes]\n",
    );
    assert_eq!(entry(&p, 0).entry_type, EntryType::HybridLinux);
}

#[test]
fn masters_keeps_its_other_groups() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin:{{SessionName}}\n  groups: [system:masters, platform-team, auditors]\n",
    );
    let e = entry(&p, 0);
    assert_eq!(e.entry_type, EntryType::Standard);
    assert_eq!(e.username.as_deref(), Some("admin:{{SessionName}}"));
    assert_eq!(e.kubernetes_groups, ["platform-team", "auditors"]);
    assert_eq!(e.access_policies.len(), 1);
    assert_eq!(e.access_policies[0].policy_arn, ADMIN_POLICY);
    assert_eq!(
        e.access_policies[0].access_scope.scope_type,
        ScopeType::Cluster
    );
    assert!(p.verdict.has_cluster_admin);
}

#[test]
fn admin_policy_takes_the_principals_partition() {
    let p = roles(
        "- rolearn: arn:aws-cn:iam::111122223333:role/admin\n  username: ops\n  groups: [system:masters]\n",
    );
    assert_eq!(
        entry(&p, 0).access_policies[0].policy_arn,
        "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    );
}

#[test]
fn other_groups_map_as_they_are() {
    let p = plan_of(
        "- rolearn: arn:aws:iam::111122223333:role/dev\n  username: dev\n  groups: [developers, view]\n",
        "- userarn: arn:aws:iam::111122223333:user/ada\n  username: ada\n  groups: [ops]\n",
        &PlanInput::default(),
    );
    let e = entry(&p, 0);
    assert_eq!(
        (e.username.as_deref(), &e.kubernetes_groups[..]),
        (
            Some("dev"),
            &["developers".to_string(), "view".to_string()][..]
        )
    );
    let u = entry(&p, 1);
    assert_eq!(u.principal_arn, "arn:aws:iam::111122223333:user/ada");
    assert_eq!(u.entry_type, EntryType::Standard);
}

#[test]
fn reserved_username_prefixes_are_refused() {
    for prefix in ["system:", "eks:", "aws:", "amazon:", "iam:"] {
        let p = roles(&format!(
            "- rolearn: arn:aws:iam::111122223333:role/x\n  username: \"{prefix}someone\"\n  groups: [dev]\n"
        ));
        assert_eq!(reason(&p, 0), Reason::ReservedUsername, "{prefix}");
        assert!(!p.verdict.can_switch_to_api);
        assert!(p.verdict.losses[0].who.contains("role/x"));
    }
    // A cluster admin needs no binding to its name: it gets the default one, and a note.
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/x\n  username: system:admin\n  groups: [system:masters]\n",
    );
    assert_eq!(entry(&p, 0).username, None);
    assert!(
        p.items[0]
            .notes
            .iter()
            .any(|n| n.contains("default username"))
    );
}

#[test]
fn session_name_needs_a_colon_before_it() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/a\n  username: \"{{SessionName}}\"\n  groups: [dev]\n- rolearn: arn:aws:iam::111122223333:role/b\n  username: dev-{{SessionNameRaw}}\n  groups: [dev]\n- rolearn: arn:aws:iam::111122223333:role/c\n  username: dev:{{SessionName}}\n  groups: [dev]\n",
    );
    assert_eq!(reason(&p, 0), Reason::SessionNameWithoutColon);
    assert_eq!(reason(&p, 1), Reason::SessionNameWithoutColon);
    assert_eq!(
        entry(&p, 2).username.as_deref(),
        Some("dev:{{SessionName}}")
    );
}

#[test]
fn service_linked_roles_are_not_migratable() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/AWSServiceRoleForAmazonEKSNodegroup\n  username: x\n  groups: [dev]\n",
    );
    assert_eq!(reason(&p, 0), Reason::ServiceLinkedRole);
    // Written with its path it is dead to the authenticator already: reported as such.
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS\n  username: x\n",
    );
    assert!(matches!(p.items[0].outcome, Outcome::Dead(_)));
    assert!(p.items[0].notes[0].contains("service-linked"));
}

#[test]
fn map_accounts_are_reported() {
    let auth = AwsAuth::from_data([("mapAccounts", "- \"111122223333\"\n")]);
    let p = auth.plan_access_entries(&PlanInput::default());
    assert_eq!(reason(&p, 0), Reason::MapAccounts);
    assert!(!p.verdict.can_switch_to_api);
}

#[test]
fn sso_entries_need_their_role_arn() {
    let sso = "- sso:\n    permissionSetName: Admin_Access\n    accountID: \"111122223333\"\n  username: admin:{{SessionName}}\n  groups: [system:masters]\n";
    let p = roles(sso);
    assert_eq!(reason(&p, 0), Reason::SsoUnresolved);
    let input = PlanInput {
        role_arns: vec![
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_Access_0123456789abcdef".into(),
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef".into(),
        ],
        ..PlanInput::default()
    };
    let p = plan_of(sso, "", &input);
    assert_eq!(entry(&p, 0).principal_arn, input.role_arns[0]);
}

#[test]
fn other_system_groups_are_not_migratable() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n  groups: [system:bootstrappers]\n",
    );
    assert_eq!(reason(&p, 0), Reason::SystemGroup);
    // Next to system:masters they add nothing, and are left out with a note.
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n  groups: [system:masters, system:nodes]\n",
    );
    assert!(entry(&p, 0).kubernetes_groups.is_empty());
    assert!(p.items[0].notes[0].contains("system:nodes"));
}

#[test]
fn dead_duplicates_and_dropped_entries_are_reported_not_migrated() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/ops\n  username: old\n  groups: [system:masters]\n- rolearn: arn:aws:iam::111122223333:role/team/x\n  username: x\n- username: nobody\n- rolearn: arn:aws:iam::111122223333:role/OPS\n  username: new\n  groups: [view]\n",
    );
    let kinds: Vec<&str> = p
        .items
        .iter()
        .map(|i| match &i.outcome {
            Outcome::Dead(d) => d.kind.as_str(),
            Outcome::Migrate { .. } => "migrate",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["overridden", "never-matches", "dropped", "migrate"]);
    // The winner is what is migrated: no admin policy from the overridden entry.
    assert!(entry(&p, 3).access_policies.is_empty());
    assert_eq!(p.to_create().count(), 1);
}

#[test]
fn paths_are_restored_from_the_role_list() {
    let list = r#"{"Roles": [{"Path": "/team/", "RoleName": "Deploy", "Arn": "arn:aws:iam::111122223333:role/team/Deploy"}]}"#;
    let input = PlanInput {
        role_arns: parse_role_arns(list).unwrap(),
        ..PlanInput::default()
    };
    let p = plan_of(
        "- rolearn: arn:aws:iam::111122223333:role/deploy\n  username: deploy\n  groups: [ci]\n",
        "",
        &input,
    );
    assert_eq!(
        entry(&p, 0).principal_arn,
        "arn:aws:iam::111122223333:role/team/Deploy"
    );
    assert!(p.items[0].notes[0].contains("path restored"));
}

#[test]
fn an_existing_entry_for_the_principal_is_marked() {
    let existing = parse_existing(&format!(
        r#"[{{"accessEntry": {{"principalArn": "arn:aws:iam::111122223333:role/team/admin", "type": "STANDARD", "kubernetesGroups": ["platform"], "username": "admin"}}}},
            {{"principalArn": "arn:aws:iam::111122223333:role/team/admin", "associatedAccessPolicies": [{{"policyArn": "{ADMIN_POLICY}", "accessScope": {{"type": "cluster", "namespaces": []}}}}]}},
            {{"principalArn": "arn:aws:iam::111122223333:role/dev", "kubernetesGroups": []}}]"#
    ))
    .unwrap();
    let input = PlanInput {
        existing,
        ..PlanInput::default()
    };
    let p = plan_of(
        "- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin\n  groups: [system:masters, platform]\n- rolearn: arn:aws:iam::111122223333:role/dev\n  username: dev\n  groups: [dev]\n",
        "",
        &input,
    );
    assert!(
        matches!(&p.items[0].outcome, Outcome::Covered { existing, .. } if existing.principal_arn.ends_with("team/admin"))
    );
    match &p.items[1].outcome {
        Outcome::Conflicts { existing, .. } => {
            assert_eq!(existing.missing, ["username \"dev\"", "group \"dev\""]);
        }
        other => panic!("{other:?}"),
    }
    assert!(!p.verdict.can_switch_to_api);
    assert_eq!(p.to_create().count(), 0);
    assert_eq!(p.covered().count(), 1);
}

#[test]
fn one_entry_per_principal() {
    let p = plan_of(
        "",
        "- userarn: arn:aws:iam::111122223333:user/Bob\n  username: bob\n- userarn: arn:aws:iam::111122223333:user/bob\n  username: bob\n",
        &PlanInput::default(),
    );
    assert_eq!(reason(&p, 1), Reason::DuplicatePrincipal);
    assert!(p.verdict.can_switch_to_api);
}

#[test]
fn malformed_arns_never_panic() {
    for arn in [
        "arn:",
        "arn:aws:iam::",
        "arn:aws:iam::1:role/",
        "ärn:aws:iam::111122223333:role/é",
        "arn:aws:iam::111122223333:role//",
        "arn:aws:sts::111122223333:assumed-role/R/s",
        "${NODE_ROLE}",
    ] {
        let p = roles(&format!(
            "- rolearn: \"{arn}\"\n  username: x\n  groups: [system:masters]\n"
        ));
        assert_eq!(p.items.len(), 1, "{arn}");
        let _ = (
            output::table(&p),
            output::json(&p, "c"),
            output::terraform(&p, None),
            output::shell(&p, "c"),
            output::cloudformation(&p, None),
        );
    }
}

#[test]
fn an_unparsable_key_is_reported() {
    let p = roles("- rolearn: [unclosed\n");
    assert!(p.items.is_empty());
    assert_eq!(p.unread_keys.len(), 1);
}

#[test]
fn the_plan_serialises_to_plain_json() {
    let p = roles(NODE);
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["items"][0]["outcome"], "migrate");
    assert_eq!(v["items"][0]["entry"]["type"], "EC2_LINUX");
    assert_eq!(v["verdict"]["canSwitchToApi"], true);
}

const MIXED: &str = "- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n- rolearn: arn:aws:iam::111122223333:role/admin\n  username: \"it's ${me}\"\n  groups: [system:masters, platform]\n";

#[test]
fn json_is_the_api_request_inputs() {
    let p = roles(MIXED);
    let v: serde_json::Value = serde_json::from_str(&output::json(&p, "prod")).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"operation": "CreateAccessEntry", "input": {"clusterName": "prod", "principalArn": "arn:aws:iam::111122223333:role/nodes", "type": "EC2_LINUX"}},
            {"operation": "CreateAccessEntry", "input": {"clusterName": "prod", "principalArn": "arn:aws:iam::111122223333:role/admin", "type": "STANDARD", "username": "it's ${me}", "kubernetesGroups": ["platform"]}},
            {"operation": "AssociateAccessPolicy", "input": {"clusterName": "prod", "principalArn": "arn:aws:iam::111122223333:role/admin", "policyArn": ADMIN_POLICY, "accessScope": {"type": "cluster"}}}
        ])
    );
}

#[test]
fn shell_lines_are_quoted() {
    let s = output::shell(&roles(MIXED), "prod");
    assert!(s.contains("aws eks create-access-entry --cluster-name prod --principal-arn arn:aws:iam::111122223333:role/admin --type STANDARD --username 'it'\\''s ${me}' --kubernetes-groups '[\"platform\"]'\n"), "{s}");
    assert!(s.contains("aws eks associate-access-policy --cluster-name prod --principal-arn arn:aws:iam::111122223333:role/admin --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope '{\"type\":\"cluster\"}'\n"), "{s}");
}

#[test]
fn terraform_escapes_interpolation() {
    let t = output::terraform(&roles(MIXED), None);
    assert!(t.contains("variable \"cluster_name\""));
    assert!(t.contains("user_name     = \"it's $${me}\""), "{t}");
    assert!(
        t.contains(
            "resource \"aws_eks_access_policy_association\" \"admin_amazoneksclusteradminpolicy\""
        ),
        "{t}"
    );
    assert!(t.contains("principal_arn = aws_eks_access_entry.admin.principal_arn"));
}

#[test]
fn cloudformation_template() {
    let t: serde_json::Value =
        serde_json::from_str(&output::cloudformation(&roles(MIXED), Some("prod"))).unwrap();
    let admin = &t["Resources"]["AccessEntryAdmin"]["Properties"];
    assert_eq!(admin["Type"], "STANDARD");
    assert_eq!(admin["ClusterName"], "prod");
    assert_eq!(admin["AccessPolicies"][0]["AccessScope"]["Type"], "cluster");
    assert_eq!(
        t["Resources"]["AccessEntryNodes"]["Properties"]["Type"],
        "EC2_LINUX"
    );
}

#[test]
fn table_says_what_and_why() {
    let t = output::table(&roles(&format!(
        "{MIXED}- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n  groups: [system:bootstrappers]\n"
    )));
    assert!(t.contains("not migratable (system-group)"), "{t}");
    assert!(
        t.contains("verdict: switching to API mode now would cut off 1 mapping(s):"),
        "{t}"
    );
}

/// The external corpus (`AWS_AUTH_CORPUS`, or `shared/corpus/aws-auth` beside the checkout),
/// read in place; absent, the test says so and checks nothing (CI must have it).
fn corpus() -> Vec<(String, String)> {
    let dir = std::env::var_os("AWS_AUTH_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/corpus/aws-auth")
        });
    if !dir.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "corpus missing at {} (set AWS_AUTH_CORPUS)",
            dir.display()
        );
        eprintln!(
            "skipped: the external corpus is not at {} (set AWS_AUTH_CORPUS to run this test)",
            dir.display()
        );
        return Vec::new();
    }
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "json")
            )
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_manifest_is_planned_mapping_by_mapping() {
    let (mut planned, mut migrated, mut reasons) = (0, 0, 0);
    for (name, text) in corpus() {
        let Ok(auth) = AwsAuth::parse(&text) else {
            continue;
        };
        let plan = auth.plan_access_entries(&PlanInput::default());
        let m = auth.mappings();
        assert_eq!(
            plan.items.len(),
            m.roles.len() + m.users.len() + m.accounts.len(),
            "{name}: one item per mapping"
        );
        for item in &plan.items {
            match &item.outcome {
                Outcome::Migrate { entry } => {
                    migrated += 1;
                    if entry.entry_type == EntryType::Standard {
                        assert!(
                            entry
                                .kubernetes_groups
                                .iter()
                                .all(|g| !g.starts_with("system:")),
                            "{name}: {entry:?}"
                        );
                        let u = entry
                            .username
                            .as_deref()
                            .unwrap_or_default()
                            .to_ascii_lowercase();
                        assert!(
                            ["system:", "eks:", "aws:", "amazon:", "iam:"]
                                .iter()
                                .all(|p| !u.starts_with(p)),
                            "{name}: {entry:?}"
                        );
                    } else {
                        assert!(entry.username.is_none() && entry.kubernetes_groups.is_empty());
                    }
                }
                Outcome::NotMigratable { message, .. } => {
                    reasons += 1;
                    assert!(!message.is_empty(), "{name}: {item:?}");
                }
                Outcome::Dead(d) => {
                    reasons += 1;
                    assert!(!d.message.is_empty(), "{name}: {item:?}");
                }
                other => panic!("{name}: nothing exists, yet {other:?}"),
            }
        }
        // Every renderer takes every plan; the structured ones stay valid JSON.
        serde_json::from_str::<serde_json::Value>(&output::json(&plan, "c")).unwrap();
        serde_json::from_str::<serde_json::Value>(&output::cloudformation(&plan, None)).unwrap();
        let _ = (
            output::terraform(&plan, Some("c")),
            output::shell(&plan, "c"),
            output::table(&plan),
        );
        planned += 1;
    }
    eprintln!(
        "corpus: {planned} manifests planned, {migrated} mappings migrated, {reasons} reported with a reason"
    );
}

#[test]
fn existing_entries_are_read_in_every_documented_form() {
    let describe = r#"{"accessEntry": {"clusterName": "c", "principalArn": "arn:aws:iam::111122223333:role/a", "kubernetesGroups": ["g"], "accessEntryArn": "x", "createdAt": "2024-01-01T00:00:00Z", "modifiedAt": "2024-01-01T00:00:00Z", "tags": {}, "username": "a", "type": "STANDARD"}}"#;
    let concatenated = parse_existing(&format!("{describe}\n{describe}")).unwrap();
    assert_eq!(concatenated.len(), 2);
    assert_eq!(concatenated[0].kubernetes_groups, ["g"]);
    let array = parse_existing(&format!("[{describe}]")).unwrap();
    assert_eq!(array[0].username.as_deref(), Some("a"));
    let simple = parse_existing(&format!(
        r#"[{{"principalArn": "arn:aws:iam::111122223333:role/a", "accessPolicies": [{{"policyArn": "{ADMIN_POLICY}", "accessScope": {{"type": "cluster"}}}}]}}]"#
    ))
    .unwrap();
    assert!(simple[0].is_cluster_admin());
    // Namespace-scoped admin policy: no cluster administrator.
    let scoped = parse_existing(&format!(
        r#"{{"principalArn": "arn:aws:iam::111122223333:role/a", "accessPolicies": [{{"policyArn": "{ADMIN_POLICY}", "accessScope": {{"type": "namespace", "namespaces": ["x"]}}}}]}}"#
    ))
    .unwrap();
    assert!(!scoped[0].is_cluster_admin());
    for bad in [
        "{",
        "[1]",
        r#"{"accessEntries": ["arn:aws:iam::1:role/a"]}"#,
        r#"{"x": 1}"#,
    ] {
        assert!(parse_existing(bad).is_err(), "{bad}");
    }
    assert!(parse_role_arns(r#"{"Roles": [{"RoleName": "x"}]}"#).is_err());
    assert_eq!(
        parse_role_arns(r#"["arn:aws:iam::1:role/a/b"]"#)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_node_role_that_also_holds_masters_loses_it() {
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes, system:masters, monitoring]\n",
    );
    assert_eq!(entry(&p, 0).entry_type, EntryType::Ec2Linux);
    assert!(!p.verdict.can_switch_to_api);
    assert_eq!(
        p.verdict.losses[0].why,
        "group system:masters, monitoring is not carried over to the EC2_LINUX entry"
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("arn:aws:iam::111122223333:role/r".to_string()),
            Just("arn:aws:iam::111122223333:user/u".to_string()),
            Just("system:masters".to_string()),
            Just("system:node:{{EC2PrivateDNSName}}".to_string()),
            Just("system:node:{{SessionName}}".to_string()),
            Just("system:bootstrappers".to_string()),
            Just("system:nodes".to_string()),
            "[a-zA-Z0-9:/{}$%'\"_ .-]{0,24}",
            "\\PC{0,12}",
        ]
    }

    proptest! {
        #[test]
        fn plan_and_every_renderer_take_any_mapping(
            roles in proptest::collection::vec((scalar(), scalar(), proptest::collection::vec(scalar(), 0..4)), 0..5),
            role_arns in proptest::collection::vec(scalar(), 0..3),
        ) {
            let mut text = String::new();
            for (arn, user, groups) in &roles {
                let groups: Vec<String> = groups.iter().map(|g| serde_json::to_string(g).unwrap()).collect();
                text.push_str(&format!(
                    "- rolearn: {}\n  username: {}\n  groups: [{}]\n",
                    serde_json::to_string(arn).unwrap(),
                    serde_json::to_string(user).unwrap(),
                    groups.join(", ")
                ));
            }
            let auth = AwsAuth::from_data([("mapRoles", text.as_str()), ("mapUsers", text.replace("rolearn", "userarn").as_str())]);
            let p = auth.plan_access_entries(&PlanInput { role_arns, ..PlanInput::default() });
            for e in p.to_create() {
                prop_assert!(e.kubernetes_groups.iter().all(|g| !g.starts_with("system:")));
            }
            serde_json::from_str::<serde_json::Value>(&output::json(&p, "c")).unwrap();
            serde_json::from_str::<serde_json::Value>(&output::cloudformation(&p, None)).unwrap();
            let _ = (output::terraform(&p, None), output::shell(&p, "c"), output::table(&p));
        }
    }
}

#[test]
fn node_roles_must_be_of_the_clusters_account() {
    let input = PlanInput {
        cluster_account: Some("999988887777".into()),
        ..PlanInput::default()
    };
    let p = plan_of(NODE, "", &input);
    assert_eq!(reason(&p, 0), Reason::NodeRoleOfOtherAccount);
    let input = PlanInput {
        cluster_account: Some("111122223333".into()),
        ..PlanInput::default()
    };
    assert_eq!(
        entry(&plan_of(NODE, "", &input), 0).entry_type,
        EntryType::Ec2Linux
    );
}

#[test]
fn a_plan_comes_back_from_its_json() {
    // The npm side hands plans to JavaScript and may hand them back to the renderers.
    let map_roles = format!(
        "{MIXED}- sso:\n    permissionSetName: View\n    accountID: \"111122223333\"\n- rolearn: arn:aws:iam::111122223333:role/team/x\n  username: x\n"
    );
    let auth = AwsAuth::from_data([
        ("mapRoles", map_roles.as_str()),
        ("mapAccounts", "- \"444455556666\"\n"),
    ]);
    let p = auth.plan_access_entries(&PlanInput::default());
    assert_eq!(p.items.len(), 5);
    let back: Plan = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
}

#[test]
fn resource_names_stay_unique_and_valid() {
    // Same role name in two accounts, one ending in a digit.
    let p = roles(
        "- rolearn: arn:aws:iam::111122223333:role/ops1\n  username: a\n  groups: [g]\n- rolearn: arn:aws:iam::444455556666:role/ops1\n  username: b\n  groups: [g]\n- rolearn: arn:aws:iam::777788889999:role/ops1\n  username: c\n  groups: [g]\n",
    );
    let t: serde_json::Value = serde_json::from_str(&output::cloudformation(&p, None)).unwrap();
    let ids: Vec<&String> = t["Resources"].as_object().unwrap().keys().collect();
    assert_eq!(ids.len(), 3);
    assert!(
        ids.iter()
            .all(|id| id.chars().all(|c| c.is_ascii_alphanumeric())),
        "{ids:?}"
    );
    let tf = output::terraform(&p, Some("c"));
    assert_eq!(tf.matches("resource \"aws_eks_access_entry\"").count(), 3);
}
