//! The harness itself, against the real servers: users get exactly their
//! rights, the apiserver restarts on the same port with the same data, the
//! audit log counts requests, and no process outlives a cluster.

use std::fs;
use std::io::{BufRead, BufReader};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use test_cluster::{RequestCounts, TestCluster, User};

const NS: &str = "kube-system";
const MAP_ROLES: &str = "- rolearn: arn:aws:iam::111122223333:role/ops\n  username: ops\n  groups:\n  - system:masters\n";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[track_caller]
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "kubectl failed ({}):\n{}",
        out.status,
        stderr(out)
    );
}

/// kubectl failed, and the server said `user` may not `verb` configmaps.
#[track_caller]
fn assert_forbidden(out: &Output, user: &str, verb: &str) {
    let err = stderr(out);
    assert!(
        !out.status.success(),
        "kubectl succeeded, expected Forbidden"
    );
    assert!(
        err.contains("(Forbidden)")
            && err.contains(&format!(
                "User \"{user}\" cannot {verb} resource \"configmaps\""
            )),
        "expected `{user}` to be forbidden to {verb} configmaps, got:\n{err}"
    );
}

fn map_roles_as(cluster: &TestCluster, user: User, extra: &[&str]) -> Output {
    let mut args = vec![
        "-n",
        NS,
        "get",
        "configmap",
        "aws-auth",
        "-o",
        "jsonpath={.data.mapRoles}",
    ];
    args.extend_from_slice(extra);
    cluster.kubectl(user, args)
}

/// A manifest of `kube-system/aws-auth` with `mapRoles` set to `map_roles`,
/// for `kubectl replace` (an HTTP PUT, the `update` verb).
fn write_manifest(dir: &Path, name: &str, map_roles: &str) -> String {
    let path = dir.join(name);
    let indented: String = map_roles.lines().map(|l| format!("    {l}\n")).collect();
    fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: {NS}\n\
             data:\n  mapRoles: |\n{indented}"
        ),
    )
    .expect("write manifest");
    path.display().to_string()
}

/// Live processes whose command line mentions `dir` (each server gets paths
/// in its cluster directory as flags).
fn processes_using(dir: &Path) -> Vec<String> {
    let needle = dir.display().to_string();
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").expect("read /proc").flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        // A zombie has exited; reaping it is its new parent's job.
        let status = fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        if status
            .lines()
            .any(|l| l.starts_with("State:") && l.contains('Z'))
        {
            continue;
        }
        if let Ok(cmdline) = fs::read(entry.path().join("cmdline")) {
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(&needle) {
                found.push(format!("{pid}: {cmdline}"));
            }
        }
    }
    found
}

#[track_caller]
fn assert_gone_soon(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let left = processes_using(dir);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "processes left behind:\n{}",
            left.join("\n")
        );
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn users_rights_restart_and_audit() {
    let cluster = TestCluster::start().expect("start the test cluster");
    let work = cluster.dir().join("test-files");
    fs::create_dir_all(&work).expect("create work dir");

    // The combined kubeconfig has one context per user, admin current.
    let out = cluster.kubectl(User::Admin, ["config", "get-contexts", "-o", "name"]);
    let combined = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(cluster.kubeconfig())
        .args(["config", "get-contexts", "-o", "name"])
        .output()
        .expect("run kubectl");
    assert_ok(&out);
    assert_eq!(stdout(&out), "admin\n");
    assert_eq!(stdout(&combined), "admin\nimpersonator\nnobody\nreader\n");
    let whoami = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(cluster.kubeconfig())
        .args([
            "--context",
            "reader",
            "auth",
            "whoami",
            "-o",
            "jsonpath={.status.userInfo.username}",
        ])
        .output()
        .expect("run kubectl");
    assert_eq!(stdout(&whoami), "reader", "{}", stderr(&whoami));

    // The static bearer token authenticates as token-admin, in system:masters.
    let token = cluster.bearer_token().expect("read the bearer token");
    assert_eq!(token.len(), 64);
    let by_token = Command::new("kubectl")
        .args(["--server", &cluster.server_url(), "--certificate-authority"])
        .arg(cluster.ca_cert())
        .args(["--token", &token, "--kubeconfig", "/dev/null"])
        .args(["auth", "whoami", "-o", "jsonpath={.status.userInfo}"])
        .output()
        .expect("run kubectl");
    assert!(
        stdout(&by_token).contains(r#""username":"token-admin""#)
            && stdout(&by_token).contains("system:masters"),
        "{} {}",
        stdout(&by_token),
        stderr(&by_token)
    );

    // admin creates it, everyone with `get` reads the same bytes.
    let out = cluster.kubectl(
        User::Admin,
        [
            "-n",
            NS,
            "create",
            "configmap",
            "aws-auth",
            &format!("--from-literal=mapRoles={MAP_ROLES}"),
        ],
    );
    assert_ok(&out);
    let out = map_roles_as(&cluster, User::Reader, &[]);
    assert_ok(&out);
    assert_eq!(stdout(&out), MAP_ROLES);

    // reader: get only, and only aws-auth.
    let replaced = write_manifest(
        &work,
        "replaced.yaml",
        "- rolearn: arn:aws:iam::111122223333:role/new\n",
    );
    assert_forbidden(
        &cluster.kubectl(User::Reader, ["replace", "-f", &replaced]),
        "reader",
        "update",
    );
    assert_forbidden(
        &cluster.kubectl(
            User::Reader,
            ["-n", NS, "label", "configmap", "aws-auth", "x=y"],
        ),
        "reader",
        "patch",
    );
    assert_forbidden(
        &cluster.kubectl(User::Reader, ["-n", NS, "get", "configmaps"]),
        "reader",
        "list",
    );
    assert_ok(&cluster.kubectl(User::Admin, ["-n", NS, "create", "configmap", "other"]));
    assert_forbidden(
        &cluster.kubectl(User::Reader, ["-n", NS, "get", "configmap", "other"]),
        "reader",
        "get",
    );

    // nobody: nothing.
    assert_forbidden(&map_roles_as(&cluster, User::Nobody, &[]), "nobody", "get");
    assert_forbidden(
        &cluster.kubectl(User::Nobody, ["replace", "-f", &replaced]),
        "nobody",
        "update",
    );

    // impersonator: nothing itself, anything as admin, only get as reader.
    assert_forbidden(
        &map_roles_as(&cluster, User::Impersonator, &[]),
        "impersonator",
        "get",
    );
    let out = map_roles_as(&cluster, User::Impersonator, &["--as", "admin"]);
    assert_ok(&out);
    assert_eq!(stdout(&out), MAP_ROLES);
    assert_ok(&map_roles_as(
        &cluster,
        User::Impersonator,
        &["--as", "reader"],
    ));
    assert_forbidden(
        &cluster.kubectl(
            User::Impersonator,
            ["replace", "-f", &replaced, "--as", "reader"],
        ),
        "reader",
        "update",
    );
    assert_ok(&cluster.kubectl(
        User::Impersonator,
        [
            "replace",
            "-f",
            &replaced,
            "--as",
            "someone",
            "--as-group",
            "system:masters",
        ],
    ));
    assert_ok(&cluster.kubectl(
        User::Impersonator,
        ["replace", "-f", &replaced, "--as", "admin"],
    ));
    let out = map_roles_as(&cluster, User::Admin, &[]);
    assert_eq!(
        stdout(&out),
        "- rolearn: arn:aws:iam::111122223333:role/new\n"
    );
    // …but a user without the right may not impersonate.
    let out = map_roles_as(&cluster, User::Nobody, &["--as", "admin"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("User \"nobody\" cannot impersonate resource \"users\""),
        "{}",
        stderr(&out)
    );

    // Restart: same port, same data, same credentials.
    let port = cluster.apiserver_port();
    cluster.stop_apiserver();
    let out = map_roles_as(&cluster, User::Reader, &["--request-timeout=5s"]);
    assert!(!out.status.success(), "apiserver answered while stopped");
    assert!(stderr(&out).contains("refused"), "{}", stderr(&out));
    cluster
        .start_apiserver()
        .expect("start the apiserver again");
    assert_eq!(cluster.apiserver_port(), port);
    let out = map_roles_as(&cluster, User::Reader, &[]);
    assert_ok(&out);
    assert_eq!(
        stdout(&out),
        "- rolearn: arn:aws:iam::111122223333:role/new\n"
    );
    cluster.restart_apiserver().expect("restart the apiserver");
    assert_ok(&map_roles_as(&cluster, User::Reader, &[]));

    // The audit log saw all of it, across restarts.
    let events = cluster.audit_events().expect("read the audit log");
    let aws_auth: Vec<_> = events
        .iter()
        .filter(|e| e.is_for("configmaps", NS, "aws-auth"))
        .collect();
    let count = |verb: &str, user: &str, code: u16| {
        aws_auth
            .iter()
            .filter(|e| e.verb == verb && e.user == user && e.code == Some(code))
            .count()
    };
    assert_eq!(count("create", "admin", 201), 1, "{aws_auth:#?}");
    // Each write attempt is one request; `kubectl replace` and `kubectl label`
    // also read before they write, so reads are counted as "at least".
    assert_eq!(count("update", "reader", 403), 1, "{aws_auth:#?}");
    assert_eq!(count("patch", "reader", 403), 1, "{aws_auth:#?}");
    assert_eq!(count("update", "nobody", 403), 1, "{aws_auth:#?}");
    assert!(count("get", "reader", 200) >= 3, "{aws_auth:#?}");
    assert!(count("get", "nobody", 403) >= 2, "{aws_auth:#?}");
    let as_admin: Vec<_> = aws_auth
        .iter()
        .filter(|e| e.user == "impersonator" && e.impersonated_user.as_deref() == Some("admin"))
        .map(|e| (e.verb.as_str(), e.code))
        .collect();
    assert!(as_admin.contains(&("get", Some(200))), "{as_admin:?}");
    assert!(as_admin.contains(&("update", Some(200))), "{as_admin:?}");

    // Counting between two points: one kubectl get is one GET, nothing else.
    let before = cluster.aws_auth_requests().expect("count");
    assert_ok(&map_roles_as(&cluster, User::Admin, &[]));
    let after = cluster.aws_auth_requests().expect("count");
    assert_eq!(
        after - before,
        RequestCounts {
            get: 1,
            ..RequestCounts::default()
        }
    );

    // Dropping the cluster during a panic still kills the servers and
    // removes the directory.
    let dir = cluster.dir().to_path_buf();
    assert_eq!(
        processes_using(&dir).len(),
        2,
        "etcd and kube-apiserver should run"
    );
    let result = catch_unwind(AssertUnwindSafe(move || {
        let _cluster = cluster;
        panic!("panicking on purpose, to test cleanup");
    }));
    assert!(result.is_err());
    assert_gone_soon(&dir);
    assert!(!dir.exists(), "{} was not removed", dir.display());
}

/// Not a test on its own: the tests below run it in a child process.
///
/// With `TEST_CLUSTER_HELPER=hold` it starts a cluster, prints its directory
/// and sleeps; with `shared` it does the same with [`TestCluster::shared`]
/// and returns at once, so the process exits normally.
#[test]
#[ignore = "helper of the tests below"]
fn helper() {
    match std::env::var("TEST_CLUSTER_HELPER").as_deref() {
        Ok("hold") => {
            let cluster = TestCluster::start().expect("start the test cluster");
            println!("DIR {}", cluster.dir().display());
            thread::sleep(Duration::from_secs(600));
        }
        Ok("shared") => {
            let cluster = TestCluster::shared().expect("start the shared cluster");
            let again = TestCluster::shared().expect("get the shared cluster");
            assert!(std::ptr::eq(cluster, again), "two shared clusters");
            assert_ok(&cluster.kubectl(User::Admin, ["get", "namespace", "kube-system"]));
            println!("DIR {}", cluster.dir().display());
        }
        _ => {}
    }
}

/// Runs [`helper`] in `mode` and returns it and the cluster directory it
/// printed.
fn spawn_helper(mode: &str) -> (Child, PathBuf) {
    let mut child = Command::new(std::env::current_exe().expect("current exe"))
        .args(["--exact", "helper", "--ignored", "--nocapture"])
        .env("TEST_CLUSTER_HELPER", mode)
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the helper");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    while let Some(line) = lines.next() {
        if let Some(dir) = line.expect("read helper output").strip_prefix("DIR ") {
            // Keep reading: a closed pipe would fail the helper's own later output.
            std::thread::spawn(move || lines.for_each(drop));
            return (child, PathBuf::from(dir));
        }
    }
    panic!("the helper did not start a cluster: {:?}", child.wait());
}

#[test]
fn servers_die_with_the_test_process() {
    let (mut child, dir) = spawn_helper("hold");
    assert_eq!(
        processes_using(&dir).len(),
        2,
        "etcd and kube-apiserver should run"
    );

    // SIGKILL: no destructor, no atexit; only the lifeline pipe is left.
    child.kill().expect("kill the helper");
    child.wait().expect("reap the helper");
    assert_gone_soon(&dir);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn shared_cluster_is_removed_when_the_process_exits() {
    let (mut child, dir) = spawn_helper("shared");
    let status = child.wait().expect("reap the helper");
    assert!(status.success(), "helper failed: {status}");
    assert_gone_soon(&dir);
    assert!(!dir.exists(), "{} was not removed", dir.display());
}
