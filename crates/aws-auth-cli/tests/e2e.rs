//! End-to-end scenarios of issue 4: the `aws-auth` binary against a real kube-apiserver and
//! etcd (crate `test-cluster`), results read back with the real `kubectl`.
//!
//! `live.rs` has the basics (create, one GET and one PUT per write, 403 not retried,
//! impersonation with a group, connection refused retried, the kubectl plugin); these are the
//! rest. Tests that stop the API server or need `kube-system/aws-auth` for themselves start
//! their own cluster; the others share one and each use their own ConfigMap name.
//!
//! They always run: a skipped test would count as passing.

use std::collections::BTreeMap;
use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use test_cluster::{RequestCounts, TestCluster, User};

mod common;
use common::{BIN, NODE_ROLE, Run, aws_auth, command, upsert_node_role};

const NS: &str = "kube-system";
const A_USER: &str = "arn:aws:iam::555555555555:user/a-user";

fn shared() -> &'static TestCluster {
    TestCluster::shared().unwrap()
}

fn admin(cluster: &TestCluster) -> PathBuf {
    cluster.kubeconfig_for(User::Admin)
}

/// `kubectl` as `user`, which must succeed; its stdout.
#[track_caller]
fn kubectl_ok(cluster: &TestCluster, user: User, args: &[&str]) -> String {
    let out = cluster.kubectl(user, args);
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into()
}

static MANIFESTS: AtomicUsize = AtomicUsize::new(0);

/// `kubectl apply -f` of a manifest file holding `text`.
fn apply(cluster: &TestCluster, text: &str) {
    let path = cluster.dir().join(format!(
        "e2e-manifest-{}.yaml",
        MANIFESTS.fetch_add(1, Ordering::Relaxed)
    ));
    fs::write(&path, text).unwrap();
    kubectl_ok(
        cluster,
        User::Admin,
        &["apply", "-f", path.to_str().unwrap()],
    );
}

/// A manifest of the shared fixtures (`testing/fixtures/manifests`); `readme.yaml` is the README's
/// bundled example, `examples/aws-auth.yaml`.
fn fixture(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = match name {
        "readme.yaml" => root.join("examples/aws-auth.yaml"),
        _ => root.join("testing/fixtures/manifests").join(name),
    };
    fs::read_to_string(path).unwrap()
}

/// A fixture manifest with its ConfigMap renamed.
fn fixture_named(file: &str, name: &str) -> String {
    fixture(file).replace("  name: aws-auth\n", &format!("  name: {name}\n"))
}

/// The ConfigMap as `kubectl get -o json` shows it; `None` when it does not exist.
fn configmap(cluster: &TestCluster, name: &str) -> Option<Value> {
    let out = cluster.kubectl(
        User::Admin,
        ["-n", NS, "get", "configmap", name, "-o", "json"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && stderr.contains("NotFound") {
        return None;
    }
    assert!(
        out.status.success(),
        "kubectl get configmap {name}: {stderr}"
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// The ConfigMap's data, read with kubectl.
fn data(cluster: &TestCluster, name: &str) -> BTreeMap<String, String> {
    let cm = configmap(cluster, name).unwrap_or_else(|| panic!("no configmap {name}"));
    serde_json::from_value(cm["data"].clone()).unwrap()
}

/// The entries of one key (YAML or JSON), read with kubectl; empty when the key is absent.
fn entries(cluster: &TestCluster, name: &str, key: &str) -> Vec<Value> {
    match data(cluster, name).get(key) {
        None => Vec::new(),
        Some(text) => {
            let v: Value = serde_norway::from_str(text)
                .unwrap_or_else(|e| panic!("{key} of {name} does not parse: {e}\n{text}"));
            match v {
                Value::Null => Vec::new(),
                Value::Array(a) => a,
                other => panic!("{key} of {name} is not a list: {other}"),
            }
        }
    }
}

/// `(arn, username, groups)` of each entry of `key`.
fn mappings(cluster: &TestCluster, name: &str, key: &str) -> Vec<(String, String, Vec<String>)> {
    let arn_field = if key == "mapRoles" {
        "rolearn"
    } else {
        "userarn"
    };
    entries(cluster, name, key)
        .iter()
        .map(|e| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            let groups = e["groups"]
                .as_array()
                .map(|g| g.iter().map(s).collect())
                .unwrap_or_default();
            (s(&e[arn_field]), s(&e["username"]), groups)
        })
        .collect()
}

fn m(arn: &str, username: &str, groups: &[&str]) -> (String, String, Vec<String>) {
    (
        arn.to_string(),
        username.to_string(),
        groups.iter().map(|g| g.to_string()).collect(),
    )
}

fn resource_version(cluster: &TestCluster, name: &str) -> String {
    configmap(cluster, name).unwrap()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Requests the `aws-auth` binary made to the ConfigMap `name` (kubectl's are left out: the
/// tests read back with kubectl).
fn cli_requests(cluster: &TestCluster, name: &str) -> RequestCounts {
    let events = cluster.audit_events().unwrap();
    RequestCounts::count(
        events.iter().filter(|e| {
            !e.user_agent
                .as_deref()
                .unwrap_or_default()
                .starts_with("kubectl")
        }),
        "configmaps",
        NS,
        name,
    )
}

fn upsert_role_args<'a>(name: &'a str, arn: &'a str, username: &'a str) -> Vec<&'a str> {
    vec![
        "upsert",
        "--name",
        name,
        "--maproles",
        "--rolearn",
        arn,
        "--username",
        username,
        "--groups",
        "system:bootstrappers",
        "system:nodes",
    ]
}

// ---------------------------------------------------------------------------------------------
// 1. Every command of the reference README.
// ---------------------------------------------------------------------------------------------

/// The README's commands as written (no `--name`: they edit `kube-system/aws-auth`), each
/// checked by reading the ConfigMap back with kubectl. Own cluster: it needs `aws-auth`.
#[test]
fn reference_readme_commands() {
    let cluster = TestCluster::start().unwrap();
    let kc = admin(&cluster);
    let readme = fixture("readme.yaml");
    let seed = || apply(&cluster, &readme);
    let name = "aws-auth";
    let readme_roles = vec![
        m(
            "arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6",
            "system:node:{{EC2PrivateDNSName}}",
            &["system:bootstrappers", "system:nodes"],
        ),
        m(
            "arn:aws:iam::555555555555:role/abc",
            "ops-user",
            &["system:masters"],
        ),
    ];
    let user_admin = m(A_USER, "admin", &["system:masters"]);
    let user_ops = m(A_USER, "ops-user", &["system:masters"]);

    // The ConfigMap as the README shows it.
    seed();
    let seeded = data(&cluster, name);
    assert_eq!(mappings(&cluster, name, "mapRoles"), readme_roles);
    assert_eq!(
        mappings(&cluster, name, "mapUsers"),
        vec![user_admin.clone(), user_ops.clone()]
    );

    // Remove all access belonging to an ARN (both mapUsers entries).
    let r = aws_auth(&kc, &["remove", "--mapusers", "--userarn", A_USER]);
    r.ok();
    assert_eq!(
        r.stderr,
        format!("removed {A_USER} from aws-auth\nremoved {A_USER} from aws-auth\n")
    );
    assert_eq!(mappings(&cluster, name, "mapUsers"), vec![]);
    assert_eq!(data(&cluster, name)["mapRoles"], seeded["mapRoles"]);

    // Remove by full match (only mapUsers[0]).
    seed();
    let r = aws_auth(
        &kc,
        &[
            "remove",
            "--mapusers",
            "--userarn",
            A_USER,
            "--username",
            "admin",
            "--groups",
            "system:masters",
        ],
    );
    r.ok();
    assert_eq!(r.stderr, format!("removed {A_USER} from aws-auth\n"));
    assert_eq!(mappings(&cluster, name, "mapUsers"), vec![user_ops.clone()]);
    assert_eq!(data(&cluster, name)["mapRoles"], seeded["mapRoles"]);

    // Remove based on a username: role abc and the ops-user user go.
    seed();
    let r = aws_auth(&kc, &["remove-by-username", "--username", "ops-user"]);
    r.ok();
    assert!(
        r.stderr
            .contains("removed arn:aws:iam::555555555555:role/abc from aws-auth\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("removed {A_USER} from aws-auth\n")),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);
    assert_eq!(
        mappings(&cluster, name, "mapRoles"),
        vec![readme_roles[0].clone()]
    );
    assert_eq!(
        mappings(&cluster, name, "mapUsers"),
        vec![user_admin.clone()]
    );

    // Bootstrap a new node group role.
    seed();
    let node_args = upsert_node_role();
    let r = aws_auth(&kc, &node_args);
    r.ok();
    assert_eq!(r.stderr, format!("added {NODE_ROLE} to aws-auth\n"));
    let node = m(
        NODE_ROLE,
        "system:node:{{EC2PrivateDNSName}}",
        &["system:bootstrappers", "system:nodes"],
    );
    let mut roles = readme_roles.clone();
    roles.push(node.clone());
    assert_eq!(mappings(&cluster, name, "mapRoles"), roles);
    let after_node = data(&cluster, name);
    assert!(
        after_node["mapRoles"].starts_with(&seeded["mapRoles"]),
        "existing bytes kept:\n{}",
        after_node["mapRoles"]
    );
    assert_eq!(after_node["mapUsers"], seeded["mapUsers"]);

    // The same with retries, and with the retry flags spelled out: nothing to do.
    let mut with_retry = node_args.to_vec();
    with_retry.push("--retry");
    let r = aws_auth(&kc, &with_retry);
    r.ok();
    assert_eq!(r.stderr, format!("no updates needed to {NODE_ROLE}\n"));
    with_retry.extend([
        "--retry-max-count",
        "12",
        "--retry-max-time",
        "30s",
        "--retry-min-time",
        "200ms",
    ]);
    aws_auth(&kc, &with_retry).ok();
    assert_eq!(data(&cluster, name), after_node);

    // Append groups instead of overwriting (the README's 11-digit account is accepted).
    let test_role = "arn:aws:iam::00000000000:role/test";
    let r = aws_auth(
        &kc,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            test_role,
            "--username",
            "test",
            "--groups",
            "test",
            "--append",
        ],
    );
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("added {test_role} to aws-auth\n")),
        "{}",
        r.stderr
    );
    roles.push(m(test_role, "test", &["test"]));
    assert_eq!(mappings(&cluster, name, "mapRoles"), roles);
    let r = aws_auth(
        &kc,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            test_role,
            "--username",
            "test",
            "--groups",
            "other",
            "--append",
        ],
    );
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("updated {test_role} in aws-auth\n")),
        "{}",
        r.stderr
    );
    *roles.last_mut().unwrap() = m(test_role, "test", &["test", "other"]);
    assert_eq!(mappings(&cluster, name, "mapRoles"), roles);

    // Keep the username with --update-username=false (groups are still overwritten).
    let r = aws_auth(
        &kc,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            test_role,
            "--username",
            "test2",
            "--groups",
            "test",
            "--update-username=false",
        ],
    );
    r.ok();
    assert!(
        r.stderr
            .contains(&format!("updated {test_role} in aws-auth\n")),
        "{}",
        r.stderr
    );
    *roles.last_mut().unwrap() = m(test_role, "test", &["test"]);
    assert_eq!(mappings(&cluster, name, "mapRoles"), roles);

    // get: the table of the README.
    let r = aws_auth(&kc, &["get"]);
    r.ok();
    let lines: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        lines[0],
        ["TYPE", "ARN", "USERNAME", "GROUPS"],
        "{}",
        r.stdout
    );
    assert!(
        lines.contains(&vec![
            "Role Mapping",
            NODE_ROLE,
            "system:node:{{EC2PrivateDNSName}}",
            "system:bootstrappers, system:nodes"
        ]),
        "{}",
        r.stdout
    );
    assert_eq!(lines.len(), 1 + roles.len() + 2, "{}", r.stdout);

    // Impersonation: get|upsert|remove --as <username> --as-group <groupname>.
    let imp = ["--as", "admin", "--as-group", "system:masters"];
    let mut get_as = vec!["get"];
    get_as.extend(imp);
    assert_eq!(aws_auth(&kc, &get_as).ok().stdout, r.stdout);
    let docker_user = "arn:aws:iam::555555555555:user/docker-user";
    let mut upsert_as = vec![
        "upsert",
        "--mapusers",
        "--userarn",
        docker_user,
        "--username",
        "admin",
        "--groups",
        "system:masters",
    ];
    upsert_as.extend(imp);
    let r = aws_auth(&kc, &upsert_as);
    r.ok();
    assert_eq!(r.stderr, format!("added {docker_user} to aws-auth\n"));
    assert_eq!(
        mappings(&cluster, name, "mapUsers"),
        vec![
            user_admin.clone(),
            user_ops.clone(),
            m(docker_user, "admin", &["system:masters"])
        ]
    );
    let mut remove_as = vec!["remove", "--mapusers", "--userarn", docker_user];
    remove_as.extend(imp);
    let r = aws_auth(&kc, &remove_as);
    r.ok();
    assert_eq!(r.stderr, format!("removed {docker_user} from aws-auth\n"));
    assert_eq!(data(&cluster, name)["mapUsers"], seeded["mapUsers"]);
    let impersonated = cluster
        .audit_events()
        .unwrap()
        .iter()
        .filter(|e| {
            e.is_for("configmaps", NS, name)
                && e.verb == "update"
                && e.impersonated_user.as_deref() == Some("admin")
        })
        .count();
    assert_eq!(impersonated, 2, "the two --as writes were impersonated");

    // The docker example (an upsert of a user) and version.
    let r = aws_auth(
        &kc,
        &[
            "upsert",
            "--mapusers",
            "--userarn",
            A_USER,
            "--username",
            "admin",
            "--groups",
            "system:masters",
        ],
    );
    r.ok();
    // The ARN has two entries; the authenticator uses the last one (ops-user), so that one
    // becomes admin.
    assert_eq!(r.stderr, format!("updated {A_USER} in aws-auth\n"));
    assert_eq!(
        mappings(&cluster, name, "mapUsers"),
        vec![user_admin.clone(), user_admin.clone()]
    );
    let out = Command::new(BIN).arg("version").output().unwrap();
    let r = Run::from(out, Duration::ZERO);
    r.ok();
    assert!(r.stdout.starts_with("aws-auth "), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// 2. Missing ConfigMap: two concurrent first upserts.
// ---------------------------------------------------------------------------------------------

#[test]
fn concurrent_first_upserts_both_land() {
    let cluster = shared();
    let kc = admin(cluster);
    let mut raced = 0;
    for round in 0..4 {
        let name = format!("first-upserts-{round}");
        assert!(configmap(cluster, &name).is_none());
        let arns = [
            format!("arn:aws:iam::111122223333:role/first-a-{round}"),
            format!("arn:aws:iam::111122223333:role/first-b-{round}"),
        ];
        let children: Vec<Child> = arns
            .iter()
            .map(|arn| {
                command(
                    &kc,
                    &upsert_role_args(&name, arn, "system:node:{{SessionName}}"),
                )
                .spawn()
                .unwrap()
            })
            .collect();
        for (child, arn) in children.into_iter().zip(&arns) {
            let r = Run::from(child.wait_with_output().unwrap(), Duration::ZERO);
            r.ok();
            assert!(
                r.stderr.ends_with(&format!("added {arn} to aws-auth\n")),
                "{}",
                r.stderr
            );
        }
        let present: Vec<String> = mappings(cluster, &name, "mapRoles")
            .into_iter()
            .map(|(arn, ..)| arn)
            .collect();
        assert_eq!(present.len(), 2, "{present:?}");
        for arn in &arns {
            assert!(present.contains(arn), "{arn} missing: {present:?}");
        }
        let counts = cli_requests(cluster, &name);
        assert!(counts.create >= 1 && counts.create <= 2, "{counts:?}");
        if counts.create == 2 {
            // The loser's POST got 409 AlreadyExists; it re-read and PUT.
            raced += 1;
            assert_eq!(counts.update, 1, "{counts:?}");
        }
    }
    eprintln!("concurrent_first_upserts_both_land: {raced}/4 rounds raced on the create");
}

// ---------------------------------------------------------------------------------------------
// 3. No lost updates: 50 concurrent processes.
// ---------------------------------------------------------------------------------------------

const RICH_MANIFEST: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: NAME
  namespace: kube-system
  labels:
    team: platform
    app.kubernetes.io/managed-by: hand
  annotations:
    example.com/owner: "sre@example.com"
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/admin
      username: admin
      groups:
        - system:masters
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/alice
      username: alice
      groups:
        - system:masters
  mapAccounts: |
    - "111122223333"
  somethingElse: "kept as is: 42"
"#;

#[test]
fn fifty_concurrent_upserts_lose_nothing() {
    let cluster = shared();
    let kc = admin(cluster);
    let name = "no-lost-updates";
    apply(cluster, &RICH_MANIFEST.replace("NAME", name));
    let before = configmap(cluster, name).unwrap();

    let arns: Vec<String> = (0..50)
        .map(|i| format!("arn:aws:iam::111122223333:role/concurrent-{i:02}"))
        .collect();
    let start = Instant::now();
    let children: Vec<Child> = arns
        .iter()
        .map(|arn| {
            // Without --retry: a conflict is re-read and re-applied all the same.
            let args = upsert_role_args(name, arn, "system:node:{{EC2PrivateDNSName}}");
            command(&kc, &args).spawn().unwrap()
        })
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| Run::from(c.wait_with_output().unwrap(), Duration::ZERO))
        .collect();
    let elapsed = start.elapsed();

    let failed: Vec<String> = runs
        .iter()
        .zip(&arns)
        .filter(|(r, _)| r.code != 0)
        .map(|(r, arn)| format!("{arn}: exit {}: {}", r.code, r.stderr))
        .collect();
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    for (r, arn) in runs.iter().zip(&arns) {
        // Conflicts are re-read quietly: the run reports only what it did.
        assert_eq!(r.stderr, format!("added {arn} to aws-auth\n"));
    }

    let after = configmap(cluster, name).unwrap();
    let roles: Vec<String> = mappings(cluster, name, "mapRoles")
        .into_iter()
        .map(|(arn, ..)| arn)
        .collect();
    assert_eq!(roles.len(), 51, "{roles:?}");
    for arn in &arns {
        assert_eq!(roles.iter().filter(|r| *r == arn).count(), 1, "{arn}");
    }
    assert_eq!(roles[0], "arn:aws:iam::111122223333:role/admin");
    for key in ["mapUsers", "mapAccounts", "somethingElse"] {
        assert_eq!(after["data"][key], before["data"][key], "{key}");
    }
    assert_eq!(after["metadata"]["labels"], before["metadata"]["labels"]);
    assert_eq!(
        after["metadata"]["annotations"]["example.com/owner"],
        "sre@example.com"
    );
    assert_eq!(
        after["metadata"]["annotations"],
        before["metadata"]["annotations"]
    );
    assert!(
        after["data"]["mapRoles"]
            .as_str()
            .unwrap()
            .starts_with(before["data"]["mapRoles"].as_str().unwrap())
    );
    let counts = cli_requests(cluster, name);
    eprintln!(
        "50 concurrent upserts without --retry: {elapsed:?}, {} conflicts re-read in all",
        counts.update - 50
    );
    assert_eq!(counts.create, 0, "{counts:?}");
    assert_eq!(counts.patch, 0, "{counts:?}");
    assert_eq!(counts.get, counts.update, "one GET per PUT: {counts:?}");
    assert!(elapsed < Duration::from_secs(120), "{elapsed:?}");
}

// ---------------------------------------------------------------------------------------------
// 4. Lossless: comments in mapRoles, a CDK (JSON) mapUsers.
// ---------------------------------------------------------------------------------------------

const COMMENTED_ROLES: &str = "# Managed by hand: ask #platform before editing.
- rolearn: arn:aws:iam::111122223333:role/nodes   # eksctl nodegroup ng-1
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes

# Break-glass access (ticket OPS-1234)
- groups: [system:masters]
  rolearn: \"arn:aws:iam::111122223333:role/break-glass\"
  username: 'break-glass'
# trailing note: keep this line
";

const CDK_USERS: &str = r#"[{"userarn":"arn:aws:iam::111122223333:user/cdk-deployer","username":"cdk-deployer","groups":["system:masters"]},{"userarn":"arn:aws:iam::111122223333:user/bob","username":"bob","groups":["developers"]}]"#;

/// `old` and `new` differ in one place: `(common prefix, removed part of old, inserted part
/// of new)`.
fn one_change<'a>(old: &'a str, new: &'a str) -> (&'a str, &'a str, &'a str) {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    (
        &old[..prefix],
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    )
}

#[test]
fn untouched_bytes_survive_edits() {
    let cluster = shared();
    let kc = admin(cluster);
    let name = "lossless";
    // A manifest file applied with kubectl, as an operator would.
    let indent = |text: &str| -> String {
        text.lines()
            .map(|l| {
                if l.is_empty() {
                    "\n".to_string()
                } else {
                    format!("    {l}\n")
                }
            })
            .collect()
    };
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: kube-system\n\
         data:\n  mapRoles: |\n{}  mapUsers: '{CDK_USERS}'\n",
        indent(COMMENTED_ROLES)
    );
    apply(cluster, &manifest);
    let d0 = data(cluster, name);
    assert_eq!(d0["mapRoles"], COMMENTED_ROLES, "kubectl kept the value");
    assert_eq!(d0["mapUsers"], CDK_USERS);

    // 1. A new role: an insertion into mapRoles, mapUsers untouched.
    let new_role = "arn:aws:iam::111122223333:role/ci";
    let r = aws_auth(
        &kc,
        &[
            "upsert",
            "--name",
            name,
            "--rolearn",
            new_role,
            "--username",
            "ci",
            "--groups",
            "ci-deployers",
        ],
    );
    r.ok();
    let d1 = data(cluster, name);
    assert_eq!(d1["mapUsers"], d0["mapUsers"]);
    let (_, removed, inserted) = one_change(&d0["mapRoles"], &d1["mapRoles"]);
    assert_eq!(removed, "", "nothing of the old mapRoles rewritten");
    assert!(inserted.contains(new_role), "{inserted:?}");
    assert!(!inserted.contains("break-glass"), "{inserted:?}");

    // 2. A new user: an insertion into the JSON list, still JSON, mapRoles untouched.
    let new_user = "arn:aws:iam::111122223333:user/carol";
    let r = aws_auth(
        &kc,
        &[
            "upsert",
            "--name",
            name,
            "--userarn",
            new_user,
            "--username",
            "carol",
            "--groups",
            "developers",
        ],
    );
    r.ok();
    let d2 = data(cluster, name);
    assert_eq!(d2["mapRoles"], d1["mapRoles"]);
    let (_, removed, inserted) = one_change(&d1["mapUsers"], &d2["mapUsers"]);
    assert_eq!(removed, "", "nothing of the old mapUsers rewritten");
    assert!(inserted.contains(new_user), "{inserted:?}");
    let users: Value = serde_json::from_str(&d2["mapUsers"]).expect("mapUsers is still JSON");
    assert_eq!(users.as_array().unwrap().len(), 3);

    // 3. An existing commented entry gets a group: the change stays inside that entry.
    let r = aws_auth(
        &kc,
        &[
            "upsert",
            "--name",
            name,
            "--rolearn",
            "arn:aws:iam::111122223333:role/nodes",
            "--username",
            "system:node:{{EC2PrivateDNSName}}",
            "--groups",
            "extra-group",
            "--append",
        ],
    );
    r.ok();
    let d3 = data(cluster, name);
    assert_eq!(d3["mapUsers"], d2["mapUsers"]);
    let (prefix, removed, inserted) = one_change(&d2["mapRoles"], &d3["mapRoles"]);
    assert!(
        prefix.contains("# eksctl nodegroup ng-1"),
        "the change starts inside the entry: {prefix:?}"
    );
    assert!(!removed.contains('#'), "{removed:?}");
    assert!(inserted.contains("extra-group"), "{inserted:?}");
    assert!(
        !inserted.contains("rolearn") && !inserted.contains('#'),
        "{inserted:?}"
    );

    // 4. A user removed from the JSON list: only that element goes.
    let r = aws_auth(
        &kc,
        &[
            "remove",
            "--name",
            name,
            "--mapusers",
            "--userarn",
            "arn:aws:iam::111122223333:user/bob",
        ],
    );
    r.ok();
    let d4 = data(cluster, name);
    assert_eq!(d4["mapRoles"], d3["mapRoles"]);
    let bob = r#"{"userarn":"arn:aws:iam::111122223333:user/bob","username":"bob","groups":["developers"]},"#;
    assert!(d3["mapUsers"].contains(bob), "{}", d3["mapUsers"]);
    assert_eq!(d4["mapUsers"], d3["mapUsers"].replacen(bob, "", 1));

    // Every comment line and the untouched entries are still there, byte for byte.
    for line in COMMENTED_ROLES.lines() {
        if line.starts_with('#') || line.contains("break-glass") {
            assert!(d4["mapRoles"].contains(line), "lost {line:?}");
        }
    }
    assert!(
        d4["mapRoles"].contains(
            "- rolearn: arn:aws:iam::111122223333:role/nodes   # eksctl nodegroup ng-1\n"
        ),
        "{}",
        d4["mapRoles"]
    );
    assert!(
        d4["mapUsers"].starts_with(
            r#"[{"userarn":"arn:aws:iam::111122223333:user/cdk-deployer","username":"cdk-deployer","groups":["system:masters"]}"#
        ),
        "{}",
        d4["mapUsers"]
    );
}

// ---------------------------------------------------------------------------------------------
// 5. RBAC.
// ---------------------------------------------------------------------------------------------

/// Own cluster: the `reader` may only get `kube-system/aws-auth`.
#[test]
fn rbac_forbidden_and_impersonation() {
    let cluster = TestCluster::start().unwrap();
    apply(&cluster, &fixture("readme.yaml"));
    let name = "aws-auth";
    let rv = resource_version(&cluster, name);
    let unchanged = |cluster: &TestCluster| {
        assert_eq!(resource_version(cluster, name), rv, "the ConfigMap changed");
    };
    let node_args = upsert_node_role();

    // The get-only user reads, but may not write: one clear error line.
    let reader = cluster.kubeconfig_for(User::Reader);
    let r = aws_auth(&reader, &["get"]);
    r.ok();
    assert!(r.stdout.contains("arn:aws:iam::555555555555:role/abc"));
    let r = aws_auth(&reader, &node_args);
    let line = r.one_error().to_lowercase();
    assert!(
        line.contains("forbidden") || line.contains("permission"),
        "{line}"
    );
    assert!(
        line.contains("reader/kube-system/aws-auth"),
        "names the object: {line}"
    );
    assert!(line.contains("user \"reader\" cannot update"), "{line}");
    unchanged(&cluster);

    // The impersonator acting as admin (no group: the name alone is cluster-admin) writes; the
    // server saw the impersonator acting as admin.
    let imp = cluster.kubeconfig_for(User::Impersonator);
    let mut as_admin = node_args.to_vec();
    as_admin.extend(["--as", "admin"]);
    let r = aws_auth(&imp, &as_admin);
    r.ok();
    assert_eq!(r.stderr, format!("added {NODE_ROLE} to aws-auth\n"));
    assert!(
        mappings(&cluster, name, "mapRoles")
            .iter()
            .any(|(arn, ..)| arn == NODE_ROLE)
    );
    let events = cluster.audit_events().unwrap();
    let put = events
        .iter()
        .rfind(|e| e.is_for("configmaps", NS, name) && e.verb == "update")
        .unwrap();
    assert_eq!(put.user, "impersonator");
    assert_eq!(put.impersonated_user.as_deref(), Some("admin"));
    assert_eq!(put.code, Some(200));
    let rv = resource_version(&cluster, name);
    let unchanged = |cluster: &TestCluster| {
        assert_eq!(resource_version(cluster, name), rv, "the ConfigMap changed");
    };

    // The impersonator acting as reader has the reader's rights, not its own.
    let mut as_reader = node_args.to_vec();
    as_reader[3] = "arn:aws:iam::555555555555:role/as-reader";
    as_reader.extend(["--as", "reader"]);
    let line = aws_auth(&imp, &as_reader).one_error().to_lowercase();
    assert!(line.contains("forbidden"), "{line}");
    unchanged(&cluster);

    // Without impersonation rights, --as fails clearly, for reads and writes.
    for user in [User::Nobody, User::Reader] {
        let kc = cluster.kubeconfig_for(user);
        let mut args = node_args.to_vec();
        args[3] = "arn:aws:iam::555555555555:role/impersonation-denied";
        args.extend(["--as", "admin", "--as-group", "system:masters"]);
        for args in [args, vec!["get", "--as", "admin"]] {
            let line = aws_auth(&kc, &args).one_error().to_lowercase();
            assert!(
                line.contains("forbidden") && line.contains("impersonate"),
                "{user} {args:?}: {line}"
            );
            assert!(line.contains(&format!("user \"{user}\"")), "{line}");
        }
    }
    unchanged(&cluster);
}

// ---------------------------------------------------------------------------------------------
// 6. Faults.
// ---------------------------------------------------------------------------------------------

/// A kubeconfig whose server is a loopback port nobody listens on.
fn unreachable_kubeconfig(dir: &Path) -> PathBuf {
    let port = {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        l.local_addr().unwrap().port()
    };
    kubeconfig_for_port(dir, port)
}

/// A kubeconfig (context `gone`, a token user) for `https://127.0.0.1:<port>`.
fn kubeconfig_for_port(dir: &Path, port: u16) -> PathBuf {
    let path = dir.join(format!("kubeconfig-unreachable-{port}"));
    fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    \
             server: https://127.0.0.1:{port}\n    insecure-skip-tls-verify: true\n\
             users:\n- name: someone\n  user:\n    token: not-a-secret-token\n\
             contexts:\n- name: gone\n  context:\n    cluster: gone\n    user: someone\n\
             current-context: gone\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn unreachable_server() {
    let dir = std::env::temp_dir().join(format!("aws-auth-e2e-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let kc = unreachable_kubeconfig(&dir);
    let node = upsert_role_args("aws-auth", NODE_ROLE, "system:node:{{EC2PrivateDNSName}}");

    // Without --retry: one clear line, exit 1, quickly.
    for args in [node.clone(), vec!["get"]] {
        let r = aws_auth(&kc, &args);
        let line = r.one_error();
        assert!(line.contains("gone/kube-system/aws-auth"), "{line}");
        assert!(line.contains("connection"), "{line}");
        assert!(!line.contains("not-a-secret-token"), "{line}");
        assert!(r.elapsed < Duration::from_secs(5), "{:?}", r.elapsed);
    }

    // With --retry: each retry reported, then the error. `--retry-max-count` counts attempts
    // (the first one included), as the Go tool does: 3 attempts are 2 retries.
    let mut args = node.clone();
    args.extend([
        "--retry",
        "--retry-max-count",
        "3",
        "--retry-min-time",
        "50ms",
    ]);
    let r = aws_auth(&kc, &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    for (i, line) in lines[..2].iter().enumerate() {
        assert!(
            line.starts_with("retrying after ")
                && line.contains(&format!("(attempt {}/3)", i + 2))
                && line.contains("connection"),
            "{}",
            r.stderr
        );
    }
    assert!(lines[2].starts_with("error: "), "{}", r.stderr);
    // Waits of 25-50 and 50-100 ms.
    assert!(r.elapsed < Duration::from_secs(5), "{:?}", r.elapsed);
    let _ = fs::remove_dir_all(&dir);
}

/// A server that accepts connections and never answers (a hung load balancer): the run gives
/// up after the 10 s connect timeout instead of hanging, and `--retry` retries it.
#[test]
fn silent_server_times_out() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            held.push(conn);
        }
    });
    let dir = std::env::temp_dir().join(format!("aws-auth-e2e-silent-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let kc = kubeconfig_for_port(&dir, port);
    let start = Instant::now();
    let plain = command(&kc, &["get"]).spawn().unwrap();
    let retried = command(
        &kc,
        &[
            "remove",
            "--maproles",
            "--rolearn",
            NODE_ROLE,
            "--retry",
            "--retry-max-count",
            "2",
            "--retry-min-time",
            "10ms",
        ],
    )
    .spawn()
    .unwrap();
    let plain = Run::from(plain.wait_with_output().unwrap(), start.elapsed());
    let line = plain.one_error();
    assert!(line.contains("timed out"), "{line}");
    assert!(
        plain.elapsed >= Duration::from_secs(9) && plain.elapsed < Duration::from_secs(20),
        "{:?}",
        plain.elapsed
    );
    let retried = Run::from(retried.wait_with_output().unwrap(), start.elapsed());
    assert_eq!(retried.code, 1, "{}", retried.stderr);
    let lines: Vec<&str> = retried.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", retried.stderr);
    assert!(
        lines[0].starts_with("retrying after ") && lines[0].contains("timed out"),
        "{}",
        retried.stderr
    );
    assert!(lines[1].starts_with("error: "), "{}", retried.stderr);
    let _ = fs::remove_dir_all(&dir);
}

/// Own cluster: the API server goes away during a `--retry` run and comes back; the write
/// lands once.
#[test]
fn apiserver_restart_during_retry_run() {
    let cluster = TestCluster::start().unwrap();
    apply(&cluster, &fixture("readme.yaml"));
    let name = "aws-auth";
    let before = cli_requests(&cluster, name);

    cluster.stop_apiserver();
    let mut args = upsert_role_args(name, NODE_ROLE, "system:node:{{EC2PrivateDNSName}}");
    args.push("--retry");
    let start = Instant::now();
    let child = command(&admin(&cluster), &args).spawn().unwrap();
    thread::scope(|s| {
        s.spawn(|| {
            thread::sleep(Duration::from_secs(1));
            cluster.start_apiserver().unwrap();
        });
    });
    let r = Run::from(child.wait_with_output().unwrap(), start.elapsed());
    eprintln!("restart during --retry: {:?}\n{}", r.elapsed, r.stderr);
    r.ok();
    assert!(r.stderr.starts_with("retrying after "), "{}", r.stderr);
    assert!(
        r.stderr
            .ends_with(&format!("added {NODE_ROLE} to aws-auth\n")),
        "{}",
        r.stderr
    );
    let roles = mappings(&cluster, name, "mapRoles");
    assert_eq!(roles.len(), 3, "{roles:?}");
    assert_eq!(roles.iter().filter(|(arn, ..)| arn == NODE_ROLE).count(), 1);
    let after = cli_requests(&cluster, name);
    assert_eq!(after.update - before.update, 1, "one PUT: {after:?}");
    assert_eq!(after.create, 0, "{after:?}");
    let ok_puts = cluster
        .audit_events()
        .unwrap()
        .iter()
        .filter(|e| e.is_for("configmaps", NS, name) && e.verb == "update")
        .filter(|e| e.code == Some(200))
        .count();
    assert_eq!(ok_puts, 1);
}

#[test]
fn unparseable_map_roles_is_refused_untouched() {
    let cluster = shared();
    let kc = admin(cluster);
    let abc = "- rolearn: arn:aws:iam::555555555555:role/abc\n  username: ops-user\n";
    for (name, map_roles) in [
        // An unclosed flow sequence.
        ("broken-flow", format!("{abc}  groups: [system:masters\n")),
        // A tab in the indentation.
        (
            "broken-tab",
            format!("{abc}\tgroups:\n  - system:masters\n"),
        ),
        // An item under-indented below its list.
        (
            "broken-indent",
            format!(
                "{abc}  groups:\n  - system:masters\n - rolearn: arn:aws:iam::555555555555:role/x\n"
            ),
        ),
    ] {
        let manifest = serde_json::json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": NS},
            "data": {"mapRoles": map_roles, "mapUsers": "[]\n"},
        });
        apply(cluster, &manifest.to_string());
        let before = configmap(cluster, name).unwrap();
        let counts = cli_requests(cluster, name);
        for args in [
            upsert_role_args(name, NODE_ROLE, "system:node:{{EC2PrivateDNSName}}"),
            vec![
                "remove",
                "--name",
                name,
                "--maproles",
                "--rolearn",
                "arn:aws:iam::555555555555:role/abc",
            ],
        ] {
            let mut with_retry = args.clone();
            with_retry.push("--retry");
            for args in [args, with_retry] {
                let r = aws_auth(&kc, &args);
                let line = r.one_error();
                assert!(
                    line.contains(&format!("admin/kube-system/{name}")),
                    "{line}"
                );
                assert!(line.contains("mapRoles"), "{line}");
            }
        }
        let after = configmap(cluster, name).unwrap();
        assert_eq!(
            after["metadata"]["resourceVersion"],
            before["metadata"]["resourceVersion"]
        );
        assert_eq!(after["data"], before["data"]);
        let now = cli_requests(cluster, name);
        assert_eq!(
            now.get - counts.get,
            4,
            "one GET per run, no retries: {now:?}"
        );
        assert_eq!(now.update, counts.update, "no PUT: {now:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Requests per write, counted at the server.
// ---------------------------------------------------------------------------------------------

#[test]
fn requests_per_write() {
    let cluster = shared();
    let kc = admin(cluster);
    let name = "request-count";
    apply(cluster, &fixture_named("readme.yaml", name));
    let role = "arn:aws:iam::555555555555:role/counted";
    let upsert = upsert_role_args(name, role, "counted");
    let mut counts = cli_requests(cluster, name);
    let mut step = |args: &[&str], get: usize, update: usize| {
        let r = aws_auth(&kc, args);
        r.ok();
        let now = cli_requests(cluster, name);
        let diff = now - counts;
        assert_eq!(
            diff,
            RequestCounts {
                get,
                update,
                ..RequestCounts::default()
            },
            "{args:?}: {}",
            r.stderr
        );
        counts = now;
        r
    };
    let r = step(&upsert, 1, 1);
    assert_eq!(r.stderr, format!("added {role} to aws-auth\n"));
    let r = step(&upsert, 1, 0);
    assert_eq!(r.stderr, format!("no updates needed to {role}\n"));
    let remove = ["remove", "--name", name, "--maproles", "--rolearn", role];
    step(&[&remove[..], &["--dry-run"]].concat(), 1, 0);
    let r = step(&remove, 1, 1);
    assert_eq!(r.stderr, format!("removed {role} from aws-auth\n"));
    step(&["get", "--name", name], 1, 0);
    assert!(
        !mappings(cluster, name, "mapRoles")
            .iter()
            .any(|(arn, ..)| arn == role)
    );
}
