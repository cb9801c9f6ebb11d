//! The manifests under `deploy/` against a real kube-apiserver (crate `test-cluster`): the
//! ServiceAccount bound to exactly the documented Roles can do every aws-auth operation on
//! `kube-system/aws-auth` and is refused everything else; the Job example is accepted by the
//! server (server-side dry run: the test cluster runs no controllers, so no Pod).
//!
//! They always run: a skipped test would count as passing.

use std::fs;
use std::path::{Path, PathBuf};

use test_cluster::{TestCluster, User};

mod common;
use common::{NODE_ROLE, aws_auth, upsert_node_role};

const SA: &str = "system:serviceaccount:aws-auth:aws-auth";

fn deploy(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy")
        .join(file)
}

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

/// A kubeconfig that authenticates as the ServiceAccount with a bound token from the
/// TokenRequest API (`kubectl create token`), as the Pod of the Job would.
fn service_account_kubeconfig(cluster: &TestCluster) -> PathBuf {
    let token = kubectl_ok(
        cluster,
        &[
            "-n",
            "aws-auth",
            "create",
            "token",
            "aws-auth",
            "--duration",
            "1h",
        ],
    );
    let token = token.trim();
    assert!(!token.is_empty());
    let path = cluster.dir().join("kubeconfig-aws-auth-sa");
    fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {}\n    \
             certificate-authority: {}\nusers:\n- name: sa\n  user:\n    token: {token}\n\
             contexts:\n- name: sa\n  context:\n    cluster: c\n    user: sa\n\
             current-context: sa\n",
            cluster.server_url(),
            cluster.ca_cert().display()
        ),
    )
    .unwrap();
    path
}

/// `kubectl auth can-i` for the ServiceAccount, asked by the admin through impersonation.
fn can_i(cluster: &TestCluster, args: &[&str]) -> bool {
    let mut all = vec!["auth", "can-i", "--as", SA];
    all.extend_from_slice(args);
    let out = cluster.kubectl(User::Admin, &all);
    match String::from_utf8_lossy(&out.stdout).trim() {
        "yes" => true,
        "no" => false,
        other => panic!(
            "kubectl {all:?}: {other} {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

#[test]
fn the_service_account_can_edit_aws_auth_and_nothing_else() {
    let cluster = TestCluster::start().unwrap();
    let rbac = deploy("rbac.yaml");
    kubectl_ok(&cluster, &["apply", "-f", rbac.to_str().unwrap()]);
    let sa = service_account_kubeconfig(&cluster);

    // The token authenticates as the ServiceAccount.
    let r = aws_auth(&sa, &["get"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr, "note: sa/kube-system/aws-auth does not exist\n",
        "get of a missing ConfigMap needs only get"
    );

    // Without the optional Role, a missing ConfigMap cannot be created: one clear line.
    let r = aws_auth(&sa, &upsert_node_role());
    let line = r.one_error();
    assert!(line.contains("403"), "{line}");
    assert!(line.contains("cannot create"), "{line}");
    assert_eq!(cluster.aws_auth_requests().unwrap().create, 0);

    // With it, upsert creates.
    let create = deploy("rbac-create.yaml");
    kubectl_ok(&cluster, &["apply", "-f", create.to_str().unwrap()]);
    let r = aws_auth(&sa, &upsert_node_role());
    assert_eq!(r.ok().stderr, format!("added {NODE_ROLE} to aws-auth\n"));
    // ... and is removed again: every other operation needs only the base Role.
    kubectl_ok(&cluster, &["delete", "-f", create.to_str().unwrap()]);
    assert!(!can_i(
        &cluster,
        &["create", "configmaps", "-n", "kube-system"]
    ));

    let admin_role = "arn:aws:iam::111122223333:role/admins";
    aws_auth(
        &sa,
        &[
            "upsert",
            "--rolearn",
            admin_role,
            "--username",
            "admin",
            "--groups",
            "system:masters",
        ],
    )
    .ok();
    aws_auth(
        &sa,
        &[
            "upsert",
            "--userarn",
            "arn:aws:iam::111122223333:user/ops",
            "--username",
            "ops",
            "--groups",
            "ops",
            "--retry",
        ],
    )
    .ok();
    let r = aws_auth(&sa, &["get", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.ok().stdout).unwrap();
    assert_eq!(v["mapRoles"].as_array().unwrap().len(), 2);
    assert_eq!(v["mapUsers"].as_array().unwrap().len(), 1);
    aws_auth(
        &sa,
        &["remove", "--userarn", "arn:aws:iam::111122223333:user/ops"],
    )
    .ok();
    aws_auth(&sa, &["remove-by-username", "--username", "ops"]).one_error();

    let want = cluster.dir().join("entries.yaml");
    fs::write(
        &want,
        "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/ci\n  username: ci\n  groups: [deployers]\n",
    )
    .unwrap();
    let r = aws_auth(
        &sa,
        &[
            "apply",
            "--manager",
            "platform",
            "--entries",
            want.to_str().unwrap(),
        ],
    );
    assert_eq!(
        r.ok().stderr,
        "added arn:aws:iam::111122223333:role/ci to aws-auth\n"
    );
    let r = aws_auth(&sa, &["release", "--manager", "platform"]);
    assert_eq!(
        r.ok().stderr,
        "removed arn:aws:iam::111122223333:role/ci from aws-auth\n"
    );
    let counts = cluster.aws_auth_requests().unwrap();
    assert_eq!(
        counts.create, 1,
        "created once, while the optional Role was bound"
    );

    // Any other ConfigMap, in kube-system or elsewhere: refused with one line naming it.
    kubectl_ok(
        &cluster,
        &["-n", "kube-system", "create", "configmap", "other"],
    );
    for (ns, name) in [("kube-system", "other"), ("aws-auth", "aws-auth")] {
        let r = aws_auth(&sa, &["get", "--namespace", ns, "--name", name]);
        let line = r.one_error();
        assert!(line.contains(&format!("sa/{ns}/{name}")), "{line}");
        assert!(line.contains("403 Forbidden"), "{line}");
        assert_eq!(r.stdout, "");
        let r = aws_auth(
            &sa,
            &[
                "upsert",
                "--namespace",
                ns,
                "--name",
                name,
                "--rolearn",
                admin_role,
                "--username",
                "x",
                "--groups",
                "x",
            ],
        );
        assert!(r.one_error().contains("403 Forbidden"), "{}", r.stderr);
    }
    // Secrets, listing and watching: nothing. (The CLI reads no Secret; kubectl asks.)
    let sa_kubectl = |args: &[&str]| {
        let out = std::process::Command::new(
            std::env::var_os("KUBECTL").unwrap_or_else(|| "kubectl".into()),
        )
        .arg("--kubeconfig")
        .arg(&sa)
        .args(args)
        .output()
        .unwrap();
        assert!(!out.status.success(), "kubectl {args:?} was allowed");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(err.contains("Forbidden"), "kubectl {args:?}: {err}");
    };
    kubectl_ok(
        &cluster,
        &[
            "-n",
            "kube-system",
            "create",
            "secret",
            "generic",
            "s",
            "--from-literal=k=v",
        ],
    );
    sa_kubectl(&["-n", "kube-system", "get", "secret", "s"]);
    sa_kubectl(&["-n", "kube-system", "get", "configmaps"]);
    sa_kubectl(&["-n", "kube-system", "get", "configmap", "other"]);
    sa_kubectl(&["-n", "kube-system", "delete", "configmap", "aws-auth"]);
    for verb in ["list", "watch", "delete", "create"] {
        assert!(
            !can_i(&cluster, &[verb, "configmaps", "-n", "kube-system"]),
            "{verb}"
        );
    }
    for ns in ["kube-system", "aws-auth", "default"] {
        assert!(!can_i(&cluster, &["get", "secrets", "-n", ns]), "{ns}");
    }
    for verb in ["get", "update", "patch"] {
        assert!(can_i(
            &cluster,
            &[verb, "configmaps/aws-auth", "-n", "kube-system"]
        ));
    }
}

#[test]
fn the_job_example_is_accepted_by_the_api_server() {
    let cluster = TestCluster::start().unwrap();
    kubectl_ok(
        &cluster,
        &["apply", "-f", deploy("rbac.yaml").to_str().unwrap()],
    );
    let out = kubectl_ok(
        &cluster,
        &[
            "apply",
            "--dry-run=server",
            "-f",
            deploy("job.yaml").to_str().unwrap(),
        ],
    );
    assert!(
        out.contains("job.batch/aws-auth-apply-platform created (server dry run)"),
        "{out}"
    );
    // The entries the Job applies are valid entries for `apply`.
    let job = fs::read_to_string(deploy("job.yaml")).unwrap();
    let entries: String = job
        .split("entries.yaml: |\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("    "))
        .map(|l| format!("{}\n", &l[4..]))
        .collect();
    let path = cluster.dir().join("job-entries.yaml");
    fs::write(&path, entries).unwrap();
    let admin = cluster.kubeconfig_for(User::Admin);
    let r = aws_auth(
        &admin,
        &[
            "apply",
            "--manager",
            "platform",
            "--entries",
            path.to_str().unwrap(),
            "--retry",
        ],
    );
    assert_eq!(
        r.ok().stderr,
        "added arn:aws:iam::111122223333:role/platform-admins to aws-auth\n"
    );
}
