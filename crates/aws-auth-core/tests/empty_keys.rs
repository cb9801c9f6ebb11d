//! Keys with no entries take new ones: every way a manifest writes an empty value (`|`, `|-`,
//! `|+`, `""`, `''`, `"[]"`, `null`, `~`, nothing at all, with or without a comment), followed by another data key, a
//! top-level key, a comment or the end of the input, in each layout (`data` first as
//! `kubectl get -o yaml` prints it, `data` last, CRLF, JSON), then an upsert and an account add.
//!
//! Each result is read by an independent YAML parser (`serde_norway`), and JSON manifests by
//! `serde_json`: the manifest must parse, the key must hold exactly the new entry, and every
//! other value must be as it was. The bytes outside the edited value must not move.

use aws_auth_core::{AwsAuth, Edit, Options, Remove, Upsert};
use serde_norway::Value;

const USER: &str = "arn:aws:iam::111122223333:user/ada";
const ACCOUNT: &str = "999988887777";

/// The empty forms of a YAML manifest, as written after `key:`.
const YAML_FORMS: [&str; 13] = [
    "|",
    "|-",
    "|+",
    "\"\"",
    "''",
    "\"[]\"",
    "null",
    "~",
    "",
    "| # none yet",
    "# none yet",
    "null # none yet",
    "~ # none yet",
];
/// The empty forms of a JSON manifest.
const JSON_FORMS: [&str; 5] = ["\"\"", "\"[]\"", "null", "\"null\"", "\"\\n\""];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Follower {
    DataKey,
    TopLevelKey,
    Comment,
    End,
}

const FOLLOWERS: [Follower; 4] = [
    Follower::DataKey,
    Follower::TopLevelKey,
    Follower::Comment,
    Follower::End,
];

#[derive(Debug, Clone, Copy)]
enum Op {
    UpsertUser,
    AddAccount,
}

impl Op {
    fn key(self) -> &'static str {
        match self {
            Op::UpsertUser => "mapUsers",
            Op::AddAccount => "mapAccounts",
        }
    }

    fn edit(self) -> Edit {
        match self {
            Op::UpsertUser => Edit::UpsertUser(Upsert::new(USER, "ada", ["viewers"])),
            Op::AddAccount => Edit::AddAccount {
                account: ACCOUNT.into(),
            },
        }
    }

    /// The list the key must decode to afterwards.
    fn want(self) -> Value {
        let yaml = match self {
            Op::UpsertUser => format!("- userarn: {USER}\n  username: ada\n  groups: [viewers]\n"),
            Op::AddAccount => format!("- '{ACCOUNT}'\n"),
        };
        serde_norway::from_str(&yaml).unwrap()
    }
}

const OTHER_KEY: &str = "  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n";
const METADATA: &str = "kind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n";

/// A YAML manifest with `key: form` and what follows it; `data_first` as `kubectl get -o yaml`
/// prints it (`apiVersion`, `data`, then `kind`, `metadata`), otherwise `data` last. Returns
/// the text and the bytes before and after the empty value, which must survive as they are.
fn yaml_manifest(
    key: &str,
    form: &str,
    follower: Follower,
    data_first: bool,
) -> (String, String, String) {
    let line = format!("  {key}:{}{form}\n", if form.is_empty() { "" } else { " " });
    let data_tail = match follower {
        Follower::DataKey => OTHER_KEY,
        Follower::Comment => "  # more keys go here\n",
        Follower::TopLevelKey | Follower::End => "",
    };
    if data_first && follower != Follower::End {
        let before = "apiVersion: v1\ndata:\n".to_string();
        let after = format!("{data_tail}{METADATA}");
        (format!("{before}{line}{after}"), before, after)
    } else {
        let before = format!("apiVersion: v1\n{METADATA}data:\n");
        let after = data_tail.to_string();
        (format!("{before}{line}{after}"), before, after)
    }
}

/// Applies `op`; checks the manifest parses, holds exactly the new entry in the key, and keeps
/// every other value and the bytes around the edited value. Returns the result.
fn check(text: &str, before: &str, after: &str, op: Op, what: &str) -> String {
    let mut auth = AwsAuth::parse(text).unwrap_or_else(|e| panic!("{what}: input: {e}\n{text}"));
    auth.apply(&[op.edit()], &Options::default())
        .unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    let out = auth.to_string();
    let ctx = || format!("{what}\n--- in ---\n{text}\n--- out ---\n{out}");
    // Parses, for a reader that is not ours, with the entry in the key.
    let parsed: Value = serde_norway::from_str(&out).unwrap_or_else(|e| panic!("{e}: {}", ctx()));
    let value = parsed["data"][op.key()]
        .as_str()
        .unwrap_or_else(|| panic!("data.{} is not a string: {}", op.key(), ctx()));
    let list: Value = serde_norway::from_str(value).unwrap_or_else(|e| panic!("{e}: {}", ctx()));
    assert_eq!(list, op.want(), "{}", ctx());
    // Every other value of the manifest as it was.
    let strip = |mut v: Value| {
        if let Some(data) = v.get_mut("data").and_then(Value::as_mapping_mut) {
            data.remove(op.key());
        }
        // `data:` with nothing in it is null before and `{}` after the first key is gone.
        if v.get("data")
            .is_some_and(|d| d.is_null() || d.as_mapping().is_some_and(|m| m.is_empty()))
        {
            v.as_mapping_mut().unwrap().remove("data");
        }
        v
    };
    let was: Value = serde_norway::from_str(text).unwrap();
    assert_eq!(strip(parsed), strip(was), "{}", ctx());
    // The bytes around the value did not move.
    assert!(out.starts_with(before), "{}", ctx());
    assert!(out.ends_with(after), "{}", ctx());
    // And our own reader agrees.
    let again = AwsAuth::parse(&out).unwrap();
    assert_eq!(again.mappings(), auth.mappings(), "{}", ctx());
    out
}

#[test]
fn every_empty_form_in_every_yaml_layout_takes_an_upsert_and_an_account() {
    let mut cases = 0;
    for op in [Op::UpsertUser, Op::AddAccount] {
        for form in YAML_FORMS {
            for follower in FOLLOWERS {
                for data_first in [true, false] {
                    let (text, before, after) = yaml_manifest(op.key(), form, follower, data_first);
                    let what = format!(
                        "{op:?} into `{}: {form}` followed by {follower:?}, data first: {data_first}",
                        op.key()
                    );
                    let out = check(&text, &before, &after, op, &what);
                    // New entries in the style of a YAML manifest: a block literal, indented
                    // under the key (a quoted empty value stays quoted).
                    let quoted = form.starts_with(['"', '\'']);
                    let key_line = out[before.len()..].lines().next().unwrap();
                    if !quoted {
                        // A comment on the key's line stays there.
                        let comment = if form.contains('#') {
                            " # none yet"
                        } else {
                            ""
                        };
                        assert_eq!(
                            key_line,
                            format!("  {}: |{comment}", op.key()),
                            "{what}\n{out}"
                        );
                        assert!(
                            out[before.len()..]
                                .lines()
                                .nth(1)
                                .unwrap()
                                .starts_with("    - "),
                            "{what}\n{out}"
                        );
                    }
                    // The same in CRLF: the same edit, every line break CRLF.
                    let crlf = text.replace('\n', "\r\n");
                    let out_crlf = check(
                        &crlf,
                        &before.replace('\n', "\r\n"),
                        &after.replace('\n', "\r\n"),
                        op,
                        &format!("{what}, CRLF"),
                    );
                    assert_eq!(out_crlf, out.replace('\n', "\r\n"), "{what}, CRLF");
                    cases += 2;
                }
            }
        }
    }
    assert_eq!(cases, 2 * 13 * 4 * 2 * 2);
}

#[test]
fn every_empty_form_in_a_json_manifest_takes_an_upsert_and_an_account() {
    for op in [Op::UpsertUser, Op::AddAccount] {
        for form in JSON_FORMS {
            // The key followed by another data key, by a top-level key (data first), or last.
            let layouts = [
                (
                    "{\n  \"apiVersion\": \"v1\",\n  \"data\": {\n".to_string(),
                    "\n  },\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"aws-auth\", \"namespace\": \"kube-system\"}\n}\n".to_string(),
                ),
                (
                    "{\n  \"apiVersion\": \"v1\",\n  \"data\": {\n".to_string(),
                    ",\n    \"other\": \"x\"\n  },\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"aws-auth\"}\n}\n".to_string(),
                ),
                (
                    "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"aws-auth\"},\n  \"data\": {\n".to_string(),
                    "\n  }\n}\n".to_string(),
                ),
            ];
            for (head, tail) in layouts {
                let before = format!("{head}    \"{}\": ", op.key());
                let text = format!("{before}{form}{tail}");
                let what = format!("{op:?} into JSON `\"{}\": {form}`", op.key());
                let out = check(&text, &before, &tail, op, &what);
                // Still JSON: the value is a JSON string.
                let json: serde_json::Value = serde_json::from_str(&out)
                    .unwrap_or_else(|e| panic!("{what}: not JSON: {e}\n{out}"));
                assert!(json["data"][op.key()].is_string(), "{what}\n{out}");
            }
        }
    }
}

#[test]
fn a_strip_header_becomes_a_clip_header_when_the_first_entry_goes_in() {
    // `|-` drops the final line break; a list written into it gets one, as the tool writes
    // every list, so the header that keeps it (`|`) replaces `|-`.
    let text = format!("apiVersion: v1\ndata:\n  mapUsers: |-\n{METADATA}");
    let mut auth = AwsAuth::parse(&text).unwrap();
    auth.apply(&[Op::UpsertUser.edit()], &Options::default())
        .unwrap();
    assert_eq!(
        auth.to_string(),
        format!(
            "apiVersion: v1\ndata:\n  mapUsers: |\n    - userarn: {USER}\n      username: ada\n      groups:\n        - viewers\n{METADATA}"
        )
    );
}

#[test]
fn a_dump_with_data_first_loses_its_only_user_and_takes_another() {
    // The realistic path of the bug: `kubectl get -o yaml` prints data first; removing the
    // only user leaves `mapUsers: |` with no content; adding a user must then work.
    let text = format!(
        "apiVersion: v1\ndata:\n{OTHER_KEY}  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/old\n      username: old\n      groups:\n        - viewers\n{METADATA}"
    );
    let mut auth = AwsAuth::parse(&text).unwrap();
    let remove = Remove {
        arn: "arn:aws:iam::111122223333:user/old".into(),
        ..Remove::default()
    };
    auth.apply(&[Edit::RemoveUser(remove)], &Options::default())
        .unwrap();
    let emptied = auth.to_string();
    assert_eq!(
        emptied,
        format!("apiVersion: v1\ndata:\n{OTHER_KEY}  mapUsers: |\n{METADATA}")
    );
    let out = check(
        &emptied,
        &format!("apiVersion: v1\ndata:\n{OTHER_KEY}"),
        METADATA,
        Op::UpsertUser,
        "upsert after removing the only user",
    );
    assert!(out.contains("  mapUsers: |\n    - userarn: "), "{out}");
}

#[test]
fn an_empty_data_mapping_takes_the_first_key() {
    for form in ["", " ~", " null", " {}", " # none yet"] {
        for data_first in [true, false] {
            let (text, before) = if data_first {
                (
                    format!("apiVersion: v1\ndata:{form}\n{METADATA}"),
                    "apiVersion: v1\ndata:".to_string(),
                )
            } else {
                (
                    format!("apiVersion: v1\n{METADATA}data:{form}\n"),
                    format!("apiVersion: v1\n{METADATA}data:"),
                )
            };
            let after = if data_first { METADATA } else { "" };
            for op in [Op::UpsertUser, Op::AddAccount] {
                let what = format!("{op:?} into `data:{form}`, data first: {data_first}");
                check(&text, &before, after, op, &what);
            }
        }
    }
}
