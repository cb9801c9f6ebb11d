//! The `aws-auth` binary against a real kube-apiserver (crate `test-cluster`).
//!
//! They always run: a skipped test would count as passing. The first run builds the API
//! server (minutes); later runs use the cached binary.

use test_cluster::{TestCluster, User};

mod common;
use common::{BIN, NODE_ROLE, aws_auth, upsert_node_role};
use std::path::Path;
use std::process::Command;

#[test]
fn upsert_creates_then_one_get_and_one_put_per_write() {
    let cluster = TestCluster::start().unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);

    let r = aws_auth(&admin, &["get"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "TYPE   ARN   USERNAME   GROUPS\n");
    assert_eq!(
        cluster.aws_auth_requests().unwrap().create,
        0,
        "get never creates"
    );

    let r = aws_auth(&admin, &upsert_node_role());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, format!("added {NODE_ROLE} to aws-auth\n"));
    let after_create = cluster.aws_auth_requests().unwrap();
    assert_eq!(after_create.create, 1);

    let admin_role = "arn:aws:iam::555555555555:role/abc";
    let r = aws_auth(
        &admin,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            admin_role,
            "--username",
            "ops-user",
            "--groups",
            "system:masters",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after_update = cluster.aws_auth_requests().unwrap();
    assert_eq!(after_update.get - after_create.get, 1, "one GET per write");
    assert_eq!(
        after_update.update - after_create.update,
        1,
        "one PUT per write"
    );

    // A no-op writes nothing.
    let r = aws_auth(&admin, &upsert_node_role());
    assert_eq!(r.stderr, format!("no updates needed to {NODE_ROLE}\n"));
    assert_eq!(
        cluster.aws_auth_requests().unwrap().update,
        after_update.update
    );

    let r = aws_auth(&admin, &["get", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["mapRoles"].as_array().unwrap().len(), 2);

    // Lockout guard, then the README remove commands.
    let r = aws_auth(&admin, &["remove", "--maproles", "--rolearn", admin_role]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error: admin/kube-system/aws-auth: refusing"),
        "{}",
        r.stderr
    );
    let r = aws_auth(
        &admin,
        &[
            "remove-by-username",
            "--username",
            "ops-user",
            "--allow-lockout",
            "--diff",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("-- rolearn: arn:aws:iam::555555555555:role/abc"),
        "{}",
        r.stdout
    );

    // Another field survives our write.
    let out = cluster.kubectl(
        User::Admin,
        [
            "-n",
            "kube-system",
            "label",
            "configmap",
            "aws-auth",
            "team=platform",
        ],
    );
    assert!(out.status.success());
    let r = aws_auth(
        &admin,
        &[
            "upsert",
            "--mapusers",
            "--userarn",
            "arn:aws:iam::555555555555:user/a-user",
            "--username",
            "admin",
            "--groups",
            "system:masters",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = cluster.kubectl(
        User::Admin,
        [
            "-n",
            "kube-system",
            "get",
            "configmap",
            "aws-auth",
            "-o",
            "jsonpath={.metadata.labels.team}",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "platform");
}

#[test]
fn forbidden_is_not_retried_and_remove_on_missing_matches_nothing() {
    let cluster = TestCluster::start().unwrap();
    let r = aws_auth(
        &cluster.kubeconfig_for(User::Admin),
        &[
            "remove",
            "--mapusers",
            "--userarn",
            "arn:aws:iam::555555555555:user/a-user",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("nothing matched"), "{}", r.stderr);
    assert_eq!(cluster.aws_auth_requests().unwrap().create, 0);

    let mut args = upsert_node_role();
    args.push("--retry");
    let r = aws_auth(&cluster.kubeconfig_for(User::Reader), &args);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: ") && r.stderr.contains("403"),
        "{}",
        r.stderr
    );
}

#[test]
fn impersonation() {
    let cluster = TestCluster::start().unwrap();
    let impersonator = cluster.kubeconfig_for(User::Impersonator);
    assert_eq!(aws_auth(&impersonator, &upsert_node_role()).code, 1);
    let mut args = upsert_node_role();
    args.extend(["--as", "admin", "--as-group", "system:masters"]);
    let r = aws_auth(&impersonator, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn connection_refused_is_retried() {
    let cluster = TestCluster::start().unwrap();
    cluster.stop_apiserver();
    let mut args = upsert_node_role();
    args.extend([
        "--retry",
        "--retry-max-count",
        "2",
        "--retry-min-time",
        "10ms",
        "--retry-max-time",
        "20ms",
    ]);
    let r = aws_auth(&cluster.kubeconfig_for(User::Admin), &args);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stderr.lines().collect();
    // Two attempts in all (as the Go tool counts): one retry, then the error.
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(
        lines[0].starts_with("retrying after ") && lines[0].contains("(attempt 2/2)"),
        "{}",
        r.stderr
    );
    assert!(lines[1].starts_with("error: "), "{}", r.stderr);
}

#[test]
fn kubectl_plugin() {
    let cluster = TestCluster::start().unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    assert!(
        bin_dir.join("kubectl-aws_auth").exists(),
        "build the kubectl-aws_auth binary first"
    );
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // Plugins get no kubectl flags: the kubeconfig comes through KUBECONFIG.
    let kubectl = std::env::var_os("KUBECTL").unwrap_or_else(|| "kubectl".into());
    let out = Command::new(kubectl)
        .env("PATH", path)
        .env("KUBECONFIG", cluster.kubeconfig_for(User::Admin))
        .args(["aws-auth", "get"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("TYPE"));
}
