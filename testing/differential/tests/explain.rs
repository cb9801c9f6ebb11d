//! Differential test of `explain`: for every data map and caller, the entry that maps the
//! caller (and so its username and groups) according to aws-auth-core against
//! aws-iam-authenticator v0.7.13's own `arn.Canonicalize` and `RoleMapping`/`UserMapping`
//! `Matches` over what `ParseMap` keeps (the checker's `--caller` mode, `testing/authcheck`).
//!
//! Inputs: the golden fixtures, the corpus (`AWS_AUTH_CORPUS`, default
//! `../shared/corpus/aws-auth`; skipped with a printed reason when absent), the checker's
//! `cases.ndjson`, and generated maps (roles, users, `sso`, accounts; paths, case variants,
//! other accounts and partitions, assumed-role ARNs and spaces in entries), each against a set
//! of callers (roles, users, assumed-role sessions, paths, case variants, other accounts and
//! partitions, root, and ARNs the authenticator refuses).
//!
//! A role ARN with a path is sent to the checker as the assumed-role session STS would
//! present (`assumed-role/NAME/...`): `explain` canonicalises it that way on purpose, while
//! `Canonicalize` given the IAM ARN itself keeps the path (no real token carries one).

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use aws_auth_core::{AwsAuth, DataKey, Explanation};
use serde_json::{Value, json};

use common::{assert_no_failures, repo_root, run_checker};

/// Generated data maps; with the callers below, more than 100,000 comparisons.
const GENERATED: usize = 4_000;
/// The least number of (map, caller) pairs compared for the test to count.
const FLOOR: usize = 100_000;

const ACCOUNTS: &[&str] = &["111122223333", "444455556666"];
const PARTITIONS: &[&str] = &["aws", "aws-cn"];
const ROLE_NAMES: &[&str] = &[
    "admin",
    "Admin",
    "ops",
    "AWSReservedSSO_Dev_0123456789abcdef",
];
const USER_NAMES: &[&str] = &["bob", "Bob", "dev/bob", "alice"];

fn callers() -> Vec<String> {
    let mut out = Vec::new();
    for p in PARTITIONS {
        for a in ACCOUNTS {
            for r in ROLE_NAMES {
                out.push(format!(
                    "arn:{p}:sts::{a}:assumed-role/{r}/alice@example.com"
                ));
            }
            out.push(format!("arn:{p}:iam::{a}:role/admin"));
            out.push(format!("arn:{p}:iam::{a}:role/team/ops"));
            out.push(format!("arn:{p}:iam::{a}:role/ADMIN"));
            for u in USER_NAMES {
                out.push(format!("arn:{p}:iam::{a}:user/{u}"));
            }
            out.push(format!("arn:{p}:iam::{a}:user/BOB"));
            out.push(format!("arn:{p}:iam::{a}:root"));
        }
    }
    out.extend(
        [
            "arn:aws:sts::111122223333:assumed-role/admin",
            "arn:aws:sts::111122223333:federated-user/bob",
            "arn:aws-xx:iam::111122223333:role/admin",
            "arn:aws:iam::111122223333:group/admins",
            "arn:aws:s3:::bucket",
            "ARN:aws:iam::111122223333:role/admin",
            "arn:aws:iam::111122223333",
            "not-an-arn",
        ]
        .map(String::from),
    );
    out
}

/// The caller as the checker should get it: a role ARN with a path as its STS session.
fn as_presented(caller: &str) -> String {
    let parts: Vec<&str> = caller.splitn(6, ':').collect();
    if let [_, p, "iam", _, a, resource] = parts[..]
        && let Some(path_and_name) = resource.strip_prefix("role/")
        && let Some((_, name)) = path_and_name.rsplit_once('/')
    {
        return format!("arn:{p}:sts::{a}:assumed-role/{name}/presented");
    }
    caller.to_string()
}

/// A small deterministic generator (no seed file to keep; the same maps on every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, pool: &[&'a str]) -> &'a str {
        pool[(self.next() as usize) % pool.len()]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn role_entry(rng: &mut Rng) -> String {
    let (p, a) = (rng.pick(PARTITIONS), rng.pick(ACCOUNTS));
    let name = rng.pick(ROLE_NAMES);
    let arn = match rng.next() % 10 {
        0 => format!("arn:{p}:iam::{a}:role/team/{name}"),
        1 => format!("arn:{p}:sts::{a}:assumed-role/{name}/s"),
        2 => format!("\" arn:{p}:iam::{a}:role/{name}\""),
        3 => format!("arn:{p}:iam::{a}:user/{}", rng.pick(USER_NAMES)),
        4 => format!(
            "ARN:{}:IAM::{a}:ROLE/{}",
            p.to_uppercase(),
            name.to_uppercase()
        ),
        _ => format!("arn:{p}:iam::{a}:role/{name}"),
    };
    let first = if rng.chance(12) {
        let partition = if rng.chance(30) {
            ", partition: aws"
        } else {
            ""
        };
        format!("sso: {{permissionSetName: Dev, accountID: \"{a}\"{partition}}}")
    } else if rng.chance(4) {
        // Dropped: neither rolearn nor sso.
        "userid: x".to_string()
    } else {
        format!("rolearn: {arn}")
    };
    format!(
        "- {first}\n  username: {}\n  groups: [{}]\n",
        rng.pick(&["r-{{SessionName}}", "admin", "ops-{{AccountID}}"]),
        rng.pick(&["system:masters", "view", "view, edit"])
    )
}

fn user_entry(rng: &mut Rng) -> String {
    let (p, a) = (rng.pick(PARTITIONS), rng.pick(ACCOUNTS));
    let arn = match rng.next() % 8 {
        0 => format!("arn:{p}:iam::{a}:role/{}", rng.pick(ROLE_NAMES)),
        1 => format!("arn:{p}:iam::{a}:user/BOB"),
        _ => format!("arn:{p}:iam::{a}:user/{}", rng.pick(USER_NAMES)),
    };
    format!(
        "- userarn: {arn}\n  username: {}\n  groups: [{}]\n",
        rng.pick(&["u1", "u2", "u-{{AccountID}}"]),
        rng.pick(&["system:masters", "view"])
    )
}

fn generated(n: usize) -> Vec<(String, Vec<(String, String)>)> {
    let mut rng = Rng(0x16_0000_5eed);
    (0..n)
        .map(|i| {
            let mut data = Vec::new();
            let roles: String = (0..rng.next() % 6).map(|_| role_entry(&mut rng)).collect();
            if !roles.is_empty() {
                data.push(("mapRoles".to_string(), roles));
            }
            let users: String = (0..rng.next() % 4).map(|_| user_entry(&mut rng)).collect();
            if !users.is_empty() {
                data.push(("mapUsers".to_string(), users));
            }
            if rng.chance(20) {
                data.push((
                    "mapAccounts".to_string(),
                    format!("- \"{}\"\n", rng.pick(ACCOUNTS)),
                ));
            }
            (format!("generated {i}"), data)
        })
        .collect()
}

fn manifests(dir: &PathBuf, kind: &str) -> Vec<(String, Vec<(String, String)>)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let auth = AwsAuth::parse(&text).ok()?;
            Some((format!("{kind} {}", p.display()), auth.data()))
        })
        .collect()
}

fn cases() -> Vec<(String, Vec<(String, String)>)> {
    let path = repo_root().join("testing/authcheck/cases.ndjson");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            let data = v["data"]
                .as_object()?
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect();
            Some((format!("case {}", v["label"]), data))
        })
        .collect()
}

/// The checker's live kept entry of `list` with `key`: (index, username, groups).
fn kept(result: &Value, list: &str, key: &Value) -> Option<(u64, String, Vec<String>)> {
    result[list]["kept"].as_array()?.iter().find_map(|e| {
        (e["live"] == json!(true) && &e["key"] == key).then(|| {
            let groups = e["groups"]
                .as_array()
                .map(|g| {
                    g.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            (
                e["index"].as_u64().unwrap_or(u64::MAX),
                e["username"].as_str().unwrap_or_default().to_string(),
                groups,
            )
        })
    })
}

/// One (map, caller) pair: our decision against the checker's; the disagreement, if any.
fn compare(ours: &Explanation, theirs: &Value, result: &Value) -> Option<String> {
    if theirs["error"].is_string() || ours.error.is_some() {
        return (theirs["error"].is_string() != ours.error.is_some())
            .then(|| format!("refusal: ours {:?}, theirs {}", ours.error, theirs["error"]));
    }
    let canonical = ours.canonical.as_ref().map(|c| c.canonical.as_str());
    if theirs["canonicalArn"].as_str() != canonical {
        return Some(format!(
            "canonical: ours {canonical:?}, theirs {}",
            theirs["canonicalArn"]
        ));
    }
    let roles = theirs["roles"].as_array().cloned().unwrap_or_default();
    let users = theirs["users"].as_array().cloned().unwrap_or_default();
    let (list, keys) = if !roles.is_empty() {
        (DataKey::MapRoles, roles)
    } else {
        (DataKey::MapUsers, users)
    };
    let grant = ours.grant.as_ref();
    if keys.is_empty() {
        return match (theirs["accountAllowed"] == json!(true), grant) {
            (true, Some(g)) if g.key == DataKey::MapAccounts && g.groups.is_empty() => None,
            (false, None) => None,
            (allowed, g) => Some(format!("no entry matches; account {allowed}; ours {g:?}")),
        };
    }
    let Some(g) = grant.filter(|g| g.key == list) else {
        return Some(format!("theirs {list} {keys:?}; ours {grant:?}"));
    };
    // Several live keys matching is Go map order: any of them; ours must name the same set.
    let mut theirs_entries = BTreeSet::new();
    for k in &keys {
        let Some(e) = kept(result, list.as_str(), k) else {
            return Some(format!(
                "key {k} matched but not live in the checker's result"
            ));
        };
        theirs_entries.insert(e);
    }
    let ours_indices: BTreeSet<u64> = g
        .index
        .into_iter()
        .chain(g.also_matching.iter().copied())
        .map(|i| i as u64)
        .collect();
    let theirs_indices: BTreeSet<u64> = theirs_entries.iter().map(|e| e.0).collect();
    if ours_indices != theirs_indices {
        return Some(format!(
            "{list} entries: ours {ours_indices:?}, theirs {theirs_indices:?}"
        ));
    }
    let index = g.index.map(|i| i as u64);
    let Some((_, username, groups)) = theirs_entries.iter().find(|e| Some(e.0) == index) else {
        return Some(format!("our entry {index:?} is not among theirs"));
    };
    (username != &g.username_template || groups != &g.groups_template).then(|| {
        format!(
            "values: ours {} {:?}, theirs {username} {groups:?}",
            g.username_template, g.groups_template
        )
    })
}

#[test]
fn explain_agrees_with_the_authenticator_on_which_entry_maps_each_caller() {
    let mut inputs = manifests(&repo_root().join("testing/fixtures/manifests"), "fixture");
    let corpus_dir = std::env::var_os("AWS_AUTH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus/aws-auth"));
    let corpus = manifests(&corpus_dir, "corpus");
    if corpus.is_empty() {
        eprintln!(
            "explain differential: corpus skipped: no manifests at {} (set AWS_AUTH_CORPUS)",
            corpus_dir.display()
        );
    }
    let corpus_count = corpus.len();
    inputs.extend(corpus);
    inputs.extend(cases());
    inputs.extend(generated(GENERATED));

    let callers = callers();
    let mut args = vec!["--batch".to_string()];
    for c in &callers {
        args.push("--caller".into());
        args.push(as_presented(c));
    }
    let requests = inputs
        .iter()
        .map(|(_, data)| {
            Value::Object(
                data.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            )
        })
        .collect();
    let results = run_checker(&args, requests);

    let mut failures = Vec::new();
    let (mut compared, mut granted) = (0usize, 0usize);
    for ((label, data), result) in inputs.iter().zip(&results) {
        let auth = AwsAuth::from_data(data.clone());
        let theirs = result["callers"].as_array().cloned().unwrap_or_default();
        assert_eq!(theirs.len(), callers.len(), "{label}");
        for (caller, t) in callers.iter().zip(&theirs) {
            compared += 1;
            let ours = auth.explain(caller);
            granted += usize::from(ours.granted);
            if let Some(why) = compare(&ours, t, result) {
                failures.push(format!("{label}, caller {caller}: {why}\n  data: {data:?}"));
            }
        }
    }
    eprintln!(
        "explain differential: {compared} (map, caller) pairs compared ({granted} granted), \
         {} maps ({corpus_count} corpus), {} callers, {} disagreements",
        inputs.len(),
        callers.len(),
        failures.len()
    );
    assert!(
        compared >= FLOOR,
        "{compared} pairs compared, fewer than the floor of {FLOOR}"
    );
    assert!(
        granted * 10 >= compared,
        "too few grants ({granted}) to mean much"
    );
    assert_no_failures(&failures);
}
