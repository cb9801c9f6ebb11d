//! EKS authentication built in: `aws-auth token` and `aws-auth --eks-cluster NAME`, with the AWS
//! side answered locally by real parts:
//!
//! - moto in server mode (`testing/eks/moto_eks.py`, installed by `testing/eks/moto.sh`):
//!   EKS `DescribeCluster` and STS `AssumeRoleWithWebIdentity`, reached through
//!   `AWS_ENDPOINT_URL` as the SDK reads it;
//! - aws-iam-authenticator's token verifier (`testing/authcheck/tokencheck`), on its own and as
//!   the real kube-apiserver's token webhook, so that the token the CLI sends is checked by
//!   the authenticator's own code (with STS's signature check done by a stand-in that knows the
//!   secret key);
//! - the real kube-apiserver + etcd (crate `test-cluster`), whose endpoint and CA moto's
//!   `DescribeCluster` hands out.
//!
//! Every run gets an empty environment (no `~/.aws`, no `AWS_*` of the machine, instance
//! metadata off) plus what the test gives it. They always run: a skipped test would count as
//! passing. `AWS_AUTH_TOKENCHECK` and `AWS_AUTH_MOTO_PYTHON` name prebuilt tools; otherwise
//! their scripts build them (once, cached).

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use test_cluster::TestCluster;

mod common;
use common::{BIN, Run, TempDir};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// What the STS stand-in answers for every good token.
const CANONICAL_ARN: &str = "arn:aws:iam::111122223333:role/deployer";
const ROLE: &str = "arn:aws:iam::555555555555:role/eks-e2e";

/// The path a build script printed (its last stdout line), or `$var` when set.
fn tool(var: &str, script: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return p.into();
    }
    let out = Command::new("sh")
        .arg(Path::new(ROOT).join(script))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn tokencheck() -> PathBuf {
    tool(
        "AWS_AUTH_TOKENCHECK",
        "testing/authcheck/tokencheck/build.sh",
    )
}

/// A child process that runs until its stdin closes, printing its URL on its first stdout
/// line and (tokencheck) one JSON line per verdict after it.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
    lines: mpsc::Receiver<String>,
}

impl Server {
    fn start(mut cmd: Command) -> Server {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let url = lines
            .recv_timeout(Duration::from_secs(120))
            .expect("the server printed its URL");
        Server {
            child,
            stdin,
            url,
            lines,
        }
    }

    /// The JSON lines printed since the last call.
    fn verdicts(&self) -> Vec<Value> {
        // The verdict of the last request is printed before its answer is sent.
        self.lines
            .try_iter()
            .map(|l| serde_json::from_str(&l).unwrap())
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// moto on a free port, with `clusters` (name, endpoint, CA PEM file) in `region`; the
/// credentials its STS hands out carry [`SECRET`].
fn moto(region: &str, clusters: &[(&str, &str, &Path)]) -> Server {
    let python = tool("AWS_AUTH_MOTO_PYTHON", "testing/eks/moto.sh");
    let mut cmd = Command::new(python);
    cmd.arg(Path::new(ROOT).join("testing/eks/moto_eks.py"))
        .args(["--region", region, "--sts-secret", SECRET]);
    for (name, endpoint, ca) in clusters {
        cmd.arg("--cluster")
            .arg(format!("{name}={endpoint}={}", ca.display()));
    }
    Server::start(cmd)
}

/// `aws-auth ARGS` with an empty environment but `HOME` (an empty directory), instance
/// metadata off, and `env`.
fn aws_auth(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_bin(BIN, home, args, env)
}

/// [`aws_auth`] for the binary `bin` (the kubectl plugin).
fn run_bin(bin: &str, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let start = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run::from(out, start.elapsed())
}

fn env_credentials<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut env = vec![
        ("AWS_ACCESS_KEY_ID", KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ];
    env.extend_from_slice(extra);
    env
}

/// A profile `ci` with static keys (region eu-west-1), in files named by `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE`. Its secret is [`SECRET`] (the verifier knows one secret);
/// its key ID, `AKIDPROFILE`, shows which credentials signed.
fn profile_files(dir: &TempDir) -> (String, String) {
    let config = dir.write(
        "aws-config",
        "[profile ci]\nregion = eu-west-1\noutput = json\n",
    );
    let credentials = dir.write(
        "aws-credentials",
        "[ci]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n",
    );
    (
        config.display().to_string(),
        credentials.display().to_string(),
    )
}

/// The verifier's verdicts on `tokens`, for cluster `cluster` in `region`.
fn verify(cluster: &str, region: &str, secret: &str, tokens: &[&str]) -> Vec<Value> {
    let mut child = Command::new(tokencheck())
        .args(["-cluster", cluster, "-secret", secret, "-region", region])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for t in tokens {
        writeln!(stdin, "{t}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The ExecCredential `token` printed, checked for shape; its token.
fn exec_credential(r: &Run) -> String {
    r.ok();
    assert_eq!(r.stderr, "");
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["kind"], "ExecCredential");
    assert_eq!(doc["apiVersion"], "client.authentication.k8s.io/v1beta1");
    let expiry = doc["status"]["expirationTimestamp"].as_str().unwrap();
    assert!(
        expiry.len() == 20 && expiry.ends_with('Z'),
        "RFC 3339, whole seconds: {expiry}"
    );
    // 14 minutes from now, as `aws eks get-token` says: later than 13, not later than 14.
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let minutes_left = (epoch_seconds(expiry) as i64 - now as i64) / 60;
    assert!((13..=14).contains(&minutes_left), "{expiry}");
    let token = doc["status"]["token"].as_str().unwrap();
    assert!(token.starts_with("k8s-aws-v1."), "{token}");
    token.to_string()
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ` (days from the civil calendar).
fn epoch_seconds(t: &str) -> u64 {
    let n = |a: usize, b: usize| t[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    (days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19)) as u64
}

#[test]
fn token_prints_an_exec_credential_the_authenticator_accepts() {
    let home = TempDir::new();
    // Environment credentials, region given.
    let env_token = exec_credential(&aws_auth(
        &home.0,
        &["token", "--cluster-name", "prod", "--region", "eu-west-1"],
        &env_credentials(&[]),
    ));
    // A profile of AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, region from the profile.
    let (config, credentials) = profile_files(&home);
    let profile_token = exec_credential(&aws_auth(
        &home.0,
        &["token", "--cluster-name", "prod"],
        &[
            ("AWS_CONFIG_FILE", &config),
            ("AWS_SHARED_CREDENTIALS_FILE", &credentials),
            ("AWS_PROFILE", "ci"),
        ],
    ));

    let v = verify("prod", "eu-west-1", SECRET, &[&env_token, &profile_token]);
    assert_eq!(v[0]["ok"], true, "{}", v[0]);
    assert_eq!(v[0]["canonicalArn"], CANONICAL_ARN);
    assert_eq!(v[0]["accessKeyId"], KEY_ID);
    assert_eq!(v[0]["stsEndpoint"], "sts.eu-west-1.amazonaws.com");
    assert_eq!(v[1]["ok"], true, "{}", v[1]);
    assert_eq!(v[1]["accessKeyId"], "AKIDPROFILE");
    // Another cluster's verifier refuses it.
    let v = verify("staging", "eu-west-1", SECRET, &[&env_token]);
    assert_eq!(v[0]["ok"], false, "{}", v[0]);
}

#[test]
fn token_failures_are_one_error_line() {
    let home = TempDir::new();
    let r = aws_auth(
        &home.0,
        &["token", "--cluster-name", "prod", "--region", "eu-west-1"],
        &[],
    );
    r.refused("no AWS credentials");
    let line = r.one_error();
    assert!(line.contains("Environment"), "says where it looked: {line}");

    let r = aws_auth(
        &home.0,
        &["token", "--cluster-name", "prod"],
        &env_credentials(&[]),
    );
    r.refused("no AWS region");
    assert!(r.stderr.contains("pass --region"), "{}", r.stderr);

    // A profile the config file does not have: named.
    let (config, _) = profile_files(&home);
    let r = aws_auth(
        &home.0,
        &["token", "--cluster-name", "prod", "--region", "eu-west-1"],
        &[("AWS_CONFIG_FILE", &config), ("AWS_PROFILE", "nope")],
    );
    r.refused("no AWS credentials");
    assert!(r.stderr.contains("nope"), "{}", r.stderr);

    // Usage errors: exit 2.
    for args in [
        &["token"][..],
        &["token", "--cluster-name", ""],
        &["--eks-cluster", "prod", "token", "--cluster-name", "prod"],
        &["get", "--eks-cluster", "prod", "-f", "x.yaml"],
        &["get", "--eks-cluster", "prod", "--kubeconfig", "k"],
        &["get", "--region", "eu-west-1"],
        &["--eks-cluster", "prod", "diff", "a.yaml", "b.yaml"],
    ] {
        let r = aws_auth(&home.0, args, &env_credentials(&[]));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
}

fn closed_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn eks_cluster_failures_are_one_error_line_that_says_where() {
    let home = TempDir::new();
    let ca = self_signed_ca(&home);
    let not_pem = home.write(
        "not-a-ca.pem",
        "-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n",
    );
    let unreachable = format!("https://127.0.0.1:{}", closed_port());
    let moto = moto(
        "eu-west-1",
        &[
            ("gone", &unreachable, &ca),
            ("bad-ca", &unreachable, &not_pem),
        ],
    );
    let env = env_credentials(&[("AWS_ENDPOINT_URL", &moto.url)]);
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut argv = vec!["--region", "eu-west-1"];
        argv.extend_from_slice(args);
        aws_auth(&home.0, &argv, env)
    };

    // Unknown cluster.
    let r = run(&["--eks-cluster", "nope", "get"], &env);
    r.refused("no EKS cluster named \"nope\" in eu-west-1");
    // The same as the kubectl plugin (`kubectl aws-auth --eks-cluster nope get`).
    let r = run_bin(
        env!("CARGO_BIN_EXE_kubectl-aws_auth"),
        &home.0,
        &["--eks-cluster", "nope", "--region", "eu-west-1", "get"],
        &env,
    );
    r.refused("no EKS cluster named \"nope\" in eu-west-1");

    // DescribeCluster answered, the API server it names unreachable: a write writes nothing.
    let r = run(
        &[
            "--eks-cluster",
            "gone",
            "upsert",
            "--rolearn",
            ROLE,
            "--username",
            "e2e",
        ],
        &env,
    );
    r.refused("eks:gone/kube-system/aws-auth");
    assert!(r.stderr.contains("Connection refused"), "{}", r.stderr);

    // A CA that is no certificate: refused before any request, naming the cluster.
    let r = run(&["--eks-cluster", "bad-ca", "get"], &env);
    r.refused("EKS cluster \"bad-ca\"");
    assert!(r.stderr.contains("certificate"), "{}", r.stderr);

    // No credentials: said before any call.
    let r = run(
        &["--eks-cluster", "gone", "get"],
        &[("AWS_ENDPOINT_URL", &moto.url)],
    );
    r.refused("no AWS credentials");

    // The EKS API itself unreachable.
    let nowhere = format!("http://127.0.0.1:{}", closed_port());
    let r = run(
        &["--eks-cluster", "gone", "get"],
        &env_credentials(&[("AWS_ENDPOINT_URL", &nowhere)]),
    );
    r.refused("eks:DescribeCluster \"gone\" in eu-west-1");
}

/// A self-signed CA certificate (PEM) made by openssl, for a cluster never reached over TLS.
fn self_signed_ca(dir: &TempDir) -> PathBuf {
    let (key, cert) = (dir.0.join("ca.key"), dir.0.join("ca.pem"));
    let out = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=eks-test-ca", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    cert
}

/// The webhook configuration (a kubeconfig) that sends TokenReviews to `url`.
fn webhook_config(dir: &TempDir, url: &str) -> PathBuf {
    dir.write(
        "webhook.kubeconfig",
        &format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: tokencheck\n  cluster:\n    server: {url}\nusers:\n- name: apiserver\n  user: {{}}\ncontexts:\n- name: webhook\n  context:\n    cluster: tokencheck\n    user: apiserver\ncurrent-context: webhook\n"
        ),
    )
}

#[test]
fn eks_cluster_reaches_the_real_api_server_with_describe_cluster_and_a_verified_token() {
    let dir = TempDir::new();
    let home = TempDir::new();
    // aws-iam-authenticator's verifier as the API server's token webhook: a good token for
    // cluster "e2e" is user CANONICAL_ARN in group system:masters.
    let mut cmd = Command::new(tokencheck());
    cmd.args([
        "-cluster",
        "e2e",
        "-secret",
        SECRET,
        "-serve",
        "127.0.0.1:0",
        "-groups",
        "system:masters",
    ]);
    let webhook = Server::start(cmd);
    let config = webhook_config(&dir, &webhook.url);
    let cluster = TestCluster::start_with_apiserver_args(&[
        format!(
            "--authentication-token-webhook-config-file={}",
            config.display()
        ),
        "--authentication-token-webhook-version=v1".to_string(),
    ])
    .unwrap();
    // moto's DescribeCluster names that API server and its CA.
    let moto = moto(
        "us-east-1",
        &[("e2e", &cluster.server_url(), &cluster.ca_cert())],
    );
    let eks = |args: &[&str], env: &[(&str, &str)]| {
        let mut argv = vec!["--eks-cluster", "e2e", "--region", "us-east-1"];
        argv.extend_from_slice(args);
        let mut env = env.to_vec();
        env.push(("AWS_ENDPOINT_URL", &moto.url));
        aws_auth(&home.0, &argv, &env)
    };
    let _ = webhook.verdicts();

    // Environment credentials: a write and a read, no kubeconfig anywhere.
    let upsert = [
        "upsert",
        "--rolearn",
        ROLE,
        "--username",
        "e2e",
        "--groups",
        "viewers",
    ];
    let r = eks(&upsert, &env_credentials(&[]));
    r.ok();
    assert_eq!(r.stderr, format!("added {ROLE} to aws-auth\n"));
    let r = eks(&["get", "-o", "json"], &env_credentials(&[]));
    r.ok();
    assert!(r.stdout.contains(ROLE), "{}", r.stdout);
    let verdicts = webhook.verdicts();
    assert!(!verdicts.is_empty(), "the API server asked the webhook");
    for v in &verdicts {
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["accessKeyId"], KEY_ID);
    }
    // The API server saw the requests as the verified identity.
    let events = cluster.audit_events().unwrap();
    let ours: Vec<_> = events
        .iter()
        .filter(|e| {
            e.resource.as_deref() == Some("configmaps") && e.name.as_deref() == Some("aws-auth")
        })
        .collect();
    assert!(!ours.is_empty());
    for e in &ours {
        assert_eq!(e.user, CANONICAL_ARN, "{:?}", e.request_uri);
    }

    // --as works through the EKS client too: the verified identity impersonates a user with
    // no rights, and the API server says no.
    let r = eks(&["get", "--as", "nobody"], &env_credentials(&[]));
    r.refused("eks:e2e/kube-system/aws-auth");
    assert!(
        r.stderr.contains("403 Forbidden") && r.stderr.contains("\"nobody\""),
        "{}",
        r.stderr
    );
    let _ = webhook.verdicts();

    // A profile from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (--region given: the
    // profile's region is another one).
    let (config_file, credentials_file) = profile_files(&home);
    let profile = [
        ("AWS_CONFIG_FILE", config_file.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials_file.as_str()),
        ("AWS_PROFILE", "ci"),
    ];
    let r = eks(&["get", "-o", "json"], &profile);
    r.ok();
    assert!(r.stdout.contains(ROLE), "{}", r.stdout);
    let verdicts = webhook.verdicts();
    assert!(!verdicts.is_empty());
    for v in &verdicts {
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["accessKeyId"], "AKIDPROFILE");
    }

    // Web identity (IRSA): the SDK trades the token file for credentials at moto's STS
    // (AssumeRoleWithWebIdentity), which hands out keys with SECRET.
    let jwt = home.write("web-identity-token", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
    let jwt = jwt.display().to_string();
    let web_identity = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", jwt.as_str()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/aws-auth-ci"),
        ("AWS_ROLE_SESSION_NAME", "e2e"),
    ];
    let r = eks(&["get", "-o", "json"], &web_identity);
    r.ok();
    assert!(r.stdout.contains(ROLE), "{}", r.stdout);
    let verdicts = webhook.verdicts();
    assert!(!verdicts.is_empty());
    for v in &verdicts {
        assert_eq!(v["ok"], true, "{v}");
        let key = v["accessKeyId"].as_str().unwrap();
        assert!(
            key != KEY_ID && key != "AKIDPROFILE" && !key.is_empty(),
            "moto's STS issued the key: {key}"
        );
    }

    // A wrong secret: the API server answers 401, shown as one line that names the cluster;
    // nothing written.
    let r = eks(
        &upsert,
        &[
            ("AWS_ACCESS_KEY_ID", KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", "not-the-secret"),
        ],
    );
    r.refused("eks:e2e/kube-system/aws-auth");
    assert!(r.stderr.contains("Unauthorized"), "{}", r.stderr);
    let verdicts = webhook.verdicts();
    assert!(!verdicts.is_empty());
    for v in &verdicts {
        assert_eq!(v["ok"], false, "{v}");
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("SignatureDoesNotMatch"),
            "{v}"
        );
    }
}
