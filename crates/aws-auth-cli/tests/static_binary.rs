//! The static (musl) binary as the Job of `deploy/` runs it: in an empty root filesystem, with
//! no kubeconfig, only the in-cluster service-account files, against the real kube-apiserver.
//! A copy named `kubectl-aws_auth` (what krew installs) is the kubectl plugin there.
//!
//! Ignored in `cargo test`: it needs the musl binary, which `testing/static/check.sh` builds
//! and passes in `AWS_AUTH_STATIC_BIN` before running this with `--ignored` (run-all.sh runs
//! that script, so the test runs in CI; without the variable it fails, it never passes empty).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use test_cluster::{TestCluster, User};

mod common;
use common::Run;

const SA_DIR: &str = "var/run/secrets/kubernetes.io/serviceaccount";

#[track_caller]
fn kubectl_ok(cluster: &TestCluster, args: &[&str]) -> String {
    let out = cluster.kubectl(User::Admin, args);
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `/aws-auth ARGS` chrooted into `root` (in a new user and mount namespace), with an empty
/// environment but for the two variables the kubelet sets in every Pod.
fn in_root(root: &Path, port: u16, args: &[&str]) -> Run {
    in_root_as("/aws-auth", root, port, args)
}

/// [`in_root`] running `program`, a path in `root`.
fn in_root_as(program: &str, root: &Path, port: u16, args: &[&str]) -> Run {
    let start = std::time::Instant::now();
    let out = Command::new(which("unshare"))
        .args(["-r", "--mount"])
        .arg(which("chroot"))
        .arg(root)
        .arg(program)
        .args(args)
        .env_clear()
        .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        .env("KUBERNETES_SERVICE_PORT", port.to_string())
        .output()
        .unwrap();
    Run::from(out, start.elapsed())
}

/// The path of `program`: it runs with an empty environment, so no `PATH` to find it by.
fn which(program: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not installed"))
}

#[test]
#[ignore = "needs the musl binary: run by testing/static/check.sh"]
fn the_static_binary_runs_in_cluster_from_an_empty_root() {
    let bin = std::env::var_os("AWS_AUTH_STATIC_BIN")
        .expect("AWS_AUTH_STATIC_BIN: the musl binary (testing/static/check.sh sets it)");
    let cluster = TestCluster::start().unwrap();
    kubectl_ok(
        &cluster,
        &[
            "apply",
            "-f",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../deploy/rbac.yaml")
                .to_str()
                .unwrap(),
        ],
    );
    // The Job's situation: aws-auth exists (EKS made it), the base Role only.
    kubectl_ok(
        &cluster,
        &["-n", "kube-system", "create", "configmap", "aws-auth"],
    );
    let token = kubectl_ok(&cluster, &["-n", "aws-auth", "create", "token", "aws-auth"]);

    // The root: the binary, what the kubelet mounts, the entries. No /etc, no CA bundle.
    let root = cluster.dir().join("root");
    let sa = root.join(SA_DIR);
    fs::create_dir_all(&sa).unwrap();
    fs::copy(&bin, root.join("aws-auth")).unwrap();
    fs::set_permissions(root.join("aws-auth"), fs::Permissions::from_mode(0o755)).unwrap();
    // The same binary under the plugin's name, as the krew archive ships it.
    fs::copy(root.join("aws-auth"), root.join("kubectl-aws_auth")).unwrap();
    fs::write(sa.join("token"), token.trim()).unwrap();
    fs::copy(cluster.ca_cert(), sa.join("ca.crt")).unwrap();
    fs::write(sa.join("namespace"), "aws-auth").unwrap();
    fs::write(
        root.join("entries.yaml"),
        "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/platform-admins\n  username: admin\n  groups: [system:masters]\n",
    )
    .unwrap();
    assert!(!root.join("etc").exists());

    let port = cluster.apiserver_port();
    let r = in_root(
        &root,
        port,
        &[
            "apply",
            "--manager",
            "platform",
            "--entries",
            "/entries.yaml",
        ],
    );
    assert_eq!(
        r.ok().stderr,
        "added arn:aws:iam::111122223333:role/platform-admins to aws-auth\n"
    );
    let r = in_root(
        &root,
        port,
        &[
            "upsert",
            "--rolearn",
            "arn:aws:iam::111122223333:role/ci",
            "--username",
            "ci",
            "--groups",
            "deployers",
            "--retry",
        ],
    );
    assert_eq!(
        r.ok().stderr,
        "added arn:aws:iam::111122223333:role/ci to aws-auth\n"
    );
    let r = in_root(&root, port, &["get", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.ok().stdout).unwrap();
    assert_eq!(v["mapRoles"].as_array().unwrap().len(), 2);

    // Refused elsewhere, with one line.
    let r = in_root(&root, port, &["get", "--name", "other"]);
    assert!(r.one_error().contains("403 Forbidden"), "{}", r.stderr);

    // Under the plugin's name: the same program, naming itself kubectl-aws_auth.
    let r = in_root_as("/kubectl-aws_auth", &root, port, &["get", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.ok().stdout).unwrap();
    assert_eq!(v["mapRoles"].as_array().unwrap().len(), 2);

    // Who wrote: the ServiceAccount, with our User-Agent.
    let events = cluster.audit_events().unwrap();
    let gets_by = |agent: &str| {
        events
            .iter()
            .filter(|e| {
                e.user == "system:serviceaccount:aws-auth:aws-auth"
                    && e.verb == "get"
                    && e.name.as_deref() == Some("aws-auth")
                    && e.user_agent
                        .as_deref()
                        .is_some_and(|a| a.starts_with(&format!("{agent}/")))
            })
            .count()
    };
    // `get` as aws-auth, then as the plugin (each one GET; the writes read first too).
    assert!(
        gets_by("aws-auth") >= 1,
        "no get by aws-auth/ in the audit log"
    );
    assert_eq!(
        gets_by("kubectl-aws_auth"),
        1,
        "the copy named kubectl-aws_auth: one get by kubectl-aws_auth/ in the audit log"
    );
    assert!(
        events
            .iter()
            .any(|e| e.user == "system:serviceaccount:aws-auth:aws-auth"
                && e.verb == "update"
                && e.name.as_deref() == Some("aws-auth")
                && e.code == Some(200)
                && e.user_agent
                    .as_deref()
                    .is_some_and(|a| a.starts_with("aws-auth/"))),
        "no update by the ServiceAccount in the audit log"
    );
}
