//! Hostile input: every one of these ends quickly, in little memory, with a value or an error
//! that says what is wrong, never a panic. Before the alias budget, the alias bombs below asked
//! for gigabytes (the test process was killed); before the data-key index, 100,000 keys took
//! minutes.

use aws_auth_core::{AwsAuth, Code, DataKey, Edit, Error, Options, Severity, Upsert};

const HEADER: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n";
const ADMIN: &str = "    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups: [system:masters]\n";

/// Twelve lines, each anchor a list of nine aliases of the one before: 9^11 nodes once read.
fn alias_bomb(indent: &str) -> String {
    let mut out = format!("{indent}a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let aliases = vec![format!("*a{}", i - 1); 9].join(", ");
        out.push_str(&format!("{indent}a{i}: &a{i} [{aliases}]\n"));
    }
    out
}

fn upsert() -> Vec<Edit> {
    vec![Edit::UpsertRole(Upsert::new(
        "arn:aws:iam::111122223333:role/nodes",
        "system:node:{{EC2PrivateDNSName}}",
        ["system:nodes"],
    ))]
}

#[test]
fn an_alias_bomb_in_map_roles_breaks_only_that_key() {
    let text = format!(
        "{HEADER}  mapRoles: |\n{ADMIN}      extra:\n{}  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/ada\n      username: ada\n",
        alias_bomb("        ")
    );
    let mut auth = AwsAuth::parse(&text).expect("the manifest itself is fine");
    let errors: Vec<_> = auth
        .validate()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, Code::Syntax);
    assert_eq!(errors[0].key.as_deref(), Some("mapRoles"));
    assert!(
        errors[0].message.contains("excessive aliasing"),
        "{}",
        errors[0].message
    );
    // As the authenticator: the key is dropped whole, the other key still reads.
    assert!(auth.mappings().roles.is_empty());
    assert_eq!(auth.mappings().users.len(), 1);
    let err = auth.apply(&upsert(), &Options::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::KeyNotEditable {
                key: DataKey::MapRoles,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(auth.to_string(), text, "a refused edit changes nothing");
}

#[test]
fn an_alias_bomb_in_the_manifest_is_a_located_syntax_error() {
    let text = format!("{HEADER}  mapRoles: |\n{ADMIN}{}", alias_bomb(""));
    match AwsAuth::parse(&text) {
        Err(Error::ManifestSyntax { line, message, .. }) => {
            assert!(message.contains("excessive aliasing"), "{message}");
            assert!(line > 10, "the line of the alias that tips it over: {line}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn a_few_aliases_are_still_read() {
    // Ordinary anchors and aliases (a shared group list) stay well under go-yaml's budget.
    let text = "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n  groups: &g [one, two]\n- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n  groups: *g\n";
    let auth = AwsAuth::from_data([("mapRoles", text)]);
    let roles = auth.mappings().roles;
    assert_eq!(roles.len(), 2);
    assert_eq!(
        roles[1].groups.as_deref(),
        Some(&["one".to_string(), "two".to_string()][..])
    );
}

#[test]
fn many_aliases_of_a_large_anchor_within_budget_are_read() {
    // 1,100 scalars anchored once and aliased three times: 75% of the nodes come from aliases,
    // under go-yaml's 99%, so the document is read (a budget that only counted aliases would
    // refuse it).
    let items: Vec<String> = (0..1100).map(|i| format!("g{i}")).collect();
    let text = format!(
        "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n  groups: &g [{}]\n- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n  groups: *g\n- rolearn: arn:aws:iam::111122223333:role/c\n  username: c\n  groups: *g\n- rolearn: arn:aws:iam::111122223333:role/d\n  username: d\n  groups: *g\n",
        items.join(", ")
    );
    let auth = AwsAuth::from_data([("mapRoles", text.as_str())]);
    let roles = auth.mappings().roles;
    assert_eq!(roles.len(), 4);
    assert_eq!(roles[3].groups.as_ref().map(Vec::len), Some(1100));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let outer = format!("{HEADER}  mapRoles: |\n{ADMIN}x: {deep}\n");
    assert!(matches!(
        AwsAuth::parse(&outer),
        Err(Error::ManifestSyntax { .. })
    ));
    let inner = format!("{HEADER}  mapRoles: |\n{ADMIN}      x: {deep}\n");
    let auth = AwsAuth::parse(&inner).expect("the manifest itself is fine");
    assert!(
        auth.validate()
            .iter()
            .any(|d| d.severity == Severity::Error && d.key.as_deref() == Some("mapRoles"))
    );
}

#[test]
fn a_hundred_thousand_data_keys_are_read() {
    let mut text = String::from(HEADER);
    for i in 0..100_000 {
        text.push_str(&format!("  key{i}: v{i}\n"));
    }
    // A duplicate far from the first: the last one counts, as readers keep it.
    text.push_str("  key7: last\n  mapRoles: |\n");
    text.push_str(ADMIN);
    let mut auth = AwsAuth::parse(&text).unwrap();
    let data = auth.data();
    assert_eq!(data.len(), 100_001);
    assert_eq!(
        data.iter()
            .find(|(k, _)| k == "key7")
            .map(|(_, v)| v.as_str()),
        Some("last")
    );
    assert!(
        auth.validate()
            .iter()
            .any(|d| d.code == Code::DuplicateDataKey && d.message.contains("key7"))
    );
    let changes = auth.apply(&upsert(), &Options::default()).unwrap();
    assert_eq!(changes.len(), 1);
    assert!(auth.to_string().contains("role/nodes"));
}

#[test]
fn a_three_mib_single_line_is_refused_or_read_without_panic() {
    let long = "x".repeat(3 * 1024 * 1024 - HEADER.len() - 20);
    let text = format!("{HEADER}  other: {long}\n");
    assert!(text.len() <= aws_auth_core::MAX_INPUT_BYTES);
    let auth = AwsAuth::parse(&text).unwrap();
    assert_eq!(auth.data()[0].1.len(), long.len());
    let over = format!("{text}{}", "y".repeat(64));
    assert!(matches!(AwsAuth::parse(&over), Err(Error::TooLarge { .. })));
}

#[test]
fn nul_bytes_and_byte_order_marks_do_not_panic() {
    for text in [
        format!("{HEADER}  mapRoles: |\n    - rolearn: a\0b\n"),
        format!("{HEADER}  mapRoles: \"- rolearn: a\\0b\"\n"),
        format!("\u{feff}{HEADER}  mapRoles: |\n{ADMIN}"),
        format!("{HEADER}  mapRoles: |\n    \u{feff}- rolearn: a\n"),
        format!("{HEADER}  mapRoles: \"\\ufeff\\t\"\n"),
        "\0".to_string(),
        "\u{feff}".to_string(),
    ] {
        if let Ok(mut auth) = AwsAuth::parse(&text) {
            let _ = auth.validate();
            let _ = auth.mappings();
            let before = auth.to_string();
            if auth.apply(&upsert(), &Options::default()).is_err() {
                assert_eq!(auth.to_string(), before, "a refused edit changes nothing");
            }
        }
    }
    // Not only "no panic": a byte order mark before the manifest is read past.
    let auth = AwsAuth::parse(&format!("\u{feff}{HEADER}  mapRoles: |\n{ADMIN}")).unwrap();
    assert_eq!(auth.mappings().roles.len(), 1);
}
