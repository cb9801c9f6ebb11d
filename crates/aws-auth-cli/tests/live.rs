//! The `aws-auth` binary against a real kube-apiserver (crate `test-cluster`).
//!
//! They always run: a skipped test would count as passing. The first run builds the API
//! server (minutes); later runs use the cached binary.

use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use test_cluster::{AuditEvent, TestCluster, User};

mod common;
use common::{BIN, NODE_ROLE, Run, aws_auth, command, upsert_node_role};

const VERSION: &str = env!("CARGO_PKG_VERSION");

#[test]
fn upsert_creates_then_one_get_and_one_put_per_write() {
    let cluster = TestCluster::start().unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);

    let r = aws_auth(&admin, &["get"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "TYPE   ARN   USERNAME   GROUPS\n");
    assert_eq!(
        r.stderr,
        "note: admin/kube-system/aws-auth does not exist\n"
    );
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
    let line = r.one_error();
    assert!(line.contains("nothing matched"), "{line}");
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
    // The plugin names itself to the API server.
    let gets = aws_auth_events(&cluster);
    assert_eq!(gets.len(), 1, "{gets:?}");
    assert_eq!(
        gets[0].user_agent.as_deref(),
        Some(format!("kubectl-aws_auth/{VERSION}").as_str())
    );
}

/// The requests about `kube-system/aws-auth` in the audit log.
fn aws_auth_events(cluster: &TestCluster) -> Vec<AuditEvent> {
    cluster
        .audit_events()
        .unwrap()
        .into_iter()
        .filter(|e| e.is_for("configmaps", "kube-system", "aws-auth"))
        .collect()
}

/// Every request of ours says who sent it: the audit log shows `aws-auth/<version>`, for reads,
/// creates, updates and no-ops, with and without --retry, through impersonation too.
#[test]
fn user_agent_on_every_request() {
    let cluster = TestCluster::start().unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);
    aws_auth(&admin, &["get"]).ok();
    aws_auth(&admin, &upsert_node_role()).ok();
    let mut retry = upsert_node_role();
    retry.push("--retry");
    aws_auth(&admin, &retry).ok();
    aws_auth(
        &admin,
        &[
            "upsert",
            "--mapusers",
            "--userarn",
            "arn:aws:iam::555555555555:user/ada",
            "--username",
            "ada",
            "--groups",
            "system:masters",
        ],
    )
    .ok();
    aws_auth(&admin, &["remove", "--rolearn", NODE_ROLE, "--dry-run"]).ok();
    aws_auth(&admin, &["remove", "--rolearn", NODE_ROLE]).ok();
    aws_auth(&admin, &["validate"]).ok();
    let imp = vec!["get", "--as", "admin"];
    aws_auth(&cluster.kubeconfig_for(User::Impersonator), &imp).ok();
    aws_auth(&cluster.kubeconfig_for(User::Reader), &["get"]).ok();

    let events = aws_auth_events(&cluster);
    let verbs: Vec<&str> = events.iter().map(|e| e.verb.as_str()).collect();
    assert_eq!(
        verbs.iter().filter(|v| **v == "get").count(),
        9,
        "{verbs:?}"
    );
    assert_eq!(
        verbs.iter().filter(|v| **v == "create").count(),
        1,
        "{verbs:?}"
    );
    assert_eq!(
        verbs.iter().filter(|v| **v == "update").count(),
        2,
        "{verbs:?}"
    );
    let want = format!("aws-auth/{VERSION}");
    for e in &events {
        assert_eq!(e.user_agent.as_deref(), Some(want.as_str()), "{e:?}");
    }
}

/// A kubeconfig like `admin`'s in which `edit` changed the text.
fn kubeconfig_edited(cluster: &TestCluster, name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let text = fs::read_to_string(cluster.kubeconfig_for(User::Admin)).unwrap();
    let path = cluster.dir().join(name);
    fs::write(&path, edit(&text)).unwrap();
    path
}

/// Every kind of failure, against a real API server: exit 1, one `error:` line naming what
/// failed, each cause said once, no debug dump of a Rust value (`common::Run::one_error`).
#[test]
fn every_failure_is_one_line_said_once() {
    let cluster = TestCluster::start().unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);
    let masters = "arn:aws:iam::555555555555:role/admin";
    aws_auth(
        &admin,
        &[
            "upsert",
            "--rolearn",
            masters,
            "--username",
            "admin",
            "--groups",
            "system:masters",
        ],
    )
    .ok();
    let port = {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        l.local_addr().unwrap().port()
    };
    let server = cluster.server_url();
    let refused = kubeconfig_edited(&cluster, "refused.kubeconfig", |t| {
        t.replace(&server, &format!("https://127.0.0.1:{port}"))
    });
    // No CA: the server's certificate cannot be verified.
    let no_ca = kubeconfig_edited(&cluster, "no-ca.kubeconfig", |t| {
        t.lines()
            .filter(|l| !l.contains("certificate-authority-data"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let garbage = kubeconfig_edited(&cluster, "garbage.kubeconfig", |_| {
        "apiVersion: v1\nclusters: [unclosed\n".to_string()
    });
    let missing = cluster.dir().join("no-such.kubeconfig");
    let reader = cluster.kubeconfig_for(User::Reader);
    let nobody = cluster.kubeconfig_for(User::Nobody);

    let node = upsert_node_role();
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v = node.clone();
        v.extend(extra);
        v
    };
    let cases: Vec<(&str, &Path, Vec<&str>, &[&str])> = vec![
        (
            "403 write",
            &reader,
            node.clone(),
            &[
                "reader/kube-system/aws-auth",
                "403 Forbidden",
                "cannot update",
            ],
        ),
        (
            "403 read",
            &nobody,
            vec!["get"],
            &["nobody/kube-system/aws-auth", "403 Forbidden", "cannot get"],
        ),
        (
            "403 with --retry",
            &reader,
            with(&["--retry"]),
            &["403 Forbidden"],
        ),
        (
            "404 namespace",
            &admin,
            with(&["--namespace", "no-such-namespace"]),
            &[
                "admin/no-such-namespace/aws-auth",
                "404 NotFound",
                "no-such-namespace",
            ],
        ),
        (
            "422 invalid name",
            &admin,
            with(&["--name", "Not_A_Name"]),
            &["422 Invalid", "Not_A_Name"],
        ),
        (
            "nothing matched",
            &admin,
            vec![
                "remove",
                "--rolearn",
                "arn:aws:iam::555555555555:role/absent",
            ],
            &["admin/kube-system/aws-auth", "nothing matched"],
        ),
        (
            "lockout",
            &admin,
            vec!["remove", "--rolearn", masters],
            &["refusing"],
        ),
        (
            "invalid ARN",
            &admin,
            vec![
                "upsert",
                "--rolearn",
                "arn:aws:iam::555555555555:policy/x",
                "--username",
                "x",
            ],
            &["admin/kube-system/aws-auth"],
        ),
        ("refused connection", &refused, vec!["get"], &["connection"]),
        (
            "refused connection, write",
            &refused,
            node.clone(),
            &["connection"],
        ),
        ("TLS", &no_ca, vec!["get"], &["certificate"]),
        // Not retried: a certificate that does not verify stays so.
        (
            "TLS with --retry",
            &no_ca,
            vec!["get", "--retry"],
            &["TLS error", "certificate"],
        ),
        (
            "bad kubeconfig",
            &garbage,
            vec!["get"],
            &[
                "garbage.kubeconfig: failed to parse kubeconfig YAML",
                "unclosed bracket",
            ],
        ),
        (
            "missing kubeconfig",
            &missing,
            node.clone(),
            &["no-such.kubeconfig: cannot read it: No such file or directory"],
        ),
    ];
    let mut failures = Vec::new();
    for (what, kc, args, wants) in &cases {
        let r = aws_auth(kc, args);
        let result = std::panic::catch_unwind(|| {
            let line = r.one_error().to_string();
            for want in *wants {
                assert!(line.contains(want), "wants {want:?}: {line}");
            }
            line
        });
        let result = result.and_then(|line| {
            // --retry is suggested only where it would help: a failure that may heal, when it
            // was not given.
            let heals = what.starts_with("refused");
            std::panic::catch_unwind(|| {
                assert_eq!(line.ends_with("; --retry would retry it"), heals, "{line}");
                line
            })
        });
        match result {
            Ok(line) => eprintln!("{what}: {line}"),
            Err(_) => failures.push(format!("{what}: exit {}: {}", r.code, r.stderr)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let written = cluster
        .audit_events()
        .unwrap()
        .iter()
        .filter(|e| e.verb == "update" && e.code == Some(200))
        .count();
    assert_eq!(written, 0, "no failed run wrote");
}

/// `--retry-max-count` bounds every attempt, conflicts included, with or without --retry;
/// the message names the flag that would help. Writers that give up on conflicts are made by
/// racing many processes at an attempt budget of 1 or 2.
#[test]
fn conflicts_honour_the_retry_budget() {
    let cluster = TestCluster::start().unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);
    aws_auth(&admin, &upsert_node_role()).ok();
    let mut gave_up = 0;
    for (round, extra) in [
        vec!["--retry-max-count", "1"],
        vec![
            "--retry",
            "--retry-max-count",
            "2",
            "--retry-min-time",
            "1ms",
            "--retry-max-time",
            "2ms",
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let max: usize = extra[extra
            .iter()
            .position(|a| *a == "--retry-max-count")
            .unwrap()
            + 1]
        .parse()
        .unwrap();
        let before = cluster.aws_auth_requests().unwrap();
        let arns: Vec<String> = (0..20)
            .map(|i| format!("arn:aws:iam::555555555555:role/budget-{round}-{i:02}"))
            .collect();
        let children: Vec<Child> = arns
            .iter()
            .map(|arn| {
                let mut args = vec!["upsert", "--rolearn", arn.as_str(), "--username", "x"];
                args.extend(&extra);
                command(&admin, &args).spawn().unwrap()
            })
            .collect();
        let runs: Vec<Run> = children
            .into_iter()
            .map(|c| Run::from(c.wait_with_output().unwrap(), Duration::ZERO))
            .collect();
        let mut failed = 0;
        for r in &runs {
            if r.code == 0 {
                continue;
            }
            failed += 1;
            let lines: Vec<&str> = r.stderr.lines().collect();
            // With --retry each wait is reported: max - 1 of them, then the error.
            assert_eq!(
                lines.len(),
                if extra[0] == "--retry" { max } else { 1 },
                "{}",
                r.stderr
            );
            let error = Run {
                code: 1,
                stdout: String::new(),
                stderr: format!("{}\n", lines.last().unwrap()),
                elapsed: Duration::ZERO,
            };
            let line = error.one_error();
            assert!(
                line.ends_with(&format!(
                    "giving up after {max} attempt{}; allow more attempts with --retry-max-count (now {max})",
                    if max == 1 { "" } else { "s" }
                )),
                "{line}"
            );
            assert!(!line.contains("try --retry"), "{line}");
        }
        let after = cluster.aws_auth_requests().unwrap();
        let puts = after.update - before.update;
        assert!(
            puts <= runs.len() * max,
            "at most {max} PUTs per run: {puts} for {} runs",
            runs.len()
        );
        eprintln!("round {round}: {failed} of 20 gave up, {puts} PUTs");
        gave_up += failed;
    }
    assert!(
        gave_up > 0,
        "no writer met a conflict: the test proved nothing"
    );
}

#[test]
fn apply_and_release_against_the_cluster() {
    let cluster = TestCluster::start().unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);
    aws_auth(&admin, &upsert_node_role()).ok();
    let dir = cluster.dir().join("ownership");
    fs::create_dir_all(&dir).unwrap();
    let want = dir.join("want.yaml");
    fs::write(
        &want,
        "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/ci\n  username: ci\n  groups: [deployers]\n",
    )
    .unwrap();
    let want = want.to_str().unwrap();

    // A dry run reads once and writes nothing.
    let before = cluster.aws_auth_requests().unwrap();
    let r = aws_auth(
        &admin,
        &[
            "apply",
            "--manager",
            "ci-pipeline",
            "--entries",
            want,
            "--dry-run",
        ],
    );
    assert_eq!(
        r.ok().stderr,
        "added arn:aws:iam::111122223333:role/ci to aws-auth (dry run)\n"
    );
    let after = cluster.aws_auth_requests().unwrap();
    assert_eq!(
        (after.get - before.get, after.update - before.update),
        (1, 0)
    );

    let r = aws_auth(
        &admin,
        &["apply", "--manager", "ci-pipeline", "--entries", want],
    );
    assert_eq!(
        r.ok().stderr,
        "added arn:aws:iam::111122223333:role/ci to aws-auth\n"
    );
    let end = cluster.aws_auth_requests().unwrap();
    assert_eq!(
        (end.get - after.get, end.update - after.update),
        (1, 1),
        "one GET, one PUT"
    );
    let out = cluster.kubectl(
        User::Admin,
        [
            "-n",
            "kube-system",
            "get",
            "configmap",
            "aws-auth",
            "-o",
            "jsonpath={.metadata.annotations.aws-auth/managers}",
        ],
    );
    let record = String::from_utf8_lossy(&out.stdout);
    assert!(
        record.contains("\"ci-pipeline\":{\"role:arn:aws:iam::111122223333:role/ci\":\"created:"),
        "{record}"
    );
    let table = aws_auth(&admin, &["get"]);
    assert!(
        table
            .ok()
            .stdout
            .lines()
            .any(|l| l.contains("role/ci") && l.ends_with("ci-pipeline")),
        "{}",
        table.stdout
    );

    // Another manager is refused, with the owner named and the flag that would take it.
    let r = aws_auth(&admin, &["apply", "--manager", "other", "--entries", want]);
    r.refused("is managed by \"ci-pipeline\"");
    assert!(r.stderr.contains("(--take-over)"));

    let r = aws_auth(&admin, &["release", "--manager", "ci-pipeline"]);
    assert_eq!(
        r.ok().stderr,
        "removed arn:aws:iam::111122223333:role/ci from aws-auth\n"
    );
    let out = cluster.kubectl(
        User::Admin,
        [
            "-n",
            "kube-system",
            "get",
            "configmap",
            "aws-auth",
            "-o",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["metadata"]["annotations"]
            .get("aws-auth/managers")
            .is_none(),
        "{v}"
    );
    assert!(v["data"]["mapRoles"].as_str().unwrap().contains(NODE_ROLE));
    cluster.stop();
}

#[test]
fn explain_and_diff_read_the_live_configmap() {
    let cluster = TestCluster::start().unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);
    let session = "arn:aws:sts::555555555555:assumed-role/my-new-node-group-NodeInstanceRole-74RF4UBDUKL6/i-0123456789abcdef0";

    // No ConfigMap yet: nobody is mapped, and diff sees every entry of the file as added.
    let r = aws_auth(&admin, &["explain", "--caller", session]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(&format!("{session}: not mapped\n")),
        "{}",
        r.stdout
    );

    assert_eq!(aws_auth(&admin, &upsert_node_role()).code, 0);
    let r = aws_auth(&admin, &["explain", "--caller", session, "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["grant"]["key"], "mapRoles");
    assert_eq!(v[0]["grant"]["index"], 0);
    assert_eq!(v[0]["grant"]["line"], 1);
    assert!(
        v[0]["grant"].get("fileLine").is_none(),
        "no file, no file line"
    );

    let dir = std::env::temp_dir().join(format!("aws-auth-live-diff-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let same = dir.join("same.yaml");
    let got = aws_auth(&admin, &["get", "-o", "json"]);
    let role = &serde_json::from_str::<serde_json::Value>(&got.stdout).unwrap()["mapRoles"][0];
    fs::write(
        &same,
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: '[{role}]'\n"
        ),
    )
    .unwrap();
    let r = aws_auth(&admin, &["diff", "--live", same.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let empty = dir.join("empty.yaml");
    fs::write(&empty, "data: {}\n").unwrap();
    let r = aws_auth(
        &admin,
        &["diff", "--live", empty.to_str().unwrap(), "-o", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["mapRoles"]["removed"][0]["now"], "absent");
    let _ = fs::remove_dir_all(&dir);
}

/// `access-entries prune` live: only the mapping an access entry covers goes, every other byte
/// of the data stays, and the last system:masters mapping may go because the entry that
/// covers it is a cluster admin.
#[test]
fn access_entries_prune_removes_only_covered_mappings() {
    let cluster = TestCluster::start().unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);
    let map_roles = "# nodes\n- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n- rolearn: arn:aws:iam::111122223333:role/admin # the admins\n  username: admin\n  groups:\n    - system:masters\n- rolearn: arn:aws:iam::111122223333:role/dev\n  username: dev\n  groups: [developers]\n";
    let map_users =
        "- userarn: arn:aws:iam::111122223333:user/ada\n  username: ada\n  groups: [developers]\n";
    let manifest = serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system"},
        "data": {"mapRoles": map_roles, "mapUsers": map_users},
    });
    let path = cluster.dir().join("prune.json");
    fs::write(&path, manifest.to_string()).unwrap();
    let out = cluster.kubectl(User::Admin, ["create", "-f", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries = cluster.dir().join("entries.json");
    fs::write(
        &entries,
        r#"[{"accessEntry": {"principalArn": "arn:aws:iam::111122223333:role/admin", "type": "STANDARD", "username": "admin"}},
            {"principalArn": "arn:aws:iam::111122223333:role/admin", "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "accessScope": {"type": "cluster"}}]},
            {"accessEntry": {"principalArn": "arn:aws:iam::111122223333:user/ada", "type": "STANDARD", "username": "ada"}}]"#,
    )
    .unwrap();
    let entries = entries.to_str().unwrap();

    let r = aws_auth(
        &admin,
        &[
            "access-entries",
            "plan",
            "-o",
            "json",
            "--cluster-name",
            "c",
            "--existing",
            entries,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let planned: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        planned.as_array().unwrap().len(),
        2,
        "nodes and dev: {}",
        r.stdout
    );

    let r = aws_auth(&admin, &["access-entries", "prune", "--existing", entries]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "note: mapRoles[1] arn:aws:iam::111122223333:role/admin is covered by access entry arn:aws:iam::111122223333:role/admin\nremoved arn:aws:iam::111122223333:role/admin from aws-auth\n"
    );
    let data = |key: &str| {
        let out = cluster.kubectl(
            User::Admin,
            [
                "-n",
                "kube-system",
                "get",
                "configmap",
                "aws-auth",
                "-o",
                &format!("jsonpath={{.data.{key}}}"),
            ],
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        data("mapRoles"),
        map_roles.replace("- rolearn: arn:aws:iam::111122223333:role/admin # the admins\n  username: admin\n  groups:\n    - system:masters\n", "")
    );
    // ada's entry lacks the developers group: not covered, kept.
    assert_eq!(data("mapUsers"), map_users);
}
