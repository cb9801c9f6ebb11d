//! Minimal inputs on which the differential suite (`testing/differential`) found us
//! reading aws-auth differently from aws-iam-authenticator v0.7.13.

use aws_auth_core::{AwsAuth, Diagnostic, Severity};

fn errors(data: &[(&str, &str)]) -> Vec<Diagnostic> {
    AwsAuth::from_data(data.iter().copied())
        .validate()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn roles(text: &str) -> AwsAuth {
    AwsAuth::from_data([("mapRoles", text)])
}

#[test]
fn r_multibyte_char_at_entry_end_does_not_panic() {
    let auth = roles("- rolearn: arn:aws:iam::111122223333:role/é\n");
    assert_eq!(
        auth.mappings().roles[0].rolearn.as_deref(),
        Some("arn:aws:iam::111122223333:role/é")
    );
}

#[test]
fn r_empty_rolearn_drops_the_entry() {
    let e = errors(&[("mapRoles", "- rolearn: ''\n  username: a\n")]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].entry, Some(0));
    let e = errors(&[("mapUsers", "- userarn: \"\"\n  username: a\n")]);
    assert_eq!(e.len(), 1, "{e:?}");
}

#[test]
fn r_empty_rolearn_with_sso_is_kept() {
    let text = "- rolearn: ''\n  sso:\n    permissionSetName: Admin\n    accountID: '111122223333'\n  username: a\n";
    assert!(errors(&[("mapRoles", text)]).is_empty());
}

#[test]
fn r_sso_permission_set_name_pattern() {
    for psn in ["'A B'", "'A*'", &"A".repeat(33)] {
        let text = format!("- sso:\n    permissionSetName: {psn}\n    accountID: '111122223333'\n");
        assert_eq!(errors(&[("mapRoles", &text)]).len(), 1, "{psn}");
    }
    let text = "- sso:\n    permissionSetName: a_b+c=d,e.f@g-h\n    accountID: '111122223333'\n";
    assert!(errors(&[("mapRoles", text)]).is_empty());
}

#[test]
fn r_sso_empty_partition_is_valid() {
    let text = "- sso:\n    permissionSetName: Admin\n    accountID: '111122223333'\n    partition: ''\n  username: a\n";
    assert!(errors(&[("mapRoles", text)]).is_empty());
}

#[test]
fn r_infinity_in_map_accounts_is_text() {
    let auth = AwsAuth::from_data([("mapAccounts", "- .inf\n- .nan\n")]);
    assert!(
        auth.validate()
            .iter()
            .all(|d| d.severity != Severity::Error)
    );
    assert_eq!(auth.mappings().accounts, [".inf", ".nan"]);
}

#[test]
fn r_unicode_folded_field_name() {
    let auth = AwsAuth::from_data([(
        "mapUsers",
        "- u\u{17f}erarn: arn:aws:iam::111122223333:user/u\n  username: a\n",
    )]);
    assert_eq!(
        auth.mappings().users[0].userarn.as_deref(),
        Some("arn:aws:iam::111122223333:user/u")
    );
    assert!(
        auth.validate()
            .iter()
            .all(|d| d.severity != Severity::Error)
    );
}

#[test]
fn r_wrong_typed_later_spelling_keeps_the_earlier_value() {
    // `userarn` sorts after `USERARN`; its number does not overwrite the string.
    let text = "- USERARN: arn:aws:iam::111122223333:user/Ada\n  userarn: 0123\n  username: a\n";
    let auth = AwsAuth::from_data([("mapUsers", text)]);
    assert_eq!(
        auth.mappings().users[0].userarn.as_deref(),
        Some("arn:aws:iam::111122223333:user/Ada")
    );
    assert!(
        auth.validate()
            .iter()
            .all(|d| d.severity != Severity::Error)
    );
}

#[test]
fn r_overwritten_infinity_does_not_fail_the_key() {
    let auth =
        roles("- rolearn: arn:aws:iam::111122223333:role/r\n  username: .inf\n  username: x\n");
    assert_eq!(auth.mappings().roles[0].username.as_deref(), Some("x"));
    assert!(
        auth.validate()
            .iter()
            .all(|d| d.severity != Severity::Error)
    );
}

#[test]
fn r_overwritten_complex_key_still_fails_the_key() {
    let text =
        "- rolearn: arn:aws:iam::111122223333:role/r\n  username: {{SessionName}}\n  username: x\n";
    let e = errors(&[("mapRoles", text)]);
    assert!(e.iter().any(|d| d.entry.is_none()), "{e:?}");
}

#[test]
fn r_out_of_range_numbers_are_strings() {
    for n in ["1e400", "0x1FFFFFFFFFFFFFFFF"] {
        let auth = roles(&format!(
            "- rolearn: arn:aws:iam::111122223333:role/r\n  username: {n}\n"
        ));
        assert_eq!(auth.mappings().roles[0].username.as_deref(), Some(n));
    }
}

#[test]
fn r_json_escapes_go_yaml_rejects_fail_the_key() {
    for text in [
        r#"[{"rolearn":"arn:aws:iam::111122223333:role\/a","username":"a"}]"#,
        r#"[{"rolearn":"arn:aws:iam::111122223333:role/a","username":"\ud83d\ude00"}]"#,
    ] {
        let e = errors(&[("mapRoles", text)]);
        assert!(e.iter().any(|d| d.entry.is_none()), "{text}: {e:?}");
    }
    let ok = r#"[{"rolearn":"arn:aws:iam::111122223333:role/a","username":"a\tb\u00e9"}]"#;
    assert!(errors(&[("mapRoles", ok)]).is_empty());
}

/// A group that starts with `-` (`- -dash`): the list's own `-` is the one before the item, not
/// the item's first character. Found by the property tests: the groups were rewritten from
/// the wrong column (and the read-back check refused the edit).
#[test]
fn r_group_starting_with_a_dash() {
    let text = "data:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/r0\n      username: a\n      groups:\n      - -dash\n";
    let mut auth = aws_auth_core::AwsAuth::parse(text).unwrap();
    let up = aws_auth_core::Upsert::new("arn:aws:iam::111122223333:role/r0", "a", ["a"]);
    auth.apply(
        &[aws_auth_core::Edit::UpsertRole(up)],
        &aws_auth_core::Options::default(),
    )
    .unwrap();
    assert_eq!(auth.to_string(), text.replace("- -dash", "- a"));
}

/// Tags and aliases are read as go-yaml v2 reads them (found by the differential suite).
#[test]
fn r_tags_and_aliases_read_like_go_yaml() {
    let auth = roles(
        "- rolearn: arn:aws:iam::111122223333:role/a\n  username: !!binary YWJj\n  groups: [!!str yes, !!int 5, !foo bar]\n- &e {rolearn: arn:aws:iam::111122223333:role/b, username: b, groups: [g]}\n- <<: *e\n  rolearn: arn:aws:iam::111122223333:role/c\n",
    );
    let m = auth.mappings();
    assert_eq!(m.roles[0].username.as_deref(), Some("abc"));
    assert_eq!(
        m.roles[0].groups.as_deref(),
        Some(&["yes".to_string(), String::new(), "bar".to_string()][..])
    );
    assert_eq!(
        m.roles[2].rolearn.as_deref(),
        Some("arn:aws:iam::111122223333:role/c")
    );
    assert_eq!(
        m.roles[2].username.as_deref(),
        Some("b"),
        "merged from the anchor"
    );
}

/// A bare `-` in a flow list is the string "-" to go-yaml v2 (YAML 1.2 rejects it): read, never
/// edited (found by the differential suite).
#[test]
fn r_flow_dash_is_read_not_edited() {
    let text = "[{\"rolearn\": \"arn:aws:iam::111122223333:role/a\", \"groups\": [-, x]}]";
    let mut auth = roles(text);
    assert_eq!(
        auth.mappings().roles[0].groups.as_deref(),
        Some(&["-".to_string(), "x".to_string()][..])
    );
    assert!(errors(&[("mapRoles", text)]).is_empty());
    let up = aws_auth_core::Upsert::new("arn:aws:iam::111122223333:role/b", "b", ["g"]);
    let err = auth
        .apply(
            &[aws_auth_core::Edit::UpsertRole(up)],
            &aws_auth_core::Options::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "key-not-editable");
}

#[test]
fn r_quoted_value_continued_no_deeper_than_its_key_is_read_not_edited() {
    // go-yaml v2 lets a quoted value go on at any column; YAML 1.2 parsers reject it.
    let text = "- rolearn: arn:aws:iam::111122223333:role/a\n  username: \"ops\n  team\"\n  groups:\n  - system:masters\n";
    let mut auth = roles(text);
    assert_eq!(
        auth.mappings().roles[0].username.as_deref(),
        Some("ops team")
    );
    assert!(errors(&[("mapRoles", text)]).is_empty());
    let up = aws_auth_core::Upsert::new("arn:aws:iam::111122223333:role/b", "b", ["g"]);
    let err = auth
        .apply(
            &[aws_auth_core::Edit::UpsertRole(up)],
            &aws_auth_core::Options::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "key-not-editable");
    assert!(
        err.to_string()
            .contains("quoted value at line 2, column 13 goes on over lines"),
        "{err}"
    );
}

/// Found by the `edit` fuzz target: a JSON manifest whose `mapRoles` is a lone tab (a blank
/// value the authenticator skips) refused every upsert as "would not read back".
#[test]
fn r_fuzz_an_upsert_into_a_json_map_roles_of_a_tab() {
    use aws_auth_core::{Edit, Options, Upsert};
    let text = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapRoles":"\t","mapUsers":""}}"#;
    let mut auth = AwsAuth::parse(text).unwrap();
    let up = Upsert::new(
        "arn:aws:iam::111122223333:role/nodes",
        "u",
        Vec::<String>::new(),
    );
    auth.apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap();
    let again = AwsAuth::parse(&auth.to_string()).unwrap();
    assert_eq!(again.mappings().roles.len(), 1, "{auth}");
    assert_eq!(again.mappings(), auth.mappings());
}

/// An account added twice to the same document is added once (the second add is a no-op):
/// broke for one commit when upserts learned to skip entries the authenticator drops, which
/// every account is to `dropped_reason`. Caught by the npm suite.
#[test]
fn r_an_account_added_twice_to_one_document_is_added_once() {
    use aws_auth_core::{Action, Edit, Options};
    for data in [r#"[]"#, "- '111122223333'\n"] {
        let mut auth = AwsAuth::from_data([("mapAccounts", data)]);
        let add = Edit::AddAccount {
            account: "111122223333".into(),
        };
        let first = auth
            .apply(std::slice::from_ref(&add), &Options::default())
            .unwrap();
        let second = auth.apply(&[add], &Options::default()).unwrap();
        let want = if data == "[]" {
            Action::Added
        } else {
            Action::Unchanged
        };
        assert_eq!(first[0].action, want, "{data}");
        assert_eq!(second[0].action, Action::Unchanged, "{data}");
        assert_eq!(auth.mappings().accounts, ["111122223333"]);
    }
}

/// An empty group name names no group, whichever shell the edit comes from (the CLI's
/// `--groups a,,b`, npm's `groups: ["a", ""]`): the core decides it once.
#[test]
fn r_empty_group_names_are_dropped_by_upsert_and_remove() {
    use aws_auth_core::{Edit, Options, Remove, Upsert};
    let arn = "arn:aws:iam::111122223333:role/a";
    let mut auth = AwsAuth::from_data([("mapRoles", "")]);
    let up = Upsert::new(arn, "a", ["x", "", "y"]);
    auth.apply(&[Edit::UpsertRole(up)], &Options::default())
        .unwrap();
    assert_eq!(
        auth.mappings().roles[0].groups.as_deref(),
        Some(&["x".to_string(), "y".to_string()][..])
    );
    let remove = Remove {
        arn: arn.into(),
        username: None,
        groups: Some(vec!["y".into(), "".into(), "x".into()]),
    };
    auth.apply(&[Edit::RemoveRole(remove)], &Options::default())
        .unwrap();
    assert!(auth.mappings().roles.is_empty());
}

/// The nothing-matched error names the groups looked for without the empty names (the npm/CLI
/// parity property caught `[""]` from the CLI against `[]` from npm).
#[test]
fn r_nothing_matched_names_groups_without_empty_names() {
    use aws_auth_core::{Edit, Options, Remove};
    let mut auth = AwsAuth::from_data([("mapRoles", "")]);
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:role/a".into(),
        username: None,
        groups: Some(vec!["".into()]),
    };
    let err = auth
        .apply(&[Edit::RemoveRole(remove)], &Options::default())
        .unwrap_err();
    assert!(err.to_string().contains("with groups []"), "{err}");
}

/// A `mapRoles` whose only content is blank lines holding a tab or a form feed (fuzzing, the
/// `edit` and `ownership` targets): an upsert replaces that blank content with the new entry,
/// in a block literal, a JSON string and API data alike, instead of refusing with the
/// editor's own "would not read back" error.
#[test]
fn r_blank_content_with_a_tab_or_form_feed_takes_new_entries() {
    use aws_auth_core::{Edit, Options, Upsert};
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n";
    let manifests = [
        format!("{head}  mapRoles: |\n    \t\n"),
        format!("{head}  mapRoles: |\n    \t\n    \t\n  mapUsers: |\n    []\n"),
        format!("{head}  mapRoles: |\n    \u{c}\n  mapUsers: |\n    []\n"),
        format!("{head}  mapRoles: |\n     \t \n"),
        format!("{head}  mapRoles: |\n    \u{b}\n  mapUsers: |\n    []\n"),
        format!("{head}  mapRoles: |\n    \u{a0}\u{2003}\n"),
        format!("{head}  mapRoles: |\n    ''\u{c}\n"),
        "{\"data\":{\"mapRoles\":\"\\t\\n\",\"mapUsers\":\"[]\"}}".to_string(),
    ];
    let arn = "arn:aws:iam::111122223333:role/nodes";
    let upsert = || Edit::UpsertRole(Upsert::new(arn, "u", ["g"]));
    for text in &manifests {
        let mut auth = AwsAuth::parse(text).unwrap();
        auth.apply(&[upsert()], &Options::default())
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let again = AwsAuth::parse(&auth.to_string()).unwrap();
        assert_eq!(again.mappings().roles.len(), 1, "{}", auth);
        assert_eq!(again.mappings().roles[0].rolearn.as_deref(), Some(arn));
        assert!(again.validate().is_empty(), "{:?}", again.validate());
        // The rest of the manifest is as it was.
        assert!(
            auth.to_string()
                .starts_with(&text[..text.find("mapRoles").unwrap()])
        );
    }
    for data in ["\t\n", "\u{c}\n", " \t\n\t\n", "\u{b}\n"] {
        let mut auth = AwsAuth::from_data([("mapRoles", data)]);
        auth.apply(&[upsert()], &Options::default())
            .unwrap_or_else(|e| panic!("{data:?}: {e}"));
        assert_eq!(auth.mappings().roles.len(), 1);
    }
}

/// A key with no entries but text that new entries cannot be written beside (fuzzing: an
/// anchor with a stray line, a lone CR that YAML reads as a line break inside a comment): an
/// upsert is refused as not editable with the way out, never as the editor's own failure, and
/// nothing is written.
#[test]
fn r_an_empty_key_with_odd_text_is_refused_as_not_editable() {
    use aws_auth_core::{Edit, ErrorKind, Options, Upsert};
    let upsert = || {
        Edit::UpsertRole(Upsert::new(
            "arn:aws:iam::111122223333:role/nodes",
            "u",
            Vec::<String>::new(),
        ))
    };
    for data in [
        "&-%%%%c\n,\n",
        "# -\r ~",
        "\r-",
        "- rolearn: arn:aws:iam::111122223333:role/a\r  username: a\n",
    ] {
        let mut auth = AwsAuth::from_data([("mapRoles", data), ("mapUsers", "[]")]);
        let before = auth.data();
        match auth.apply(&[upsert()], &Options::default()) {
            Ok(_) => {
                // Written: then it must read back with the entry.
                let again = AwsAuth::from_data(auth.data());
                assert_eq!(again.mappings().roles.len(), 1, "{data:?}");
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::NotEditable, "{data:?}: {e}");
                let m = e.to_string();
                assert!(
                    m.contains("replace it with []") || m.contains("carriage return"),
                    "{m}"
                );
                assert_eq!(auth.data(), before);
            }
        }
    }
}

/// Upserts a role with username `username`. Written: the document must read again (as a
/// manifest when `manifest`) with that entry. Refused: the document must be as it was, and the
/// error is returned for the caller to judge. Never the editor's own read-back failure.
fn upsert_role_checked(
    auth: &mut AwsAuth,
    manifest: bool,
    arn: &str,
    username: &str,
    groups: &[&str],
) -> Result<(), aws_auth_core::Error> {
    use aws_auth_core::{Edit, ErrorKind, Options, Upsert};
    let (before_text, before_data) = (auth.to_string(), auth.data());
    let upsert = Edit::UpsertRole(Upsert::new(arn, username, groups.iter().copied()));
    match auth.apply(&[upsert], &Options::default()) {
        Ok(_) => {
            let again = if manifest {
                AwsAuth::parse(&auth.to_string()).unwrap()
            } else {
                let data = auth.data();
                AwsAuth::from_data(data.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            };
            let found = again
                .mappings()
                .roles
                .iter()
                .any(|r| r.username.as_deref() == Some(username));
            assert!(found, "written, but no entry {username:?}: {}", auth);
            Ok(())
        }
        Err(e) => {
            assert_ne!(e.kind(), ErrorKind::Internal, "{e}");
            assert_eq!(
                auth.to_string(),
                before_text,
                "a refusal changed the document"
            );
            assert_eq!(auth.data(), before_data, "a refusal changed the data");
            Err(e)
        }
    }
}

/// A block list whose items are not mappings (a null item, then a plain scalar over lines):
/// an upsert beside them is refused as not editable with the reason, never as the editor's
/// own read-back failure (fuzzing: `edit`), and nothing is written.
#[test]
fn r_items_that_are_not_mappings_refuse_new_entries_beside_them() {
    use aws_auth_core::ErrorKind;
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    -\n    -\n     $}#'da/a:\n  mapUsers: |\n";
    let mut auth = AwsAuth::parse(text).unwrap();
    let arn = "arn:aws:iam::111122223333:role/team/nodes";
    if let Err(e) = upsert_role_checked(&mut auth, true, arn, "/a:", &["yes", "system:masters"]) {
        assert_eq!(e.kind(), ErrorKind::NotEditable, "{e}");
        assert!(e.to_string().contains("not mappings"), "{e}");
    }
}

/// A flow list item that is a `key:` pair with no value and no braces (`[a :` then a line
/// break, `[!!?[] :`): the parser ends it at or before its `:`, so an entry appended after it
/// would take the colon. Every spelling is refused as not editable, never with the editor's
/// own read-back failure (fuzzing: `edit`), and a refusal writes nothing.
#[test]
fn r_a_tagged_empty_key_before_a_line_break_in_a_flow_list() {
    use aws_auth_core::ErrorKind;
    for text in [
        "[a :\n]",
        "[a:\n]",
        "[a: \n]",
        "[\"a\" :\n]",
        "[! :\n]",
        "[!!str :\n]",
        "[&x :\n]",
        "[!!?[] :\n]",
        "[!!str a :\n]",
        "[!!str a :\n  ]",
        "[!!?[] :]",
    ] {
        let mut auth = roles(text);
        let result = upsert_role_checked(
            &mut auth,
            false,
            "arn:aws:iam::111122223333:role/b",
            "b",
            &["g"],
        );
        match result {
            Err(e) => assert_eq!(e.kind(), ErrorKind::NotEditable, "{text:?}: {e}"),
            Ok(()) => panic!("{text:?}: written as {}", auth),
        }
    }
}

/// A comment and blank lines as a key's whole content: an entry upserted there and then
/// removed leaves a block value of indented blank lines, which the splice's own check could
/// not decode; the value is now written whole instead of refused with the editor's own
/// read-back failure (fuzzing: `edit`).
#[test]
fn r_upsert_then_remove_in_a_key_of_a_comment_and_blank_lines() {
    use aws_auth_core::{Edit, ErrorKind, Options, Remove, Upsert};
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    #\n    \n    \n    \n  mapUsers: |\n    ,\n";
    let mut auth = AwsAuth::parse(text).unwrap();
    let arn = "arn:aws:iam::111122223333:role/nodes";
    let edits = [
        Edit::UpsertRole(Upsert::new(arn, "u", Vec::<String>::new())),
        Edit::RemoveUser(Remove {
            arn: "arn:aws:iam::111122223333:user/ADA".into(),
            username: Some(String::new()),
            ..Remove::default()
        }),
        Edit::RemoveRole(Remove {
            arn: arn.into(),
            ..Remove::default()
        }),
    ];
    // One at a time, as the fuzz target does, and then all at once.
    for (i, edit) in edits.iter().enumerate() {
        let before = auth.to_string();
        if let Err(e) = auth.apply(std::slice::from_ref(edit), &Options::default()) {
            assert_ne!(e.kind(), ErrorKind::Internal, "edit {i}: {e}");
            assert_eq!(auth.to_string(), before);
        }
    }
    let again = AwsAuth::parse(&auth.to_string()).unwrap();
    assert!(again.mappings().roles.is_empty(), "{}", auth.to_string());
    let mut auth = AwsAuth::parse(text).unwrap();
    match auth.apply(&edits, &Options::default()) {
        Ok(_) => {
            let again = AwsAuth::parse(&auth.to_string()).unwrap();
            assert!(again.mappings().roles.is_empty(), "{}", auth.to_string());
        }
        Err(e) => {
            assert_ne!(e.kind(), ErrorKind::Internal, "{e}");
            assert_eq!(auth.to_string(), text);
        }
    }
}

/// An item whose mapping starts on the line after its `-` (`-` then ` .[:`), followed by
/// blank lines: a new entry beside it puts its keys two columns past its own dash, and reads
/// back (fuzzing: `edit` found the neighbour's one-column key indent copied).
#[test]
fn r_an_item_whose_mapping_starts_below_its_dash() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    -\n     .[:\n    \n    \n  mapUsers: |\n";
    let mut auth = AwsAuth::parse(text).unwrap();
    let arn = "arn:aws:iam::111122223333:role/nodes";
    let written = upsert_role_checked(&mut auth, true, arn, "u", &[]);
    assert!(written.is_ok(), "{written:?}");
}
