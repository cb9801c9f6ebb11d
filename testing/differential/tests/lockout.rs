//! The lockout guard against aws-iam-authenticator itself (`testing/authcheck`).
//!
//! Generated documents hold admin entries that the authenticator keys apart or together in
//! ways the looser identity of edits does not: role ARNs with a path (dead), role ARNs that
//! differ in case (one key, the last wins), user ARNs that differ in case (two live keys),
//! user ARNs under `mapRoles` (searched first), plain duplicates. Each gets one random edit
//! without the lockout override. The checker's `--caller` mode says, for every caller that can
//! exist for these ARNs, which live entries the authenticator would map it through (its own
//! `ParseMap`, `Key()`, `Matches()` and `arn.Canonicalize`). Then:
//!
//! - no edit that succeeds leaves no caller with `system:masters` where one had it before;
//! - every edit refused as a lockout would, applied with the override, leave none;
//! - our [`aws_auth_core::AuthenticatorView`] finds an administrator exactly when the
//!   checker does, before and after every edit, and gives every entry the checker's key and
//!   its `live` flag (overridden or not).

mod common;

use std::io::Write;
use std::path::PathBuf;

use aws_auth_core::{AwsAuth, Edit, EntryStatus, Error, Options, Remove, Upsert};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use common::{assert_no_failures, corpus_dir, repo_root, run_checker};

const CASES: usize = 3000;

/// Role ARNs as entries write them: case variants of one role (one key), path-ful variants
/// (dead), another role, and a user ARN (which under `mapRoles` maps that user).
const ROLE_ENTRY_ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::111122223333:role/Admin",
    "ARN:AWS:IAM::111122223333:ROLE/ADMIN",
    "arn:aws:iam::111122223333:role/team/admin",
    "arn:aws:iam::111122223333:role/service-role/ADMIN",
    "ARN:AWS:IAM::111122223333:ROLE/TEAM/ADMIN",
    "arn:aws:iam::111122223333:role/ops",
    "arn:aws:iam::111122223333:role/team/ops",
    "arn:aws:iam::111122223333:user/alice",
    // IAM Identity Center permission sets: `sso:<name>[:<partition>]` (see `render`). Names
    // differing in case are one key; with a partition the entry never matches (FINDINGS §4).
    "sso:Admin",
    "sso:ADMIN",
    "sso:Admin:aws",
];
/// User ARNs: case variants (two live keys), a path (users keep it), another user.
const USER_ENTRY_ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/ALICE",
    "arn:aws:iam::111122223333:user/Alice",
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:iam::111122223333:user/dev/bob",
];
/// Role ARNs edits name (path-ful ones are stored without the path).
const ROLE_EDIT_ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::111122223333:role/ADMIN",
    "arn:aws:iam::111122223333:role/team/admin",
    "arn:aws:iam::111122223333:role/ops",
];
const USER_EDIT_ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/ALICE",
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:iam::111122223333:user/dev/bob",
];
/// Every caller any of those ARNs can match: a role arrives as an assumed-role session, a
/// user as its own ARN (the authenticator compares ignoring case).
const CALLERS: &[&str] = &[
    "arn:aws:sts::111122223333:assumed-role/admin/session",
    "arn:aws:sts::111122223333:assumed-role/ops/session",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:iam::111122223333:user/dev/bob",
    "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/session",
];
const USERNAMES: &[&str] = &["admin", "ops", "alice"];
const MASTERS: &str = "system:masters";

fn groups() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        4 => Just(vec![MASTERS.to_string()]),
        2 => Just(vec!["view".to_string()]),
        1 => Just(vec![MASTERS.to_string(), "view".to_string()]),
        1 => Just(Vec::new()),
    ]
}

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(pool).prop_map(str::to_string)
}

#[derive(Debug, Clone)]
struct Entry {
    arn: String,
    username: String,
    groups: Vec<String>,
}

fn entry(arns: &'static [&'static str]) -> impl Strategy<Value = Entry> {
    (pick(arns), pick(USERNAMES), groups()).prop_map(|(arn, username, groups)| Entry {
        arn,
        username,
        groups,
    })
}

fn render(field: &str, entries: &[Entry]) -> String {
    entries
        .iter()
        .map(|e| {
            let groups = if e.groups.is_empty() {
                String::new()
            } else {
                format!("\n  groups: [{}]", e.groups.join(", "))
            };
            let who = match e.arn.strip_prefix("sso:").map(|s| s.split(':')) {
                Some(mut parts) => {
                    let name = parts.next().unwrap_or_default();
                    let partition = parts
                        .next()
                        .map(|p| format!(", partition: {p}"))
                        .unwrap_or_default();
                    format!(
                        "sso: {{permissionSetName: {name}, accountID: '111122223333'{partition}}}"
                    )
                }
                None => format!("{field}: {}", e.arn),
            };
            format!("- {who}\n  username: {}{groups}\n", e.username)
        })
        .collect()
}

fn remove(arns: &'static [&'static str]) -> impl Strategy<Value = Remove> {
    (
        pick(arns),
        proptest::option::weighted(0.3, pick(USERNAMES)),
        proptest::option::weighted(0.2, groups()),
    )
        .prop_map(|(arn, username, groups)| Remove {
            arn,
            username,
            groups,
        })
}

fn upsert(arns: &'static [&'static str]) -> impl Strategy<Value = Upsert> {
    (pick(arns), pick(USERNAMES), groups(), proptest::bool::ANY).prop_map(
        |(arn, username, groups, append)| Upsert {
            append,
            ..Upsert::new(arn, username, groups)
        },
    )
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        upsert(ROLE_EDIT_ARNS).prop_map(Edit::UpsertRole),
        upsert(USER_EDIT_ARNS).prop_map(Edit::UpsertUser),
        remove(ROLE_EDIT_ARNS).prop_map(Edit::RemoveRole),
        remove(USER_EDIT_ARNS).prop_map(Edit::RemoveUser),
        pick(USERNAMES).prop_map(|username| Edit::RemoveByUsername { username }),
    ]
}

fn case() -> impl Strategy<Value = (Vec<(String, String)>, Edit)> {
    (
        proptest::collection::vec(entry(ROLE_ENTRY_ARNS), 0..6),
        proptest::collection::vec(entry(USER_ENTRY_ARNS), 0..4),
        edit(),
    )
        .prop_map(|(roles, users, edit)| {
            let mut data = Vec::new();
            if !roles.is_empty() {
                data.push(("mapRoles".to_string(), render("rolearn", &roles)));
            }
            if !users.is_empty() {
                data.push(("mapUsers".to_string(), render("userarn", &users)));
            }
            (data, edit)
        })
}

/// The checker's verdict on each data map, in order.
fn check_all(maps: &[Vec<(String, String)>]) -> Vec<Value> {
    let mut args = vec!["--batch".to_string()];
    for c in CALLERS {
        args.push("--caller".into());
        args.push((*c).into());
    }
    let requests = maps
        .iter()
        .map(|data| {
            Value::Object(
                data.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            )
        })
        .collect();
    run_checker(&args, requests)
}

/// Whether some caller gets `system:masters`. The authenticator (`ConfigMapMapper.Map`) looks
/// a caller up in the role map and only without a role match in the user map; several live
/// matches in one map are picked from at random, so any of them can be the one used.
fn has_admin(result: &Value) -> bool {
    let grants = |list: &str, key: &Value| {
        result[list]["kept"].as_array().unwrap().iter().any(|e| {
            e["live"] == json!(true)
                && &e["key"] == key
                && e["groups"]
                    .as_array()
                    .is_some_and(|g| g.iter().any(|g| g == MASTERS))
        })
    };
    result["callers"].as_array().unwrap().iter().any(|c| {
        let roles = c["roles"].as_array().unwrap();
        let (list, keys) = if roles.is_empty() {
            ("mapUsers", c["users"].as_array().unwrap())
        } else {
            ("mapRoles", roles)
        };
        keys.iter().any(|k| grants(list, k))
    })
}

/// Our view's overridden and dropped entries against the checker's `live` flags and its kept
/// list (`index` = position in the decoded list).
fn compare_liveness(view: &aws_auth_core::AuthenticatorView<'_>, result: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for e in &view.entries {
        let list = e.list.as_str();
        let kept = result[list]["kept"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["index"] == json!(e.index));
        let ours_kept = !matches!(e.status, EntryStatus::Dropped { .. });
        let ours_live_key = ours_kept && !matches!(e.status, EntryStatus::Overridden { .. });
        match kept {
            None if ours_kept => out.push(format!(
                "{list}[{}]: dropped by the authenticator, kept by us",
                e.index
            )),
            Some(_) if !ours_kept => out.push(format!(
                "{list}[{}]: kept by the authenticator, dropped by us",
                e.index
            )),
            Some(k) if k["live"] != json!(ours_live_key) => out.push(format!(
                "{list}[{}]: live {} for the authenticator, {:?} for us",
                e.index, k["live"], e.status
            )),
            Some(k) if e.lookup_key.as_deref() != k["key"].as_str() => out.push(format!(
                "{list}[{}]: key {} for the authenticator, {:?} for us",
                e.index, k["key"], e.lookup_key
            )),
            _ => {}
        }
    }
    out
}

#[test]
fn no_edit_locks_out_and_no_refusal_is_needless_by_the_authenticators_own_reading() {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[18; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = case();
    // Per case: the document, the result (or, when refused as a lockout, what the edit would
    // have written), and whether it was refused.
    let mut maps: Vec<Vec<(String, String)>> = Vec::new();
    let mut outcomes: Vec<(String, bool)> = Vec::new();
    let mut other_errors = 0;
    for _ in 0..CASES {
        let (data, edit) = strategy.new_tree(&mut runner).unwrap().current();
        let auth = AwsAuth::from_data(data.clone());
        let mut edited = auth.clone();
        let guarded = Options {
            force: true,
            allow_lockout: false,
        };
        let refused = match edited.apply(std::slice::from_ref(&edit), &guarded) {
            Ok(_) => false,
            Err(Error::Lockout(_)) => {
                let mut forced = auth.clone();
                let allow = Options {
                    allow_lockout: true,
                    ..guarded
                };
                forced.apply(std::slice::from_ref(&edit), &allow).unwrap();
                edited = forced;
                true
            }
            Err(_) => {
                other_errors += 1;
                continue;
            }
        };
        let label = format!(
            "{}\n    data: {:?}",
            serde_json::to_string(&edit).unwrap(),
            data
        );
        maps.push(data);
        maps.push(edited.data());
        outcomes.push((label, refused));
    }
    let results = check_all(&maps);

    let mut failures = Vec::new();
    let (mut refusals, mut admin_kept, mut dead_admin_entries) = (0, 0, 0);
    for (i, (label, refused)) in outcomes.iter().enumerate() {
        let (before, after) = (&results[2 * i], &results[2 * i + 1]);
        let (had, has) = (has_admin(before), has_admin(after));
        match (refused, had && !has) {
            (false, true) => failures.push(format!("locked out: {label}")),
            (true, false) => failures.push(format!("refused, but locks nobody out: {label}")),
            (true, true) => refusals += 1,
            (false, false) => admin_kept += usize::from(had),
        }
        // Our view of who is an administrator is the authenticator's, both sides.
        for (data, result) in [(&maps[2 * i], before), (&maps[2 * i + 1], after)] {
            let auth = AwsAuth::from_data(data.clone());
            let view = auth.authenticator_view();
            if (view.masters().count() > 0) != has_admin(result) {
                failures.push(format!(
                    "our view says {} admin(s), the authenticator {}: {label}\n    checked: {data:?}",
                    view.masters().count(),
                    has_admin(result)
                ));
            }
            failures.extend(
                compare_liveness(&view, result)
                    .into_iter()
                    .map(|f| format!("{f}: {label}\n    checked: {data:?}")),
            );
            let dead_admin = view.dead().any(|e| e.groups.iter().any(|g| g == MASTERS));
            dead_admin_entries += usize::from(dead_admin);
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "lockout: {} edits checked ({refusals} refused as lockouts, {admin_kept} kept an admin, \
         {other_errors} failed otherwise), {dead_admin_entries} documents with a dead admin entry, \
         {} failures",
        outcomes.len(),
        failures.len()
    );
    assert_no_failures(&failures);
    // The generator reaches the cases that matter.
    assert!(refusals >= 50, "only {refusals} lockouts refused");
    assert!(admin_kept >= 500, "only {admin_kept} edits kept an admin");
    assert!(
        dead_admin_entries >= 200,
        "only {dead_admin_entries} documents with dead admins"
    );
}

#[test]
fn the_view_keys_and_liveness_match_the_checker_on_its_cases_and_the_corpus() {
    let root = repo_root();
    let mut maps: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let cases = std::fs::read_to_string(root.join("testing/authcheck/cases.ndjson")).unwrap();
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let data = v["data"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        maps.push((format!("case {}", v["label"]), data));
    }
    let mut files: Vec<PathBuf> = match corpus_dir() {
        Some(corpus) => std::fs::read_dir(&corpus)
            .unwrap_or_else(|e| panic!("corpus at {}: {e} (set AWS_AUTH_CORPUS)", corpus.display()))
            .map(|e| e.unwrap().path())
            .collect(),
        None => Vec::new(),
    };
    files.sort();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        // Manifests that are not YAML are the main differential test's business.
        if let Ok(auth) = AwsAuth::parse(&text) {
            maps.push((format!("corpus {}", f.display()), auth.data()));
        }
    }
    let data: Vec<Vec<(String, String)>> = maps.iter().map(|(_, d)| d.clone()).collect();
    let results = check_all(&data);
    let mut failures = Vec::new();
    let mut dead = 0;
    for ((label, data), result) in maps.iter().zip(&results) {
        let auth = AwsAuth::from_data(data.clone());
        let view = auth.authenticator_view();
        dead += view.dead().count();
        failures.extend(
            compare_liveness(&view, result)
                .into_iter()
                .map(|f| format!("{label}: {f}")),
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "view vs checker: {} data maps, {dead} entries not live, {} failures",
        maps.len(),
        failures.len()
    );
    assert_no_failures(&failures);
    assert!(maps.len() > 400);
}
