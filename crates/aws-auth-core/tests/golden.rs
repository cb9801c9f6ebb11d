//! Golden tests: the reference README's scenarios and realistic manifests (eksctl, AWS CDK
//! JSON, hand-written with comments), each edit checked against the exact expected bytes.
//! The data-driven cases of `testing/fixtures/golden` (run by `golden_cases.rs`) hold more;
//! tests that only applied one edit list and compared bytes moved there.

use aws_auth_core::{Action, AwsAuth, Code, Edit, Error, Options, Remove, Upsert};

/// A manifest of the shared fixtures (`testing/fixtures/manifests`); `reference-readme.yaml` is
/// the README's bundled example, `examples/aws-auth.yaml`.
fn fixture(name: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let path = match name {
        "reference-readme.yaml" => format!("{root}/examples/aws-auth.yaml"),
        _ => format!("{root}/testing/fixtures/manifests/{name}"),
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn apply(text: &str, edits: &[Edit]) -> (String, Vec<String>) {
    let mut auth = AwsAuth::parse(text).expect("parses");
    let changes = auth.apply(edits, &Options::default()).expect("applies");
    (
        auth.to_string(),
        changes.iter().map(ToString::to_string).collect(),
    )
}

/// Diff-friendly equality: prints both texts in full when they differ.
macro_rules! eqnice {
    ($want:expr, $got:expr) => {{
        let (want, got) = (&$want, &$got);
        assert!(
            want == got,
            "\n--- want ---\n{want}\n--- got ---\n{got}\n------------"
        );
    }};
}

#[test]
fn readme_bootstrap_a_node_group_appends_in_the_neighbours_style() {
    let text = fixture("reference-readme.yaml");
    let node = Upsert::new(
        "arn:aws:iam::555555555555:role/my-new-node-group-NodeInstanceRole-74RF4UBDUKL6",
        "system:node:{{EC2PrivateDNSName}}",
        ["system:bootstrappers", "system:nodes"],
    );
    let (out, lines) = apply(&text, &[Edit::UpsertRole(node.clone())]);
    assert_eq!(
        lines,
        [
            "added arn:aws:iam::555555555555:role/my-new-node-group-NodeInstanceRole-74RF4UBDUKL6 to aws-auth"
        ]
    );
    let added = "    - rolearn: arn:aws:iam::555555555555:role/my-new-node-group-NodeInstanceRole-74RF4UBDUKL6\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n";
    eqnice!(
        text.replacen("  mapUsers: |\n", &format!("{added}  mapUsers: |\n"), 1),
        out
    );
    // The same upsert again is a no-op: nothing to write.
    let (again, lines) = apply(&out, &[Edit::UpsertRole(node)]);
    assert_eq!(
        lines,
        [
            "no updates needed to arn:aws:iam::555555555555:role/my-new-node-group-NodeInstanceRole-74RF4UBDUKL6"
        ]
    );
    eqnice!(out, again);
}

#[test]
fn readme_append_and_update_username_false() {
    let text = fixture("reference-readme.yaml");
    let arn = "arn:aws:iam::555555555555:role/abc";
    let append = Upsert {
        append: true,
        ..Upsert::new(arn, "ops-user", ["viewers"])
    };
    let keep_name = Upsert {
        update_username: false,
        ..Upsert::new(arn, "someone-else", ["system:masters", "viewers"])
    };
    let (out, lines) = apply(
        &text,
        &[Edit::UpsertRole(append), Edit::UpsertRole(keep_name)],
    );
    assert_eq!(
        lines,
        [
            format!("updated {arn} in aws-auth"),
            format!("no updates needed to {arn}")
        ]
    );
    let want = text.replacen("      username: ops-user\n      groups:\n        - system:masters\n  mapUsers", "      username: ops-user\n      groups:\n        - system:masters\n        - viewers\n  mapUsers", 1);
    eqnice!(want, out);
}

/// Issue 19: an upsert without a username (missing, empty or blank) keeps an existing entry's
/// username, but never adds an entry without one (the CLI refuses it as a usage error; the
/// npm package used to write an entry that its own `validate()` flagged).
#[test]
fn upsert_without_username_keeps_an_existing_one_and_adds_nothing() {
    let text = fixture("reference-readme.yaml");
    let existing = "arn:aws:iam::555555555555:role/abc";
    for username in [None, Some(""), Some("  ")] {
        let role: fn(Upsert) -> Edit = Edit::UpsertRole;
        let user: fn(Upsert) -> Edit = Edit::UpsertUser;
        for (key, edit) in [("mapRoles", role), ("mapUsers", user)] {
            let kind = if key == "mapRoles" { "role" } else { "user" };
            let new_arn = format!("arn:aws:iam::555555555555:{kind}/new");
            let up = Upsert {
                username: username.map(str::to_string),
                ..Upsert::new(new_arn.as_str(), "x", ["g"])
            };
            let mut auth = AwsAuth::parse(&text).unwrap();
            let err = auth.apply(&[edit(up)], &Options::default()).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
            assert_eq!(
                err.to_string(),
                format!(
                    "a new {kind} mapping needs a username: {new_arn} is not in {key} yet \
                     (an empty username only keeps the one of an existing entry)"
                )
            );
            eqnice!(text, auth.to_string());
        }
        let keep = Upsert {
            username: username.map(str::to_string),
            ..Upsert::new(existing, "x", ["system:masters", "viewers"])
        };
        let (out, lines) = apply(&text, &[Edit::UpsertRole(keep)]);
        assert_eq!(lines, [format!("updated {existing} in aws-auth")]);
        let want = text.replacen("      username: ops-user\n      groups:\n        - system:masters\n  mapUsers", "      username: ops-user\n      groups:\n        - system:masters\n        - viewers\n  mapUsers", 1);
        eqnice!(want, out);
    }
}

/// A blank username names nobody: remove-by-username refuses it as the CLI does (even with
/// `force`), instead of looking for entries whose username is spaces.
#[test]
fn remove_by_blank_username_is_an_invalid_argument() {
    let text = fixture("reference-readme.yaml");
    for username in ["", " ", "\t"] {
        let mut auth = AwsAuth::parse(&text).unwrap();
        let edit = Edit::RemoveByUsername {
            username: username.into(),
        };
        let force = Options {
            force: true,
            ..Options::default()
        };
        let err = auth.apply(std::slice::from_ref(&edit), &force).unwrap_err();
        assert_eq!(err.code(), "invalid-argument", "{username:?}: {err}");
        eqnice!(text, auth.to_string());
        // Before the keys are read, as the CLI's usage error is: a broken key does not matter.
        let mut broken = AwsAuth::from_data([("mapRoles", "- rolearn: [\n")]);
        let err = broken.apply(&[edit], &force).unwrap_err();
        assert_eq!(err.code(), "invalid-argument", "{username:?}: {err}");
    }
}

/// Found by the npm/CLI parity property (issue 19): a manifest whose `data:` is empty (null)
/// could not take its first key: it was written before the `:` ("not valid YAML").
#[test]
fn an_empty_data_takes_its_first_key() {
    let head =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n";
    let entry =
        "  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/x\n      username: x\n";
    for data in ["data:\n", "data:", "data: ~\n", "data: null\n"] {
        let text = format!("{head}{data}");
        let up = Upsert::new(
            "arn:aws:iam::111122223333:role/x",
            "x",
            Vec::<String>::new(),
        );
        let (out, _) = apply(&text, &[Edit::UpsertRole(up)]);
        assert!(out.starts_with(&format!("{head}data:")), "{data:?}\n{out}");
        assert!(
            out.contains(&format!("\n{}", entry.trim_end())),
            "{data:?}\n{out}"
        );
        let reread = AwsAuth::parse(&out).unwrap();
        assert_eq!(reread.mappings().roles.len(), 1, "{out}");
    }
}

/// Found by the npm/CLI parity property (issue 19): after an edit of the last entry of a
/// `|-` value, the object held the value with its final line break, which `|-` strips when
/// the manifest is read again; the next edit then wrote other bytes (a blank line more) than
/// the same edit on the manifest read afresh, as the CLI does it.
#[test]
fn a_strip_chomped_value_edited_twice_writes_as_a_fresh_parse_does() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapUsers: |-\n    # TODO remove\n    - userarn: arn:aws:iam::444455556666:user/Ada\n      username: a\n      groups:\n      - viewers\n  mapAccounts: \"\"\n";
    let ada = "arn:aws:iam::444455556666:user/Ada";
    let update = Edit::UpsertUser(Upsert::new(ada, "a", Vec::<String>::new()));
    let remove = Edit::RemoveUser(Remove {
        arn: ada.into(),
        ..Remove::default()
    });
    let mut twice = AwsAuth::parse(text).unwrap();
    twice.apply(&[update], &Options::default()).unwrap();
    let (fresh, _) = apply(&twice.to_string(), std::slice::from_ref(&remove));
    twice.apply(&[remove], &Options::default()).unwrap();
    eqnice!(fresh, twice.to_string());
}

/// Found by the npm/CLI parity property (issue 19): an object edited twice (npm, or a Rust
/// caller) wrote YAML into an emptied key of a JSON manifest, where a fresh parse of the
/// first result (the CLI) writes JSON, because the first edit dropped what it knew of the
/// manifest's format.
#[test]
fn a_json_manifest_edited_twice_writes_as_a_fresh_parse_does() {
    let text = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapRoles":"[]","mapUsers":"[{\"userarn\":\"arn:aws:iam::111122223333:user/a\",\"username\":\"a\"}]"}}"#;
    let remove = Edit::RemoveUser(Remove {
        arn: "arn:aws:iam::111122223333:user/a".into(),
        ..Remove::default()
    });
    let add = Edit::UpsertUser(Upsert::new("arn:aws:iam::111122223333:user/b", "b", ["g"]));
    let mut twice = AwsAuth::parse(text).unwrap();
    twice
        .apply(std::slice::from_ref(&remove), &Options::default())
        .unwrap();
    let (fresh, _) = apply(&twice.to_string(), std::slice::from_ref(&add));
    twice.apply(&[add], &Options::default()).unwrap();
    eqnice!(fresh, twice.to_string());
    assert!(
        fresh.contains(r#""mapUsers":"[{\"userarn\":\"arn:aws:iam::111122223333:user/b\""#),
        "{fresh}"
    );
}

/// Found by the npm/CLI parity property (issue 19): a block value left empty by a remove
/// (`mapRoles: |-` and nothing under it) could not take a new entry when another key followed
/// ("would not read back"): its content indentation was taken as 0.
#[test]
fn an_empty_block_value_takes_a_new_entry_two_deeper_than_its_key() {
    let users =
        "  mapUsers: |\n    - userarn: arn:aws:iam::444455556666:user/ops\n      username: ops\n";
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n";
    for header in ["|", "|-", "|+", "|\n", "|-\n", "|+\n", "|  # none yet"] {
        let text = format!("{head}  mapRoles: {header}\n{users}");
        let up = Upsert::new("arn:aws:iam::444455556666:role/admin", "p", ["g"]);
        let (out, lines) = apply(&text, &[Edit::UpsertRole(up)]);
        assert_eq!(
            lines,
            ["added arn:aws:iam::444455556666:role/admin to aws-auth"]
        );
        let entry = "    - rolearn: arn:aws:iam::444455556666:role/admin\n      username: p\n      groups:\n        - g\n";
        // The header becomes `|` when the first entry goes in (the CLI README's "Decisions");
        // a comment after it stays. A blank line under the empty key stays a blank line
        // (before or after the entry: both read the same).
        let blank = header.ends_with('\n');
        let given = header;
        let header = if header.starts_with("|  #") {
            header
        } else {
            "|"
        };
        let seen = if blank {
            out.replacen("\n\n", "\n", 1)
        } else {
            out.clone()
        };
        assert!(
            seen.starts_with(&format!("{head}  mapRoles: {header}\n{entry}")),
            "{header:?}\n{out}"
        );
        // A kept (`|+`) blank line is part of the value: it stays before the new entry, and
        // the value's final break keeps a blank line after it.
        if given != "|+\n" {
            assert_eq!(out.matches("\n\n").count(), usize::from(blank), "{out}");
        }
        let roles = AwsAuth::parse(&out).unwrap().mappings().roles;
        assert_eq!(roles.len(), 1, "{out}");
        assert!(out.ends_with(users), "{header:?}\n{out}");
    }
}

#[test]
fn cdk_json_stays_json_and_untouched_entries_keep_their_bytes() {
    let text = fixture("10-json-manifest-json-array-strings.json");
    let admin = Upsert::new(
        "arn:aws:iam::921483785411:user/ada",
        "ada",
        ["system:masters"],
    );
    let renamed = Upsert::new(
        "arn:aws:iam::921483785411:user/jenkins-ecr",
        "jenkins",
        ["system:masters"],
    );
    let (out, _) = apply(&text, &[Edit::UpsertUser(admin), Edit::UpsertUser(renamed)]);
    let want = text.replacen(
        r#"\"username\": \"jenkins-ecr\", \"groups\": [\"system:masters\"]}]""#,
        r#"\"username\": \"jenkins\", \"groups\": [\"system:masters\"]}, {\"userarn\": \"arn:aws:iam::921483785411:user/ada\", \"username\": \"ada\", \"groups\": [\"system:masters\"]}]""#,
        1,
    );
    eqnice!(want, out);
    let auth = AwsAuth::parse(&out).unwrap();
    assert_eq!(auth.mappings().users.len(), 2);
    assert!(
        auth.validate()
            .iter()
            .all(|d| d.severity != aws_auth_core::Severity::Error)
    );
}

#[test]
fn comments_survive_around_edits() {
    let text = fixture("37-header-comments-and-comment-in-scalar.yaml");
    let node = Upsert::new(
        "arn:aws:iam::111122223333:role/nodes",
        "system:node:{{EC2PrivateDNSName}}",
        ["system:nodes"],
    );
    let (out, _) = apply(&text, &[Edit::UpsertRole(node)]);
    assert!(
        out.starts_with(&text),
        "everything before the new entry is byte-identical"
    );
    assert!(out.contains("    # This ensures the worker nodes can join the cluster\n"));
}

#[test]
fn tricky_scalars_are_quoted_for_go_yaml_v2() {
    let text = fixture("reference-readme.yaml");
    let tricky = [
        "yes",
        "on",
        "0123",
        "1_000",
        "2001-01-01",
        "~",
        "null",
        "a: b",
        "x #y",
        "{{SessionName}}",
    ];
    for value in tricky {
        let up = Upsert::new("arn:aws:iam::555555555555:role/tricky", value, [value]);
        let (out, _) = apply(&text, &[Edit::UpsertRole(up)]);
        let auth = AwsAuth::parse(&out).unwrap();
        let role = auth.mappings().roles.into_iter().last().unwrap();
        assert_eq!(role.username.as_deref(), Some(value), "{out}");
        assert_eq!(
            role.groups.as_deref(),
            Some(&[value.to_string()][..]),
            "{out}"
        );
        assert!(
            auth.validate().iter().all(|d| d.code != Code::IgnoredValue),
            "{value}: {out}"
        );
    }
}

#[test]
fn role_path_is_removed_and_reported() {
    let text = fixture("reference-readme.yaml");
    let up = Upsert::new(
        "arn:aws:iam::555555555555:role/team/deploy",
        "deploy",
        ["deployers"],
    );
    let mut auth = AwsAuth::parse(&text).unwrap();
    let changes = auth
        .apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap();
    assert_eq!(changes[0].subject, "arn:aws:iam::555555555555:role/deploy");
    assert!(
        changes[0]
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("path")
    );
}

#[test]
fn removing_the_last_masters_grant_needs_the_override() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups:\n        - system:masters\n";
    let remove = Edit::RemoveRole(Remove {
        arn: "arn:aws:iam::111122223333:role/admin".into(),
        ..Remove::default()
    });
    let mut auth = AwsAuth::parse(text).unwrap();
    let err = auth
        .apply(std::slice::from_ref(&remove), &Options::default())
        .unwrap_err();
    assert!(matches!(err, Error::Lockout(_)), "{err}");
    assert_eq!(auth.to_string(), text, "a refused edit changes nothing");
    let forced = Options {
        force: true,
        ..Options::default()
    };
    assert!(
        matches!(
            auth.apply(std::slice::from_ref(&remove), &forced),
            Err(Error::Lockout(_))
        ),
        "--force is not the override"
    );
    let changes = auth
        .apply(
            &[remove],
            &Options {
                allow_lockout: true,
                ..Options::default()
            },
        )
        .unwrap();
    assert_eq!(changes[0].action, Action::Removed);
}

#[test]
fn nothing_matched_is_an_error_unless_forced() {
    let text = fixture("reference-readme.yaml");
    let remove = Edit::RemoveRole(Remove {
        arn: "arn:aws:iam::555555555555:role/nope".into(),
        ..Remove::default()
    });
    let mut auth = AwsAuth::parse(&text).unwrap();
    let err = auth
        .apply(std::slice::from_ref(&remove), &Options::default())
        .unwrap_err();
    assert_eq!(err.code(), "nothing-matched");
    assert!(err.to_string().contains("role/nope"));
    let changes = auth
        .apply(
            &[remove],
            &Options {
                force: true,
                ..Options::default()
            },
        )
        .unwrap();
    assert!(changes.is_empty());
    assert_eq!(auth.to_string(), text);
}

#[test]
fn a_key_that_does_not_parse_is_never_edited() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: a\n     username: broken\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/u\n      username: u\n";
    let mut auth = AwsAuth::parse(text).unwrap();
    let up = Upsert::new("arn:aws:iam::111122223333:role/r", "r", ["g"]);
    let err = auth
        .apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap_err();
    assert_eq!(err.code(), "key-not-editable", "{err}");
    // The other key still edits.
    let user = Upsert::new("arn:aws:iam::111122223333:user/v", "v", ["g"]);
    auth.apply(&[Edit::UpsertUser(user)], &Options::default())
        .unwrap();
    assert!(
        auth.to_string()
            .contains("    - rolearn: a\n     username: broken\n")
    );
}

#[test]
fn accounts_are_added_quoted_and_removed() {
    let text = fixture("reference-readme.yaml");
    let (out, lines) = apply(
        &text,
        &[Edit::AddAccount {
            account: "111122223333".into(),
        }],
    );
    assert_eq!(lines, ["added 111122223333 to aws-auth"]);
    eqnice!(
        format!("{text}  mapAccounts: |\n    - \"111122223333\"\n"),
        out
    );
    let (back, _) = apply(
        &out,
        &[Edit::RemoveAccount {
            account: "111122223333".into(),
        }],
    );
    eqnice!(format!("{text}  mapAccounts: |\n"), back);
    let mut auth = AwsAuth::parse(&text).unwrap();
    let bad = auth
        .apply(
            &[Edit::AddAccount {
                account: "1234".into(),
            }],
            &Options::default(),
        )
        .unwrap_err();
    assert_eq!(bad.code(), "invalid-argument");
}

#[test]
fn bad_arns_are_refused_for_upsert() {
    let text = fixture("reference-readme.yaml");
    let mut auth = AwsAuth::parse(&text).unwrap();
    for arn in [
        "not-an-arn",
        "arn:aws:sts::555555555555:assumed-role/x/session",
        "arn:aws:iam::555555555555:user/x",
        "arn:aws:iam::555555555555:role/",
    ] {
        let err = auth
            .apply(
                &[Edit::UpsertRole(Upsert::new(arn, "x", ["g"]))],
                &Options::default(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "invalid-argument", "{arn}");
    }
    assert_eq!(auth.to_string(), text);
}

#[test]
fn suspicious_accounts_are_accepted_with_a_note_as_the_go_tool_does() {
    // The reference README itself uses an 11-digit account.
    let text = fixture("reference-readme.yaml");
    let mut auth = AwsAuth::parse(&text).unwrap();
    let up = Upsert::new("arn:aws:iam::00000000000:role/test", "test", ["test"]);
    let changes = auth
        .apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap();
    assert_eq!(changes[0].action, Action::Added);
    assert!(
        changes[0]
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("12 digits")
    );
}

#[test]
fn multi_document_streams_edit_only_the_aws_auth_document() {
    let other = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps  # keep me\n";
    let text = format!(
        "{other}---\n{}---\n{other}",
        fixture("reference-readme.yaml")
    );
    let up = Upsert::new("arn:aws:iam::555555555555:role/x", "x", ["g"]);
    let (out, _) = apply(&text, &[Edit::UpsertRole(up)]);
    assert!(out.starts_with(&format!("{other}---\n")));
    assert!(out.ends_with(&format!("---\n{other}")));
}

#[test]
fn crlf_manifests_are_edited_in_crlf() {
    // As git checks a manifest out on Windows with core.autocrlf: every line ends in CRLF.
    let lf = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    # nodes\n    - rolearn: arn:aws:iam::111122223333:role/nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/ada\n      username: ada\n      groups:\n        - system:masters\n";
    let crlf = lf.replace('\n', "\r\n");
    let upsert = Upsert::new(
        "arn:aws:iam::111122223333:role/ops",
        "ops",
        ["system:masters"],
    );
    let (out, lines) = apply(&crlf, &[Edit::UpsertRole(upsert.clone())]);
    assert_eq!(
        lines,
        ["added arn:aws:iam::111122223333:role/ops to aws-auth"]
    );
    // Exactly the LF edit, in CRLF.
    let (want_lf, _) = apply(lf, &[Edit::UpsertRole(upsert)]);
    eqnice!(want_lf.replace('\n', "\r\n"), out);
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:role/ops".into(),
        ..Remove::default()
    };
    let (back, _) = apply(&out, &[Edit::RemoveRole(remove)]);
    eqnice!(crlf, back);
    // Read as YAML reads it: the values hold LF line breaks, as the API server stores them.
    let auth = AwsAuth::parse(&crlf).unwrap();
    assert_eq!(auth.mappings().users[0].username.as_deref(), Some("ada"));
    assert!(auth.data().iter().all(|(_, v)| !v.contains('\r')));
    assert!(auth.validate().is_empty(), "{:?}", auth.validate());
}

#[test]
fn mixed_line_breaks_are_read_but_not_edited() {
    let text = "apiVersion: v1\r\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/nodes\n      username: nodes\n";
    let mut auth = AwsAuth::parse(text).unwrap();
    assert_eq!(auth.mappings().roles.len(), 1);
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/ops", "ops", ["g"]);
    let err = auth
        .apply(&[Edit::UpsertRole(upsert)], &Options::default())
        .unwrap_err();
    assert!(
        err.to_string().contains("mixes line breaks")
            && err.to_string().contains("line 2")
            && !err.to_string().contains('\n'),
        "{err}"
    );
    assert_eq!(auth.to_string(), text, "a refused edit changes nothing");
}

#[test]
fn a_folded_value_is_rewritten_as_a_literal_keeping_the_lines_after_it() {
    // `>` cannot be spliced line by line (folding joins lines), so the value is written whole.
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: >\n    - rolearn: arn:aws:iam::111122223333:role/a\n      username: a\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/u\n      username: u\n";
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/b", "b", ["g"]);
    let (out, _) = apply(text, &[Edit::UpsertRole(upsert)]);
    eqnice!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/a\n      username: a\n    - rolearn: arn:aws:iam::111122223333:role/b\n      username: b\n      groups:\n        - g\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/u\n      username: u\n",
        out
    );
    // At the end of the file, the file's last line break stays.
    let at_end = text.split("  mapUsers").next().unwrap();
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/b", "b", ["g"]);
    let (out, _) = apply(at_end, &[Edit::UpsertRole(upsert)]);
    assert!(out.ends_with("        - g\n"), "{out:?}");
}

#[test]
fn an_entry_before_the_last_changes_in_a_list_without_a_final_line_break() {
    // `|-` (or data from the API server) leaves the last entry without a line break.
    let data = "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n  groups:\n    - system:masters\n- rolearn: arn:aws:iam::111122223333:role/b\n  username: b";
    let mut auth = AwsAuth::from_data([("mapRoles", data)]);
    let upsert = Upsert::new(
        "arn:aws:iam::111122223333:role/a",
        "ops",
        ["system:masters"],
    );
    auth.apply(&[Edit::UpsertRole(upsert.clone())], &Options::default())
        .unwrap();
    eqnice!(
        data.replace("username: a", "username: ops"),
        auth.data()[0].1
    );
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |-\n{}\n",
        data.lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let (out, _) = apply(&manifest, &[Edit::UpsertRole(upsert)]);
    eqnice!(manifest.replace("username: a\n", "username: ops\n"), out);
}

#[test]
fn the_aws_auth_configmap_is_found_among_the_items_of_a_list() {
    // `kubectl get configmaps -n kube-system -o yaml` prints a `kind: List`.
    let text = "apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n    ca.crt: |\n      xyz\n  kind: ConfigMap\n  metadata:\n    name: kube-root-ca.crt\n    namespace: kube-system\n- apiVersion: v1\n  data:\n    mapRoles: |\n      - rolearn: arn:aws:iam::111122223333:role/a\n        username: a\n  kind: ConfigMap\n  metadata:\n    name: aws-auth\n    namespace: kube-system\nkind: List\nmetadata:\n  resourceVersion: \"\"\n";
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/b", "b", ["g"]);
    let (out, _) = apply(text, &[Edit::UpsertRole(upsert.clone())]);
    eqnice!(
        text.replace(
            "        username: a\n",
            "        username: a\n      - rolearn: arn:aws:iam::111122223333:role/b\n        username: b\n        groups:\n          - g\n"
        ),
        out
    );
    assert_eq!(
        AwsAuth::parse(text).unwrap().namespace().as_deref(),
        Some("kube-system")
    );

    // An item without `data` gets one at the item's indentation.
    let no_data = "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: aws-auth\n    namespace: kube-system\n";
    let (out, _) = apply(no_data, &[Edit::UpsertRole(upsert.clone())]);
    eqnice!(
        format!(
            "{no_data}  data:\n    mapRoles: |\n      - rolearn: arn:aws:iam::111122223333:role/b\n        username: b\n        groups:\n          - g\n"
        ),
        out
    );

    // The same list as JSON (`-o json`) stays JSON.
    let json = r#"{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "data": {
                "mapRoles": "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n"
            },
            "kind": "ConfigMap",
            "metadata": {
                "name": "aws-auth",
                "namespace": "kube-system"
            }
        }
    ],
    "kind": "List"
}
"#;
    let (out, _) = apply(json, &[Edit::UpsertRole(upsert)]);
    eqnice!(
        json.replace(
            r#"  username: a\n""#,
            r#"  username: a\n- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n  groups:\n    - g\n""#
        ),
        out
    );
}

#[test]
fn a_list_without_the_aws_auth_configmap_names_what_it_holds() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: coredns\n";
    let err = AwsAuth::parse(text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no ConfigMap named \"aws-auth\" in the manifest (found ConfigMap \"coredns\")"
    );
}

#[test]
fn crlf_data_from_the_api_server_is_edited_in_crlf() {
    // A ConfigMap made with `kubectl create configmap --from-file` from a Windows file.
    let value = "- rolearn: arn:aws:iam::111122223333:role/a\r\n  username: a\r\n  groups:\r\n    - system:masters\r\n";
    let mut auth = AwsAuth::from_data([("mapRoles", value)]);
    assert_eq!(auth.mappings().roles[0].username.as_deref(), Some("a"));
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/b", "b", ["g"]);
    auth.apply(&[Edit::UpsertRole(upsert)], &Options::default())
        .unwrap();
    eqnice!(
        format!(
            "{value}- rolearn: arn:aws:iam::111122223333:role/b\r\n  username: b\r\n  groups:\r\n    - g\r\n"
        ),
        auth.data()[0].1
    );
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:role/b".into(),
        ..Remove::default()
    };
    auth.apply(&[Edit::RemoveRole(remove)], &Options::default())
        .unwrap();
    eqnice!(value, auth.data()[0].1);
}

/// One edit of data as the API server returns it; the new text of `key`.
fn edit_data(key: &str, value: &str, edit: Edit) -> Result<String, Error> {
    let mut auth = AwsAuth::from_data([(key, value)]);
    let options = Options {
        allow_lockout: true,
        ..Options::default()
    };
    auth.apply(&[edit], &options)?;
    Ok(auth.data()[0].1.clone())
}

#[test]
fn accounts_in_a_flow_list_stay_in_it() {
    let add = |account: &str| Edit::AddAccount {
        account: account.into(),
    };
    // AWS CDK writes mapAccounts as JSON.
    eqnice!(
        r#"["111122223333","444455556666"]"#,
        edit_data("mapAccounts", r#"["111122223333"]"#, add("444455556666")).unwrap()
    );
    eqnice!(
        r#"['111122223333', '444455556666', "777788889999"]"#,
        edit_data(
            "mapAccounts",
            "['111122223333', '444455556666']",
            add("777788889999")
        )
        .unwrap()
    );
    let remove = Edit::RemoveAccount {
        account: "111122223333".into(),
    };
    eqnice!(
        "['444455556666']",
        edit_data("mapAccounts", "['111122223333', '444455556666']", remove).unwrap()
    );
}

#[test]
fn a_block_scalar_value_is_replaced_with_its_header() {
    let value =
        "- rolearn: arn:aws:iam::111122223333:role/a\n  username: |\n    a\n  groups:\n    - g\n";
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/a", "ops", ["g"]);
    eqnice!(
        "- rolearn: arn:aws:iam::111122223333:role/a\n  username: ops\n  groups:\n    - g\n",
        edit_data("mapRoles", value, Edit::UpsertRole(upsert)).unwrap()
    );
}

#[test]
fn a_flow_entry_with_a_trailing_comma_is_removed_whole() {
    let value = r#"[{"rolearn": "arn:aws:iam::111122223333:role/b"}, {"rolearn": "arn:aws:iam::111122223333:role/a",}]"#;
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:role/a".into(),
        ..Remove::default()
    };
    eqnice!(
        r#"[{"rolearn": "arn:aws:iam::111122223333:role/b"}]"#,
        edit_data("mapRoles", value, Edit::RemoveRole(remove)).unwrap()
    );
}

#[test]
fn a_byte_order_mark_takes_no_column() {
    let value = "\u{feff}- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n";
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/b", "b", ["g"]);
    eqnice!(
        format!(
            "{value}- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n  groups:\n    - g\n"
        ),
        edit_data("mapRoles", value, Edit::UpsertRole(upsert)).unwrap()
    );
}

#[test]
fn yaml_that_ties_parts_together_is_read_but_not_edited() {
    let cases = [
        (
            "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n---\n- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n",
            "more than one YAML document",
        ),
        (
            "!!seq [{rolearn: arn:aws:iam::111122223333:role/a, username: a}]",
            "YAML tag",
        ),
        (
            "- &e {rolearn: arn:aws:iam::111122223333:role/a, username: a, groups: [g]}\n- <<: *e\n  rolearn: arn:aws:iam::111122223333:role/b\n",
            "YAML aliases",
        ),
    ];
    for (value, reason) in cases {
        let auth = AwsAuth::from_data([("mapRoles", value)]);
        assert_eq!(
            auth.mappings().roles[0].rolearn.as_deref(),
            Some("arn:aws:iam::111122223333:role/a")
        );
        // Removing the first document's only entry would make the second one live.
        let remove = Remove {
            arn: "arn:aws:iam::111122223333:role/a".into(),
            ..Remove::default()
        };
        let err = edit_data("mapRoles", value, Edit::RemoveRole(remove)).unwrap_err();
        assert_eq!(err.code(), "key-not-editable", "{value}: {err}");
        assert!(err.to_string().contains(reason), "{value}: {err}");
    }
}

#[test]
fn a_new_flow_entry_after_an_empty_one_is_valid_yaml() {
    // `{}` shows no style; a plain `userarn:arn:...` without a space would be one scalar.
    let upsert = Upsert::new("arn:aws:iam::111122223333:user/ada", "ada", ["g"]);
    eqnice!(
        r#"[{userarn: arn:aws:iam::111122223333:user/bob}, {}, {userarn: arn:aws:iam::111122223333:user/ada, username: ada, groups: [g]}]"#,
        edit_data(
            "mapUsers",
            "[{userarn: arn:aws:iam::111122223333:user/bob}, {}]",
            Edit::UpsertUser(upsert.clone())
        )
        .unwrap()
    );
    eqnice!(
        r#"[{},{"userarn":"arn:aws:iam::111122223333:user/ada","username":"ada","groups":["g"]}]"#,
        edit_data("mapUsers", "[{}]", Edit::UpsertUser(upsert)).unwrap()
    );
}

#[test]
fn the_lockout_guard_counts_only_the_mappings_the_authenticator_uses() {
    // Two entries for the admin role: the authenticator uses the last, which is not an admin.
    // alice is the only admin left.
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups:\n      - system:masters\n    - rolearn: arn:aws:iam::111122223333:role/admin\n      groups:\n      - system:something\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/alice\n      username: alice\n      groups:\n      - system:masters\n";
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:user/alice".into(),
        ..Remove::default()
    };
    let mut auth = AwsAuth::parse(text).unwrap();
    let err = auth
        .apply(&[Edit::RemoveUser(remove.clone())], &Options::default())
        .unwrap_err();
    assert!(
        matches!(err, Error::Lockout(_)) && err.to_string().contains("--allow-lockout"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("(1 live mapping grants system:masters today: mapUsers[0])"),
        "{err}"
    );
    assert_eq!(auth.to_string(), text);
    let allow = Options {
        allow_lockout: true,
        ..Options::default()
    };
    auth.apply(&[Edit::RemoveUser(remove)], &allow).unwrap();
    // The same through an upsert that takes alice's admin group away.
    let mut auth = AwsAuth::parse(text).unwrap();
    let demote = Upsert::new("arn:aws:iam::111122223333:user/alice", "alice", ["viewers"]);
    let err = auth
        .apply(&[Edit::UpsertUser(demote)], &Options::default())
        .unwrap_err();
    assert!(matches!(err, Error::Lockout(_)), "{err}");
}

#[test]
fn a_user_arn_with_a_short_account_is_still_refused_as_a_role() {
    let text = fixture("reference-readme.yaml");
    let mut auth = AwsAuth::parse(&text).unwrap();
    let wrong = Upsert::new("arn:aws:iam::122333:user/alice", "alice", ["g"]);
    let err = auth
        .apply(&[Edit::UpsertRole(wrong)], &Options::default())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("user ARN where a role ARN belongs"),
        "{err}"
    );
}

#[test]
fn nothing_matched_names_everything_looked_for() {
    let text = fixture("reference-readme.yaml");
    let mut auth = AwsAuth::parse(&text).unwrap();
    let arn = auth.mappings().roles[0].rolearn.clone().unwrap();
    let remove = Remove {
        arn: arn.clone(),
        username: Some("nobody".into()),
        groups: Some(vec!["a".into(), "b".into()]),
    };
    let err = auth
        .apply(&[Edit::RemoveRole(remove)], &Options::default())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "nothing matched {arn} with username \"nobody\" and groups [\"a\", \"b\"] in mapRoles in aws-auth"
        )
    );
}

#[test]
fn accounts_go_into_cdks_empty_brackets() {
    let text = fixture("reference-readme.yaml");
    let text = format!("{text}  mapAccounts: \"[]\"\n");
    let (out, _) = apply(
        &text,
        &[Edit::AddAccount {
            account: "111122223333".into(),
        }],
    );
    assert!(
        out.ends_with("  mapAccounts: \"[\\\"111122223333\\\"]\"\n"),
        "{out}"
    );
}

#[test]
fn a_field_a_neighbour_spells_twice_is_written_once() {
    let value = "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n  groups:\n    - g\n  username: b\n";
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/c", "c", ["g"]);
    eqnice!(
        format!(
            "{value}- rolearn: arn:aws:iam::111122223333:role/c\n  username: c\n  groups:\n    - g\n"
        ),
        edit_data("mapRoles", value, Edit::UpsertRole(upsert)).unwrap()
    );
}

#[test]
fn the_namespace_picks_among_configmaps_of_one_name() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: default\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/b\n      username: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/a\n      username: a\n";
    let user = |auth: &AwsAuth| auth.mappings().users[0].username.clone().unwrap();
    // Without a namespace, kube-system wins over the one that comes first.
    assert_eq!(user(&AwsAuth::parse(text).unwrap()), "a");
    assert_eq!(
        user(&AwsAuth::parse_in(text, Some("default"), "aws-auth").unwrap()),
        "b"
    );
    let err = AwsAuth::parse_in(text, Some("staging"), "aws-auth").unwrap_err();
    assert!(
        err.to_string()
            .contains("ConfigMap \"aws-auth\" in namespace \"default\""),
        "{err}"
    );
    // An edit goes to the one chosen, and only there.
    let mut auth = AwsAuth::parse_in(text, Some("default"), "aws-auth").unwrap();
    let upsert = Upsert::new("arn:aws:iam::111122223333:user/c", "c", ["g"]);
    auth.apply(&[Edit::UpsertUser(upsert)], &Options::default())
        .unwrap();
    let out = auth.to_string();
    let (first, second) = out.split_once("---\n").unwrap();
    assert!(first.contains("user/c"), "{out}");
    assert_eq!(second, text.split_once("---\n").unwrap().1);
    // Two in one namespace: nothing to choose by.
    let twice = text.replace("namespace: default", "namespace: kube-system");
    let err = AwsAuth::parse(&twice).unwrap_err();
    assert!(
        err.to_string()
            .contains("2 ConfigMaps named \"aws-auth\" (at lines 1, 11)"),
        "{err}"
    );
}

#[test]
fn a_json_array_of_objects_is_searched_like_a_list() {
    // What AWS CDK's KubernetesManifest takes (and JSON.stringify of it).
    let text = r#"[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapRoles":"[]"}}]"#;
    let auth = AwsAuth::parse(text).unwrap();
    assert_eq!(auth.namespace().as_deref(), Some("kube-system"));
    assert!(auth.mappings().roles.is_empty());
}

#[test]
fn an_aws_cdk_token_is_accepted_as_an_arn_with_a_note() {
    // `role.roleArn` of a role made in the same CDK app, before synthesis.
    let text = fixture("reference-readme.yaml");
    let mut auth = AwsAuth::parse(&text).unwrap();
    let token = "${Token[TOKEN.21]}";
    let node = Upsert::new(token, "system:node:{{EC2PrivateDNSName}}", ["system:nodes"]);
    let changes = auth
        .apply(&[Edit::UpsertRole(node.clone())], &Options::default())
        .unwrap();
    assert_eq!(changes[0].action, Action::Added);
    assert!(
        changes[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("AWS CDK token")),
        "{changes:?}"
    );
    assert!(auth.to_string().contains("- rolearn: ${Token[TOKEN.21]}\n"));
    // The same token again is the same entry.
    let again = auth
        .apply(&[Edit::UpsertRole(node)], &Options::default())
        .unwrap();
    assert_eq!(again[0].action, Action::Unchanged);
}

#[test]
fn an_edit_that_grows_the_data_past_one_mebibyte_is_refused() {
    // 4,300 node roles: just under 1 MiB of data.
    let mut roles = String::new();
    let mut i = 0;
    while roles.len() < aws_auth_core::MAX_DATA_BYTES - 600 {
        roles.push_str(&format!("- rolearn: arn:aws:iam::111122223333:role/eks-nodegroup-{i:05}-NodeInstanceRole-ABCDEFGHIJKLMNOP\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n"));
        i += 1;
    }
    let mut auth = AwsAuth::from_data([("mapRoles", roles.as_str())]);
    let small = Upsert::new("arn:aws:iam::111122223333:role/a", "a", ["g"]);
    auth.apply(&[Edit::UpsertRole(small)], &Options::default())
        .unwrap();
    let before = auth.data();
    let big = Upsert::new(
        "arn:aws:iam::111122223333:role/b",
        "b",
        (0..40).map(|n| format!("group-{n:02}")).collect::<Vec<_>>(),
    );
    let err = auth
        .apply(&[Edit::UpsertRole(big)], &Options::default())
        .unwrap_err();
    assert_eq!(err.code(), "too-large");
    assert!(err.to_string().contains("at most 1048576 bytes"), "{err}");
    assert_eq!(auth.data(), before, "nothing changed");
    // Shrinking is always allowed.
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:role/a".into(),
        ..Remove::default()
    };
    auth.apply(&[Edit::RemoveRole(remove)], &Options::default())
        .unwrap();
}

#[test]
fn a_mistyped_template_is_noted_on_upsert() {
    let text = fixture("reference-readme.yaml");
    let mut auth = AwsAuth::parse(&text).unwrap();
    let typo = Upsert::new(
        "arn:aws:iam::111122223333:role/nodes",
        "system:node:{{EC2PrivateDnsName}}",
        ["system:nodes"],
    );
    let changes = auth
        .apply(&[Edit::UpsertRole(typo)], &Options::default())
        .unwrap();
    let note = changes[0].note.clone().unwrap_or_default();
    assert!(note.contains("{{EC2PrivateDnsName}}"), "{note}");
    let single = Upsert::new(
        "arn:aws:iam::111122223333:role/other",
        "system:node:{EC2PrivateDNSName}",
        ["system:nodes"],
    );
    let changes = auth
        .apply(&[Edit::UpsertRole(single)], &Options::default())
        .unwrap();
    let note = changes[0].note.clone().unwrap_or_default();
    assert!(
        note.contains("double braces ({{EC2PrivateDNSName}})"),
        "{note}"
    );
    assert!(
        auth.validate()
            .iter()
            .any(|d| d.code == Code::UnknownTemplate && d.message.contains("{EC2PrivateDNSName}")),
        "validate reports it too"
    );
}

#[test]
fn role_names_iam_does_not_allow_are_refused() {
    let text = fixture("reference-readme.yaml");
    for arn in [
        "arn:aws:iam::111122223333:role/my role",
        "arn:aws:iam::111122223333:role/x#y",
        "arn:aws:iam::111122223333:role/x\"y",
        "arn:aws:iam::111122223333:role/x:",
        "arn:aws:iam::111122223333:role/ops-é",
    ] {
        let mut auth = AwsAuth::parse(&text).unwrap();
        let err = auth
            .apply(
                &[Edit::UpsertRole(Upsert::new(arn, "x", ["g"]))],
                &Options::default(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "invalid-argument", "{arn}: {err}");
        assert_eq!(auth.to_string(), text);
    }
    // What IAM allows is fine.
    let mut auth = AwsAuth::parse(&text).unwrap();
    let ok = Upsert::new("arn:aws:iam::111122223333:role/a_b+c=d,e.f@g-h", "x", ["g"]);
    auth.apply(&[Edit::UpsertRole(ok)], &Options::default())
        .unwrap();
}

#[test]
fn validate_warns_about_folded_values_and_fields_given_twice() {
    // A missing `groups:`: the group lines are folded into the username (corpus 11).
    let folded = "- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n    - system:bootstrappers\n    - system:nodes\n";
    let twice = "- rolearn: arn:aws:iam::111122223333:role/ci\n  username: ci\n  groups: [g]\n  username: github-actions\n";
    let codes = |text: &str| -> Vec<Code> {
        AwsAuth::from_data([("mapRoles", text)])
            .validate()
            .iter()
            .map(|d| d.code)
            .collect()
    };
    assert!(
        codes(folded).contains(&Code::FoldedValue),
        "{:?}",
        codes(folded)
    );
    assert!(
        codes(twice).contains(&Code::DuplicateField),
        "{:?}",
        codes(twice)
    );
    let clean = "- rolearn: arn:aws:iam::111122223333:role/ci\n  username: ci\n  groups: [g]\n";
    assert!(codes(clean).is_empty(), "{:?}", codes(clean));
}

#[test]
fn a_new_key_in_a_json_manifest_is_a_json_list() {
    let text = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{}}"#;
    let upsert = Upsert::new("arn:aws:iam::111122223333:role/a", "a", ["g"]);
    let (out, _) = apply(text, &[Edit::UpsertRole(upsert)]);
    eqnice!(
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapRoles": "[{\"rolearn\":\"arn:aws:iam::111122223333:role/a\",\"username\":\"a\",\"groups\":[\"g\"]}]"}}"#,
        out
    );
}

#[test]
fn integers_in_ignored_fields_read_as_go_yaml_reads_them() {
    let text = "- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n  n1: 1\n  n2: 0x1F\n  n3: 017\n  n4: -5\n  n5: 1_000\n  n6: [2, 3]\n";
    let auth = AwsAuth::from_data([("mapRoles", text)]);
    let extra = &auth.mappings().roles[0].extra;
    let n = |k: &str| extra[k].clone();
    assert_eq!(n("n1"), serde_json::json!(1));
    assert_eq!(n("n2"), serde_json::json!(31));
    assert_eq!(n("n3"), serde_json::json!(15));
    assert_eq!(n("n4"), serde_json::json!(-5));
    assert_eq!(n("n5"), serde_json::json!(1000));
    assert_eq!(n("n6"), serde_json::json!([2, 3]));
}
