//! Side by side with the Go tool (github.com/keikoproj/aws-auth) against a real kube-apiserver
//! and etcd (crate `test-cluster`), for BENCHMARKS.md's peer section. Not a test and not run
//! by CI: the figures depend on the machine.
//!
//! Getting the Go tool: its module is not served by the Go module proxy, but its dependencies
//! are. Fetch the public repository github.com/keikoproj/aws-auth (a clone or a source
//! snapshot), then in it:
//!
//! ```text
//! GOFLAGS=-mod=mod go build -o /some/dir/aws-auth .
//! ```
//!
//! Running (release binaries of ours; the kube-server binary as for the live tests):
//!
//! ```text
//! cargo build --release -p aws-auth-cli
//! AWS_AUTH_KUBE_SERVER=$(bash testing/kube-server/build.sh) \
//!   cargo bench -p aws-auth-cli --bench peer -- /some/dir/aws-auth [target/release/aws-auth]
//! ```
//!
//! Env: `RUNS` (timed runs per command, default 10), `RACE_ROUNDS` (rounds of the concurrency
//! race, default 3), `WRITERS` (concurrent writers, default 20), `SECTIONS` (some of
//! `behaviour,requests,time,race`, comma-separated; default all).
//!
//! What it prints: behaviour cases (exit status and first stderr line of each tool), the
//! requests each tool sends per operation (counted in the API server's audit log), wall and
//! CPU time of whole processes (startup, `get` and upserts on a 5,000-entry ConfigMap), and
//! the race of concurrent writers with and without `--retry` (how many writes land).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use test_cluster::{RequestCounts, TestCluster, User};

const ARN_PREFIX: &str = "arn:aws:iam::111122223333:role/";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One of the two tools.
struct Tool {
    name: &'static str,
    bin: PathBuf,
    kubeconfig: PathBuf,
}

impl Tool {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args);
        if args.first() != Some(&"version") {
            c.arg("--kubeconfig").arg(&self.kubeconfig);
        }
        c.env_remove("KUBECONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("runs")
    }
}

/// CPU time (user + system) of the children waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage writes into the struct it is given and nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above; RUSAGE_CHILDREN is a valid `who`.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Wall and CPU time of one run.
fn timed(tool: &Tool, args: &[&str]) -> (Duration, Duration, Output) {
    let cpu = children_cpu();
    let start = Instant::now();
    let out = tool.run(args);
    (start.elapsed(), children_cpu() - cpu, out)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn first_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(150)
        .collect()
}

/// The 5,000-role manifest of `benches/cli.sh` (985 KB).
fn big_manifest() -> String {
    let mut out = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n",
    );
    for i in 0..5000 {
        if i % 2 == 0 {
            let _ = write!(
                out,
                "    - rolearn: {ARN_PREFIX}eks-nodegroup-{i:05}-NodeInstanceRole-ABCDEFGH\n      username: system:node:{{{{EC2PrivateDNSName}}}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n"
            );
        } else {
            let _ = write!(
                out,
                "    - rolearn: {ARN_PREFIX}team-{i:05}-developers-access\n      username: team-{i:05}:{{{{SessionName}}}}\n      groups:\n        - team-{i:05}-viewers\n        - team-editors\n"
            );
        }
    }
    out.push_str("  mapUsers: |\n");
    for u in ["alice", "bob", "carol"] {
        let _ = write!(
            out,
            "    - userarn: arn:aws:iam::111122223333:user/{u}\n      username: {u}\n      groups:\n        - system:masters\n"
        );
    }
    out
}

/// The reference README's ConfigMap, with a comment, as a small starting point; role `abc` is
/// its only `system:masters` grant.
const SMALL: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    # worker nodes of ng-1\n    - rolearn: arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n    - rolearn: arn:aws:iam::555555555555:role/abc\n      username: ops-user\n      groups:\n        - system:masters\n  mapUsers: |\n    - userarn: arn:aws:iam::555555555555:user/a-user\n      username: admin\n      groups:\n        - viewers\n";

struct Bench {
    cluster: TestCluster,
    dir: PathBuf,
    seeds: usize,
}

impl Bench {
    /// Makes `kube-system/aws-auth` hold `manifest` (created or replaced with kubectl).
    fn seed(&mut self, manifest: &str) {
        self.seeds += 1;
        let path = self.dir.join(format!("seed-{}.yaml", self.seeds));
        std::fs::write(&path, manifest).unwrap();
        let path = path.to_str().unwrap();
        let out = self.cluster.kubectl(User::Admin, ["replace", "-f", path]);
        if !out.status.success() {
            let out = self.cluster.kubectl(User::Admin, ["create", "-f", path]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    fn delete(&self) {
        self.cluster.kubectl(
            User::Admin,
            [
                "-n",
                "kube-system",
                "delete",
                "configmap",
                "aws-auth",
                "--ignore-not-found",
            ],
        );
    }

    fn map_roles(&self) -> String {
        let out = self.cluster.kubectl(
            User::Admin,
            [
                "-n",
                "kube-system",
                "get",
                "configmap",
                "aws-auth",
                "-o",
                "jsonpath={.data.mapRoles}",
            ],
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Requests to `kube-system/aws-auth` so far, kubectl's left out.
    fn requests(&self) -> RequestCounts {
        let events = self.cluster.audit_events().unwrap();
        RequestCounts::count(
            events.iter().filter(|e| {
                !e.user_agent
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with("kubectl/")
            }),
            "configmaps",
            "kube-system",
            "aws-auth",
        )
    }
}

fn upsert_args<'a>(arn: &'a str, username: &'a str, groups: &'a str) -> Vec<&'a str> {
    vec![
        "upsert",
        "--maproles",
        "--rolearn",
        arn,
        "--username",
        username,
        "--groups",
        groups,
    ]
}

fn counts(c: RequestCounts) -> String {
    let mut parts = Vec::new();
    for (n, verb) in [
        (c.get, "GET"),
        (c.update, "PUT"),
        (c.create, "POST"),
        (c.patch, "PATCH"),
        (c.delete, "DELETE"),
        (c.other, "other"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {verb}"));
        }
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" + ")
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(go) = args
        .first()
        .cloned()
        .or_else(|| std::env::var("GO_AWS_AUTH").ok())
    else {
        eprintln!("usage: cargo bench -p aws-auth-cli --bench peer -- GO_TOOL_BINARY [OUR_BINARY]");
        std::process::exit(2);
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ours = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/aws-auth"));
    let ours = if ours.exists() {
        ours
    } else {
        let t = std::env::var("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
        t.join("release/aws-auth")
    };
    assert!(
        ours.exists(),
        "build ours first: cargo build --release -p aws-auth-cli"
    );
    let runs = env_usize("RUNS", 10);
    let rounds = env_usize("RACE_ROUNDS", 3);
    let writers = env_usize("WRITERS", 20);
    let big = big_manifest();
    let new_role = format!("{ARN_PREFIX}peer-new-role");
    let existing = format!("{ARN_PREFIX}team-00001-developers-access");
    let sections = std::env::var("SECTIONS").unwrap_or_default();
    let section = |name: &str| sections.is_empty() || sections.split(',').any(|s| s == name);

    let cluster = TestCluster::start().expect("a kube-apiserver (set AWS_AUTH_KUBE_SERVER)");
    let kubeconfig = cluster.kubeconfig_for(User::Admin);
    let dir = cluster.dir().to_path_buf();
    let mut b = Bench {
        cluster,
        dir,
        seeds: 0,
    };
    let tools = [
        Tool {
            name: "ours",
            bin: ours.clone(),
            kubeconfig: kubeconfig.clone(),
        },
        Tool {
            name: "go",
            bin: PathBuf::from(&go),
            kubeconfig,
        },
    ];
    println!("## machine");
    println!(
        "nproc {}; load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    for t in &tools {
        let v = t.run(&["version"]);
        println!(
            "{}: {} ({} bytes): {}",
            t.name,
            t.bin.display(),
            std::fs::metadata(&t.bin).map_or(0, |m| m.len()),
            String::from_utf8_lossy(&v.stdout).trim()
        );
    }

    // ---------------------------------------------------------------------------------------
    if section("behaviour") {
        println!("\n## behaviour (exit status: first stderr line; mapRoles afterwards)");
        let node =
            "arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6";
        let cases: Vec<(&str, Vec<&str>)> = vec![
            (
                "remove an ARN that is not there",
                vec![
                    "remove",
                    "--maproles",
                    "--rolearn",
                    "arn:aws:iam::555555555555:role/absent",
                ],
            ),
            (
                "remove the last system:masters role (lockout)",
                vec![
                    "remove",
                    "--maproles",
                    "--rolearn",
                    "arn:aws:iam::555555555555:role/abc",
                ],
            ),
            (
                "upsert username `yes` (YAML 1.1 boolean)",
                upsert_args("arn:aws:iam::555555555555:role/yes", "yes", "viewers"),
            ),
            (
                "upsert a role ARN with a path",
                upsert_args(
                    "arn:aws:iam::555555555555:role/team/deploy",
                    "deploy",
                    "deployers",
                ),
            ),
            (
                "upsert the node role again (no change)",
                upsert_args(
                    node,
                    "system:node:{{EC2PrivateDNSName}}",
                    "system:bootstrappers,system:nodes",
                ),
            ),
            (
                "upsert a role ARN that is not one",
                upsert_args("not-an-arn", "x", "viewers"),
            ),
        ];
        for (what, args) in &cases {
            println!("- {what}");
            for t in &tools {
                b.seed(SMALL);
                let before = b.map_roles();
                let r = b.requests();
                let out = t.run(args);
                let sent = b.requests() - r;
                let after = b.map_roles();
                let kept_comment = after.contains("# worker nodes of ng-1");
                let change = if after == before {
                    "unchanged".to_string()
                } else {
                    let lines: Vec<&str> = after.lines().filter(|l| !before.contains(*l)).collect();
                    format!(
                        "changed (comment {}; new lines: {})",
                        if kept_comment { "kept" } else { "lost" },
                        lines.join(" | ").chars().take(160).collect::<String>()
                    )
                };
                println!(
                    "  {}: exit {}: {:?}; requests {}; {}",
                    t.name,
                    out.status.code().unwrap_or(-1),
                    first_line(&out),
                    counts(sent),
                    change
                );
            }
        }
        println!("- get on a missing ConfigMap");
        for t in &tools {
            b.delete();
            let r = b.requests();
            let out = t.run(&["get"]);
            let sent = b.requests() - r;
            println!(
                "  {}: exit {}: {:?}; stdout {} lines; requests {}",
                t.name,
                out.status.code().unwrap_or(-1),
                first_line(&out),
                String::from_utf8_lossy(&out.stdout).lines().count(),
                counts(sent)
            );
        }
    }

    // ---------------------------------------------------------------------------------------
    if section("requests") {
        println!("\n## requests per operation (audit log), 5,000-entry ConfigMap");
        for t in &tools {
            b.seed(&big);
            let mut line = format!("{}:", t.name);
            for (what, args) in [
                (
                    "upsert new",
                    upsert_args(&new_role, "new", "system:bootstrappers,system:nodes"),
                ),
                (
                    "no-op upsert",
                    upsert_args(&new_role, "new", "system:bootstrappers,system:nodes"),
                ),
                ("get", vec!["get"]),
                (
                    "remove",
                    vec!["remove", "--maproles", "--rolearn", new_role.as_str()],
                ),
            ] {
                let r = b.requests();
                let out = t.run(&args);
                let sent = b.requests() - r;
                let _ = write!(
                    line,
                    " {what} = {} (exit {});",
                    counts(sent),
                    out.status.code().unwrap_or(-1)
                );
            }
            println!("{line}");
        }
    }

    // ---------------------------------------------------------------------------------------
    if section("time") {
        println!("\n## whole-process time, median of {runs} (wall, CPU user+sys)");
        for t in &tools {
            let mut wall = Vec::new();
            let mut cpu = Vec::new();
            for _ in 0..runs {
                let (w, c, _) = timed(t, &["version"]);
                wall.push(w);
                cpu.push(c);
            }
            println!(
                "{} version: wall {}, CPU {}",
                t.name,
                ms(median(wall)),
                ms(median(cpu))
            );
        }
        for t in &tools {
            b.seed(&big);
            for (what, reseed) in [
                ("get", false),
                ("upsert new", true),
                ("no-op upsert", false),
            ] {
                let mut wall = Vec::new();
                let mut cpu = Vec::new();
                for i in 0..runs {
                    if reseed {
                        b.seed(&big);
                    }
                    let arn = format!("{ARN_PREFIX}peer-timed-{i}");
                    let args = match what {
                        "get" => vec!["get"],
                        "upsert new" => {
                            upsert_args(&arn, "timed", "system:bootstrappers,system:nodes")
                        }
                        _ => upsert_args(
                            &existing,
                            "team-00001:{{SessionName}}",
                            "team-00001-viewers,team-editors",
                        ),
                    };
                    let (w, c, out) = timed(t, &args);
                    assert!(
                        out.status.success(),
                        "{} {what}: {}",
                        t.name,
                        first_line(&out)
                    );
                    wall.push(w);
                    cpu.push(c);
                }
                println!(
                    "{} {what} (5,000 entries): wall {}, CPU {}",
                    t.name,
                    ms(median(wall)),
                    ms(median(cpu))
                );
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    if section("race") {
        println!("\n## {writers} concurrent upserts of distinct roles, {rounds} rounds");
        for retry in [false, true] {
            for t in &tools {
                let mut results = Vec::new();
                for round in 0..rounds {
                    b.seed(SMALL);
                    let r = b.requests();
                    let arns: Vec<String> = (0..writers)
                        .map(|i| format!("{ARN_PREFIX}race-{round}-{i:02}"))
                        .collect();
                    let start = Instant::now();
                    let children: Vec<Child> = arns
                        .iter()
                        .map(|arn| {
                            let mut args = upsert_args(arn, "racer", "racers");
                            if retry {
                                args.push("--retry");
                            }
                            t.command(&args).spawn().unwrap()
                        })
                        .collect();
                    let ok = children
                        .into_iter()
                        .map(|c| c.wait_with_output().unwrap())
                        .filter(|o| o.status.success())
                        .count();
                    let elapsed = start.elapsed();
                    let sent = b.requests() - r;
                    let roles = b.map_roles();
                    let present = arns.iter().filter(|a| roles.contains(a.as_str())).count();
                    results.push(format!(
                        "{ok} exit 0, {present} present, {}, {}",
                        ms(elapsed),
                        counts(sent)
                    ));
                }
                println!(
                    "{} {}: {}",
                    t.name,
                    if retry { "--retry" } else { "no --retry" },
                    results.join(" | ")
                );
            }
        }
    }
}
