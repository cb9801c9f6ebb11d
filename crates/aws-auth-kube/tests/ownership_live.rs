//! Entry ownership against a real kube-apiserver + etcd (crate `test-cluster`): managers apply
//! and release around hand edits and other tools' writes, and ten managers apply at once.
//!
//! These always run: a skipped test would count as passing. The first run on a machine builds
//! the API server (minutes); later runs use the cached binary.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_auth_core::{Action, ApplyOptions, AwsAuth, Desired, DesiredEntry, OWNERSHIP_ANNOTATION};
use aws_auth_kube::{AwsAuthClient, RetryPolicy, prepare_config};
use test_cluster::{TestCluster, User};

/// Hand-written entries and an EKS node role, as a cluster has them before any manager.
const HAND_ROLES: &str = "\
# written by hand: every manager must leave these bytes alone
- rolearn: arn:aws:iam::111122223333:role/eks-node-group   # EKS adds this
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
- rolearn: arn:aws:iam::111122223333:role/admin
  username: admin
  groups: [system:masters]
";

async fn client(cluster: &TestCluster, name: &str) -> AwsAuthClient {
    let kubeconfig =
        kube::config::Kubeconfig::read_from(cluster.kubeconfig_for(User::Admin)).unwrap();
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    prepare_config(&mut config, "aws-auth-test").unwrap();
    AwsAuthClient::new(kube::Client::try_from(config).unwrap()).name(name)
}

fn role(arn: &str, username: &str, groups: &[&str]) -> DesiredEntry {
    DesiredEntry::new(arn, username, groups.iter().copied())
}

fn arn(name: &str) -> String {
    format!("arn:aws:iam::111122223333:role/{name}")
}

/// The ConfigMap's data and annotations as kubectl reads them.
fn read(cluster: &TestCluster, name: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let out = cluster.kubectl(
        User::Admin,
        ["-n", "kube-system", "get", "configmap", name, "-o", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let map = |v: &serde_json::Value| -> BTreeMap<String, String> {
        v.as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    (map(&v["data"]), map(&v["metadata"]["annotations"]))
}

fn kubectl_ok(cluster: &TestCluster, args: &[&str]) {
    let out = cluster.kubectl(User::Admin, args);
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Creates the ConfigMap with the hand-written entries (and a user added by hand).
fn create(cluster: &TestCluster, name: &str) {
    let manifest = serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "kube-system", "annotations": {"team": "platform"}},
        "data": {"mapRoles": HAND_ROLES, "mapUsers": "- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n  groups: [viewers]\n"}
    });
    let path = cluster.dir().join(format!("{name}.json"));
    std::fs::write(&path, manifest.to_string()).unwrap();
    kubectl_ok(cluster, &["create", "-f", path.to_str().unwrap()]);
}

/// The document as the library reads it (data and record).
async fn document(c: &AwsAuthClient) -> AwsAuth {
    c.read().await.unwrap().expect("the ConfigMap exists")
}

/// Every entry the acting manager does not own reads the same, and the hand-written text is
/// still the start of `mapRoles`, byte for byte.
fn assert_others_kept(before: &AwsAuth, after: &AwsAuth, manager: &str, step: &str) {
    let strip = |auth: &AwsAuth| {
        let (m, o) = (auth.mappings(), auth.ownership());
        let roles: Vec<String> = m
            .roles
            .iter()
            .zip(&o.roles)
            .filter(|(_, owner)| owner.as_deref() != Some(manager))
            .map(|(r, owner)| format!("{r:?} {owner:?}"))
            .collect();
        let users: Vec<String> = m
            .users
            .iter()
            .zip(&o.users)
            .filter(|(_, owner)| owner.as_deref() != Some(manager))
            .map(|(u, owner)| format!("{u:?} {owner:?}"))
            .collect();
        (roles, users)
    };
    assert_eq!(strip(before), strip(after), "{step}");
    let roles = after
        .key_text(aws_auth_core::DataKey::MapRoles)
        .unwrap_or_default();
    assert!(roles.starts_with(HAND_ROLES), "{step}: {roles}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managers_apply_and_release_in_every_order_around_hand_edits() {
    let cluster = TestCluster::shared().unwrap();
    let desires: [(&str, Desired); 3] = [
        (
            "cdk:Stack/A",
            Desired {
                roles: vec![
                    role(&arn("a1"), "a1", &["deployers"]),
                    role(&arn("a2"), "a2", &["viewers"]),
                ],
                ..Desired::default()
            },
        ),
        (
            "pulumi:b",
            Desired {
                roles: vec![role(&arn("b1"), "b1", &["viewers"])],
                accounts: vec!["444455556666".into()],
                ..Desired::default()
            },
        ),
        (
            "team-c",
            Desired {
                users: vec![DesiredEntry::new(
                    "arn:aws:iam::111122223333:user/carol",
                    "carol",
                    ["editors"],
                )],
                ..Desired::default()
            },
        ),
    ];
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    for (n, order) in orders.iter().enumerate() {
        let name = format!("aws-auth-own-{n}");
        create(cluster, &name);
        let c = client(cluster, &name).await;
        let none = RetryPolicy::default();
        for &i in order {
            let (manager, desired) = &desires[i];
            let before = document(&c).await;
            c.apply_as(manager, desired, &ApplyOptions::default(), &none, false)
                .await
                .unwrap_or_else(|e| panic!("{order:?} apply {manager}: {e}"));
            let after = document(&c).await;
            assert_others_kept(
                &before,
                &after,
                manager,
                &format!("{order:?} apply {manager}"),
            );
            // A hand edit between steps: kubectl patches data (the record stays).
            let (data, _) = read(cluster, &name);
            let users = format!(
                "{}- userarn: arn:aws:iam::111122223333:user/hand-{i}\n  username: hand-{i}\n",
                data.get("mapUsers").cloned().unwrap_or_default()
            );
            let patch = serde_json::json!({"data": {"mapUsers": users}}).to_string();
            kubectl_ok(
                cluster,
                &[
                    "-n",
                    "kube-system",
                    "patch",
                    "configmap",
                    &name,
                    "--type",
                    "merge",
                    "-p",
                    &patch,
                ],
            );
        }
        // Re-apply with a changed desire: the first manager of the order drops one entry and
        // changes another.
        let (first, desired) = &desires[order[0]];
        let mut changed = desired.clone();
        if !changed.roles.is_empty() {
            changed.roles[0].groups.push("extra".into());
        }
        changed.users.clear();
        changed.accounts.clear();
        let before = document(&c).await;
        c.apply_as(first, &changed, &ApplyOptions::default(), &none, false)
            .await
            .unwrap();
        assert_others_kept(&before, &document(&c).await, first, "re-apply");
        // Release in the reverse order.
        for &i in order.iter().rev() {
            let (manager, _) = &desires[i];
            let before = document(&c).await;
            c.release(manager, &ApplyOptions::default(), &none, false)
                .await
                .unwrap();
            assert_others_kept(
                &before,
                &document(&c).await,
                manager,
                &format!("release {manager}"),
            );
        }
        let after = document(&c).await;
        assert_eq!(after.ownership_record(), None);
        let (data, annotations) = read(cluster, &name);
        assert!(
            !annotations.contains_key(OWNERSHIP_ANNOTATION),
            "{annotations:?}"
        );
        assert_eq!(
            annotations.get("team").map(String::as_str),
            Some("platform"),
            "other annotations stay"
        );
        assert_eq!(
            data["mapRoles"], HAND_ROLES,
            "{order:?}: only the hand-written roles are left"
        );
        let users = &data["mapUsers"];
        assert!(
            users.contains("user/alice") && users.contains("hand-0") && !users.contains("carol"),
            "{users}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_get_and_one_put_per_apply_and_the_record_survives_other_tools() {
    let cluster = TestCluster::start().unwrap();
    create(&cluster, "aws-auth");
    let c = client(&cluster, "aws-auth").await;
    let none = RetryPolicy::default();
    let desired = Desired {
        roles: vec![role(&arn("ci"), "ci", &["deployers"])],
        ..Desired::default()
    };
    let before = cluster.aws_auth_requests().unwrap();
    let outcome = c
        .apply_as("stack", &desired, &ApplyOptions::default(), &none, false)
        .await
        .unwrap();
    let after = cluster.aws_auth_requests().unwrap();
    assert!(outcome.written);
    assert_eq!(
        (after.get - before.get, after.update - before.update),
        (1, 1)
    );
    assert_eq!(
        after.total() - before.total(),
        2,
        "nothing else: {before:?} {after:?}"
    );
    // A re-apply with nothing to change sends no PUT.
    let outcome = c
        .apply_as("stack", &desired, &ApplyOptions::default(), &none, false)
        .await
        .unwrap();
    assert!(!outcome.changed);
    assert_eq!(cluster.aws_auth_requests().unwrap().update, after.update);

    // `kubectl patch --type merge` of data keeps the record.
    kubectl_ok(
        &cluster,
        &[
            "-n",
            "kube-system",
            "patch",
            "configmap",
            "aws-auth",
            "--type",
            "merge",
            "-p",
            r#"{"data":{"other":"x"}}"#,
        ],
    );
    let (_, annotations) = read(&cluster, "aws-auth");
    assert!(annotations[OWNERSHIP_ANNOTATION].contains("\"stack\""));

    // `kubectl apply` of a manifest without the annotation: a client-side apply keeps
    // annotations it did not set before.
    let (data, _) = read(&cluster, "aws-auth");
    let manifest = serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system"},
        "data": data,
    });
    let path = cluster.dir().join("apply.json");
    std::fs::write(&path, manifest.to_string()).unwrap();
    kubectl_ok(&cluster, &["apply", "-f", path.to_str().unwrap()]);
    let (_, annotations) = read(&cluster, "aws-auth");
    assert!(
        annotations.contains_key(OWNERSHIP_ANNOTATION),
        "kubectl apply keeps it: {annotations:?}"
    );

    // A replace through the API without it (what `kubectl edit` does when the annotation is
    // deleted, or `kubectl replace -f` of an old file) drops it: the next apply finds the
    // entry unowned but equal, adopts it, and says so.
    let replace = serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system"},
        "data": data,
    });
    std::fs::write(&path, replace.to_string()).unwrap();
    kubectl_ok(&cluster, &["replace", "-f", path.to_str().unwrap()]);
    let (_, annotations) = read(&cluster, "aws-auth");
    assert!(!annotations.contains_key(OWNERSHIP_ANNOTATION));
    let outcome = c
        .apply_as("stack", &desired, &ApplyOptions::default(), &none, false)
        .await
        .unwrap();
    assert_eq!(outcome.changes[0].action, Action::Adopted);
    assert!(
        outcome.changes[0]
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("there is no ownership record"),
        "{:?}",
        outcome.changes
    );
    let (_, annotations) = read(&cluster, "aws-auth");
    assert!(annotations[OWNERSHIP_ANNOTATION].contains("\"stack\""));

    // A broken record (written by hand) is repaired by the next apply.
    kubectl_ok(
        &cluster,
        &[
            "-n",
            "kube-system",
            "annotate",
            "--overwrite",
            "configmap",
            "aws-auth",
            &format!("{OWNERSHIP_ANNOTATION}=garbage"),
        ],
    );
    let outcome = c
        .apply_as("stack", &desired, &ApplyOptions::default(), &none, false)
        .await
        .unwrap();
    assert!(outcome.repaired.is_some());
    let (_, annotations) = read(&cluster, "aws-auth");
    assert!(annotations[OWNERSHIP_ANNOTATION].starts_with("{\"v\":1,"));
    cluster.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_managers_applying_at_once_lose_nothing() {
    let cluster = TestCluster::shared().unwrap();
    let name = "aws-auth-ten";
    create(cluster, name);
    let retry = RetryPolicy {
        enabled: true,
        max_attempts: 100,
        min: Duration::from_millis(20),
        max: Duration::from_millis(500),
    };
    let desire = |m: usize, round: usize| Desired {
        // Each round wants a sliding window of three roles: one leaves, one comes.
        roles: (round..round + 3)
            .map(|k| {
                role(
                    &arn(&format!("m{m}-r{k}")),
                    &format!("m{m}-r{k}"),
                    &["team"],
                )
            })
            .collect(),
        ..Desired::default()
    };
    const ROUNDS: usize = 3;
    let mut tasks = Vec::new();
    for m in 0..10 {
        let c = client(cluster, name).await;
        tasks.push(tokio::spawn(async move {
            for round in 0..ROUNDS {
                c.apply_as(
                    &format!("m{m}"),
                    &desire(m, round),
                    &ApplyOptions::default(),
                    &retry,
                    false,
                )
                .await
                .unwrap_or_else(|e| panic!("m{m} round {round}: {e}"));
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let c = client(cluster, name).await;
    let auth = document(&c).await;
    let own = auth.ownership();
    assert_eq!(own.managers.len(), 10);
    let roles = auth.mappings().roles;
    for m in 0..10 {
        let want: Vec<String> = desire(m, ROUNDS - 1)
            .roles
            .iter()
            .map(|r| r.arn.clone())
            .collect();
        let have: Vec<String> = roles
            .iter()
            .zip(&own.roles)
            .filter(|(_, o)| o.as_deref() == Some(&format!("m{m}")))
            .map(|(r, _)| r.rolearn.clone().unwrap())
            .collect();
        assert_eq!(have, want, "m{m} owns exactly its last desire");
    }
    // Nothing else: the hand-written roles and the managers' last windows.
    assert_eq!(roles.len(), 2 + 10 * 3);
    assert!(
        auth.key_text(aws_auth_core::DataKey::MapRoles)
            .unwrap()
            .starts_with(HAND_ROLES)
    );
    assert!(auth.validate().is_empty(), "{:?}", auth.validate());
}
