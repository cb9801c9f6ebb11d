//! What the differential test binaries (`differential.rs`, `lockout.rs`) share: finding and
//! driving the authenticator checker (`testing/authcheck`).
#![allow(dead_code)] // each test binary uses its own part

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The external corpus of public manifests: `AWS_AUTH_CORPUS`, or `shared/corpus/aws-auth`
/// beside the checkout. `None` (after saying on stderr that the corpus part is skipped, and why)
/// when it is absent, as it is in a fresh clone; CI (`CI=true`) must have it.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("AWS_AUTH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus/aws-auth"));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "corpus missing at {} (CI must run the corpus tests; set AWS_AUTH_CORPUS)",
        dir.display()
    );
    // Straight to stderr: the test harness swallows `eprintln!` of a passing test.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: the external corpus of public manifests is not at {} (AWS_AUTH_CORPUS, or \
         shared/corpus/aws-auth beside the checkout); its manifests are not compared",
        dir.display()
    );
    None
}

/// The checker binary: `AWS_AUTH_AUTHCHECK`, or built by `testing/authcheck/build.sh`.
pub fn checker() -> PathBuf {
    if let Some(p) = std::env::var_os("AWS_AUTH_AUTHCHECK") {
        return PathBuf::from(p);
    }
    let script = repo_root().join("testing/authcheck/build.sh");
    let out = Command::new("sh")
        .arg(&script)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} failed (needs Go; or set AWS_AUTH_AUTHCHECK)",
        script.display()
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// Runs the checker with `args` on `requests` (one JSON line each) and returns its answers,
/// one per request, in order.
pub fn run_checker(args: &[String], requests: Vec<Value>) -> Vec<Value> {
    let bin = checker();
    let mut child = Command::new(&bin)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let mut stdin = child.stdin.take().unwrap();
    let count = requests.len();
    let lines: String = requests.iter().map(|r| r.to_string() + "\n").collect();
    // Written from a thread: a large batch must not dead-lock against a full stdout pipe.
    let writer = std::thread::spawn(move || stdin.write_all(lines.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        output.status.success(),
        "authcheck failed: {}",
        output.status
    );
    let results: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), count, "one result per input");
    results
}

/// Fails with the count and the first ten of `failures`, if there are any.
#[track_caller]
pub fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} failures (first 10):\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
}
